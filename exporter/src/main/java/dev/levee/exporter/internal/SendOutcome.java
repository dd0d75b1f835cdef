package dev.levee.exporter.internal;

/**
 * What became of one request.
 *
 * @param kind success, or a failure worth retrying, or one that is not
 * @param rejectedItems on success, items the backend reported as rejected in {@code
 *     partial_success}
 * @param status the gRPC status code name, e.g. {@code OK} or {@code UNAVAILABLE}
 * @param message the backend's or transport's message, empty if none
 */
public record SendOutcome(Kind kind, long rejectedItems, String status, String message) {

  /** The three ways a request can end. */
  public enum Kind {
    SUCCESS,
    RETRYABLE,
    PERMANENT
  }

  public static SendOutcome success() {
    return new SendOutcome(Kind.SUCCESS, 0, "OK", "");
  }

  public static SendOutcome partialSuccess(long rejectedItems, String message) {
    return new SendOutcome(Kind.SUCCESS, rejectedItems, "OK", message);
  }

  public static SendOutcome retryable(String status, String message) {
    return new SendOutcome(Kind.RETRYABLE, 0, status, message);
  }

  public static SendOutcome permanent(String status, String message) {
    return new SendOutcome(Kind.PERMANENT, 0, status, message);
  }
}
