package dev.levee.exporter.internal.dispatch;

/**
 * When the next request may go after a retryable failure: not before the backoff (or the server's
 * RetryInfo) has passed, unless a request delivered since shows the backend serves: then the rest
 * goes on, and only the failed request waits for its own delay (see {@link RequestSource}). So a
 * backend that is down gets one request per backoff, and one that fails some requests among many
 * does not stall the others. At shutdown the first attempt goes at once, and later ones wait at
 * most until the stop deadline: one prompt attempt beats waiting, and what is not delivered by the
 * deadline goes to the journal.
 *
 * <p>Confined to the dispatcher thread.
 */
final class Pacing {
  /** Nothing is sent before this time. */
  private long notBeforeNanos = Long.MIN_VALUE;
  private boolean backingOff;
  private boolean retriedSinceStop;

  /** A retryable failure at {@code nowNanos} asks for {@code delayNanos} before the next send. */
  void failed(long nowNanos, long delayNanos) {
    long until = nowNanos + delayNanos;
    notBeforeNanos = backingOff ? Math.max(notBeforeNanos, until) : until;
    backingOff = true;
  }

  /** A request was delivered: the backend serves, so new requests need not wait for a backoff. */
  void delivered() {
    backingOff = false;
  }

  /** A request is about to be sent: the backoff, if any, is over. */
  void sending(boolean stopping) {
    if (stopping && backingOff) {
      retriedSinceStop = true;
    }
    backingOff = false;
  }

  /** How long until the next send may go (0: now). */
  long remaining(long nowNanos, boolean stopping, long stopDeadlineNanos) {
    if (!backingOff) {
      return 0;
    }
    long until = notBeforeNanos;
    if (stopping) {
      if (!retriedSinceStop) {
        return 0;
      }
      until = Math.min(until, stopDeadlineNanos);
    }
    return Math.max(0, until - nowNanos);
  }
}
