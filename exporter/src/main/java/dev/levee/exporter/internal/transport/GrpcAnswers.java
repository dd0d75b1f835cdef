package dev.levee.exporter.internal.transport;

/**
 * What a gRPC status means for the data, by its numeric code, without grpc-java's classes (the
 * OkHttp transport uses it, and loading grpc-java's {@code Status} is what it avoids): delivered
 * (less a partial success's rejections), worth a retry (after how long, if the server said so
 * with {@code RetryInfo}), or refused for good. Internal, may change.
 */
final class GrpcAnswers {
  private GrpcAnswers() {}

  private static final String[] CODES = {
    "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
    "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
    "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"
  };

  static final int OK = 0;
  static final int UNKNOWN = 2;
  static final int INTERNAL = 13;
  static final int UNAVAILABLE = 14;

  /** The code's name, e.g. {@code UNAVAILABLE}; {@code CODE_<n>} for one outside the table. */
  static String name(int code) {
    return code >= 0 && code < CODES.length ? CODES[code] : "CODE_" + code;
  }

  /** The code named {@code name} ({@code UNAVAILABLE}: 14), or {@code UNKNOWN}'s for another name. */
  static int value(String name) {
    for (int code = 0; code < CODES.length; code++) {
      if (CODES[code].equals(name)) {
        return code;
      }
    }
    return UNKNOWN;
  }

  /** A successful call's response message: delivered, less a partial success's rejections. */
  static SendOutcome answered(byte[] response) {
    try {
      return PartialSuccess.parse(response).outcome();
    } catch (RuntimeException e) {
      // A malformed response: the data may not have arrived, so keep it.
      return SendOutcome.retryable("UNKNOWN", String.valueOf(e));
    }
  }

  /**
   * Which codes are worth retrying, per the OTLP specification, and after how long if {@code
   * statusDetails} (the {@code grpc-status-details-bin} trailer, or null) carries {@code
   * RetryInfo}; {@code answered} says whether the backend itself answered (not a deadline that
   * passed or a connection that failed).
   *
   * <p>The specification makes {@code RESOURCE_EXHAUSTED} retryable only with {@code RetryInfo}.
   * Levee retries it without, too, on its own backoff: a throttling backend is a temporary state,
   * and dropping accepted data for it would break Levee's first promise.
   */
  static SendOutcome classify(int code, String message, byte[] statusDetails, boolean answered) {
    String name = name(code);
    String text = message == null ? "" : message;
    boolean retryable =
        switch (code) {
          case 1, 4, 8, 10, 11, 14, 15 -> true; // CANCELLED DEADLINE_EXCEEDED RESOURCE_EXHAUSTED
            // ABORTED OUT_OF_RANGE UNAVAILABLE DATA_LOSS
          default -> false;
        };
    if (!retryable) {
      return SendOutcome.permanent(name, text);
    }
    if (statusDetails != null) {
      long delay = RetryInfo.retryDelayNanos(statusDetails);
      if (delay != SendOutcome.NO_RETRY_DELAY) {
        return SendOutcome.retryableAfter(name, text, delay);
      }
    }
    return answered ? SendOutcome.retryableAnswer(name, text) : SendOutcome.retryable(name, text);
  }
}
