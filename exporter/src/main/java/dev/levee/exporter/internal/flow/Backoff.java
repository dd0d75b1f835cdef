package dev.levee.exporter.internal.flow;

import java.util.function.LongUnaryOperator;

/**
 * Exponential backoff with full jitter: the n-th retry waits a uniformly random time in {@code [0,
 * min(max, initial * 2^(n-1))]}. Full jitter spreads a fleet of clients that failed together.
 *
 * <p>Internal, may change. Not thread-safe; owned by one dispatcher.
 */
public final class Backoff {
  private final long initialNanos;
  private final long maxNanos;
  private final LongUnaryOperator random;
  private int attempt;

  /**
   * @param random given a bound {@code b > 0}, returns a value in {@code [0, b)}
   */
  public Backoff(long initialNanos, long maxNanos, LongUnaryOperator random) {
    if (initialNanos <= 0 || maxNanos < initialNanos) {
      throw new IllegalArgumentException(
          "backoff needs 0 < initial <= max, was initial=" + initialNanos + " max=" + maxNanos);
    }
    this.initialNanos = initialNanos;
    this.maxNanos = maxNanos;
    this.random = random;
  }

  /** The wait before the next retry; each call counts one more failed attempt. */
  public long nextDelayNanos() {
    attempt++;
    long ceiling = initialNanos;
    for (int i = 1; i < attempt && ceiling < maxNanos; i++) {
      ceiling *= 2;
    }
    ceiling = Math.min(ceiling, maxNanos);
    return random.applyAsLong(ceiling + 1);
  }

  /** Failed attempts since the last {@link #reset}. */
  public int attempts() {
    return attempt;
  }

  /** Called after a success. */
  public void reset() {
    attempt = 0;
  }
}
