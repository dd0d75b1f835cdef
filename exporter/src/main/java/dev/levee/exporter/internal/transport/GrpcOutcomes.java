package dev.levee.exporter.internal.transport;

import io.grpc.Metadata;
import io.grpc.Status;

/**
 * What a gRPC answer means for the data: delivered (less a partial success's rejections), worth a
 * retry (and after how long, if the server said), or refused for good. Internal, may change.
 */
final class GrpcOutcomes {
  private GrpcOutcomes() {}

  static SendOutcome answered(byte[] response) {
    try {
      PartialSuccess partial = PartialSuccess.parse(response);
      return partial.rejectedItems() == 0 && partial.errorMessage().isEmpty()
          ? SendOutcome.success()
          : SendOutcome.partialSuccess(partial.rejectedItems(), partial.errorMessage());
    } catch (RuntimeException e) {
      // A malformed response: the data may not have arrived, so keep it.
      return SendOutcome.retryable("UNKNOWN", String.valueOf(e));
    }
  }

  private static final Metadata.Key<byte[]> STATUS_DETAILS =
      Metadata.Key.of("grpc-status-details-bin", Metadata.BINARY_BYTE_MARSHALLER);

  /**
   * Which gRPC codes are worth retrying, per the OTLP specification, and after how long if the
   * server said so with {@code RetryInfo}.
   *
   * <p>The specification makes {@code RESOURCE_EXHAUSTED} retryable only with {@code RetryInfo}.
   * Levee retries it without, too, on its own backoff: a throttling backend is a temporary state,
   * and dropping accepted data for it would break Levee's first promise.
   */
  static SendOutcome classify(Status status, Metadata trailers) {
    SendOutcome outcome = classify(status);
    if (outcome.kind() == SendOutcome.Kind.RETRYABLE && trailers != null) {
      byte[] details = trailers.get(STATUS_DETAILS);
      if (details != null) {
        long delay = RetryInfo.retryDelayNanos(details);
        if (delay != SendOutcome.NO_RETRY_DELAY) {
          return SendOutcome.retryableAfter(outcome.status(), outcome.message(), delay);
        }
      }
    }
    return outcome;
  }

  /** Which gRPC codes are worth retrying, per the OTLP specification. */
  static SendOutcome classify(Status status) {
    String message = status.getDescription() != null ? status.getDescription() : "";
    if (status.getCause() != null && message.isEmpty()) {
      message = String.valueOf(status.getCause());
    }
    String code = status.getCode().name();
    return switch (status.getCode()) {
      case CANCELLED, DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE, UNAVAILABLE, DATA_LOSS,
          RESOURCE_EXHAUSTED -> SendOutcome.retryable(code, message);
      default -> SendOutcome.permanent(code, message);
    };
  }
}
