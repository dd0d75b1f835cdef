package dev.levee.exporter.internal.transport;

/**
 * What became of one request.
 *
 * @param kind success, or a failure worth retrying, or one that is not
 * @param rejectedItems on success, items the backend reported as rejected in {@code
 *     partial_success}
 * @param status over gRPC the status code name, e.g. {@code OK} or {@code UNAVAILABLE}; over HTTP
 *     the response's status code, e.g. {@code 200} or {@code 503}; or the transport's name for a
 *     failure without an answer, e.g. {@code CONNECT_FAILED}
 * @param message the backend's or transport's message, empty if none
 * @param retryAfterNanos on a retryable failure, the wait the server asked for with gRPC {@code
 *     RetryInfo} or HTTP {@code Retry-After}, or -1 if it did not say
 * @param answered whether the backend (or a proxy in front of it) answered: false when the
 *     connection was refused, reset or unreachable, or the deadline passed without an answer. The
 *     circuit breaker judges the two apart: a backend that answers is not down.
 */
public record SendOutcome(
    Kind kind,
    long rejectedItems,
    String status,
    String message,
    long retryAfterNanos,
    boolean answered) {
  /** No server-given retry delay. */
  public static final long NO_RETRY_DELAY = -1;

  /** The three ways a request can end. */
  public enum Kind {
    SUCCESS,
    RETRYABLE,
    PERMANENT
  }

  /** The same outcome with another status (an HTTP success is {@code 200}, not gRPC's {@code OK}). */
  public SendOutcome withStatus(String newStatus) {
    return new SendOutcome(kind, rejectedItems, newStatus, message, retryAfterNanos, answered);
  }

  public static SendOutcome success() {
    return new SendOutcome(Kind.SUCCESS, 0, "OK", "", NO_RETRY_DELAY, true);
  }

  public static SendOutcome partialSuccess(long rejectedItems, String message) {
    return new SendOutcome(Kind.SUCCESS, rejectedItems, "OK", message, NO_RETRY_DELAY, true);
  }

  /** A retryable failure without an answer: refused, reset, unreachable, or out of time. */
  public static SendOutcome retryable(String status, String message) {
    return new SendOutcome(Kind.RETRYABLE, 0, status, message, NO_RETRY_DELAY, false);
  }

  /** The backend answered with a retryable status (and no delay of its own). */
  public static SendOutcome retryableAnswer(String status, String message) {
    return new SendOutcome(Kind.RETRYABLE, 0, status, message, NO_RETRY_DELAY, true);
  }

  /** The backend answered with a retryable status and the delay it asked for. */
  public static SendOutcome retryableAfter(String status, String message, long retryAfterNanos) {
    return new SendOutcome(Kind.RETRYABLE, 0, status, message, retryAfterNanos, true);
  }

  /**
   * Whether the backend is throttling (gRPC {@code RESOURCE_EXHAUSTED}, HTTP 429): back-pressure,
   * not a failure of the backend.
   */
  public boolean throttled() {
    return kind == Kind.RETRYABLE && (status.equals("RESOURCE_EXHAUSTED") || status.equals("429"));
  }

  public static SendOutcome permanent(String status, String message) {
    return new SendOutcome(Kind.PERMANENT, 0, status, message, NO_RETRY_DELAY, true);
  }
}
