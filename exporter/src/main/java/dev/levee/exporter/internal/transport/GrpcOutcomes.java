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
      return PartialSuccess.parse(response).outcome();
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
  static SendOutcome classify(Status status, Metadata trailers, boolean channelReady) {
    SendOutcome outcome = classify(status, channelReady);
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

  /**
   * Which gRPC codes are worth retrying, per the OTLP specification; and whether the backend
   * answered. It did not when the deadline passed, when the status carries a transport exception
   * (refused, reset, unreachable), or when the channel was not connected as the call ended (a
   * status grpc-java made up for a connection that went away).
   */
  static SendOutcome classify(Status status, boolean channelReady) {
    String message = status.getDescription() != null ? status.getDescription() : "";
    if (status.getCause() != null && message.isEmpty()) {
      message = String.valueOf(status.getCause());
    }
    String code = status.getCode().name();
    return switch (status.getCode()) {
      case CANCELLED, DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE, UNAVAILABLE, DATA_LOSS,
          RESOURCE_EXHAUSTED ->
          answered(status, channelReady)
              ? SendOutcome.retryableAnswer(code, message)
              : SendOutcome.retryable(code, message);
      default -> SendOutcome.permanent(code, message);
    };
  }

  private static boolean answered(Status status, boolean channelReady) {
    return channelReady
        && status.getCode() != Status.Code.DEADLINE_EXCEEDED
        && status.getCause() == null;
  }
}
