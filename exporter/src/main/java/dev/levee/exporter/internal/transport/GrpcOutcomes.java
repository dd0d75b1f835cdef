package dev.levee.exporter.internal.transport;

import io.grpc.Metadata;
import io.grpc.Status;

/**
 * What grpc-java's answer means for the data: its {@link Status} and trailers read into {@link
 * GrpcAnswers}. Internal, may change.
 */
final class GrpcOutcomes {
  private GrpcOutcomes() {}

  static SendOutcome answered(byte[] response) {
    return GrpcAnswers.answered(response);
  }

  private static final Metadata.Key<byte[]> STATUS_DETAILS =
      Metadata.Key.of("grpc-status-details-bin", Metadata.BINARY_BYTE_MARSHALLER);

  /** As {@link #classify(Status, boolean)}, with the delay {@code RetryInfo} in the trailers asks. */
  static SendOutcome classify(Status status, Metadata trailers, boolean channelReady) {
    byte[] details = trailers == null ? null : trailers.get(STATUS_DETAILS);
    return GrpcAnswers.classify(
        status.getCode().value(), message(status), details, answered(status, channelReady));
  }

  /**
   * Which gRPC codes are worth retrying, per the OTLP specification; and whether the backend
   * answered. It did not when the deadline passed, when the status carries a transport exception
   * (refused, reset, unreachable), or when the channel was not connected as the call ended (a
   * status grpc-java made up for a connection that went away).
   */
  static SendOutcome classify(Status status, boolean channelReady) {
    return GrpcAnswers.classify(
        status.getCode().value(), message(status), null, answered(status, channelReady));
  }

  private static String message(Status status) {
    String message = status.getDescription() != null ? status.getDescription() : "";
    if (status.getCause() != null && message.isEmpty()) {
      message = String.valueOf(status.getCause());
    }
    return message;
  }

  private static boolean answered(Status status, boolean channelReady) {
    return channelReady
        && status.getCode() != Status.Code.DEADLINE_EXCEEDED
        && status.getCause() == null;
  }
}
