package dev.levee.exporter.internal.flow;

/**
 * Request size, requests in flight and the linger, adapted to what the backend shows: additive increase while
 * requests come back within the target latency, multiplicative decrease when they do not or fail.
 * Until the first sign of trouble it starts fast, as TCP does: each full request answered in time
 * doubles the size and adds one request in flight, so a busy exporter reaches a distant backend's
 * capacity in a few round trips rather than filling its memory while it ramps up.
 *
 * <ul>
 *   <li>Size: starts at the minimum; a full-size request answered within the target adds the
 *       minimum size, up to the maximum; a request slower than the target halves it, down to the
 *       minimum. Bigger requests amortise per-request cost; the target keeps each one from
 *       holding the backend (or a proxy's timeout) too long.
 *   <li>Concurrency: starts at 1; each request answered within the target adds {@code 1/limit}
 *       (about one more per round of requests), up to the maximum; a slow answer takes a quarter
 *       off, a retryable failure halves it, down to 1. So a healthy, distant backend gets several
 *       requests at once, and an overloaded one gets one at a time.
 *   <li>Linger: a request smaller than the size waits {@code batch.linger} for more data while
 *       the backend answers; each retryable failure or throttle doubles that wait, up to {@link
 *       #MAX_LINGER_STRETCH} times, and each success takes an eighth of the stretch off. A backend
 *       failing or throttling more than about one request in six so gets requests filled to the
 *       size (a second's data at most) instead of one every linger: it asked for less, and each
 *       request costs a failure and a retry (in the side-by-side degraded cell at 2k spans/s,
 *       the HTTP client's threads used a quarter of the CPU per span with a linger ten times
 *       longer, 2026-12-04). A healthy backend keeps the short linger, and so the latency.
 * </ul>
 *
 * <p>"Within the target" is judged against the backend's own latency: the target is at least
 * twice the quickest answer seen (the base latency, which drifts up slowly so that a move to a
 * farther backend is followed). A backend that always takes 2 s (far away, or slow by nature) then
 * gets bigger requests and more of them, as it needs to keep up, while one whose answers slow down
 * as Levee sends more (an overloaded one) gets less.
 *
 * <p>Internal, may change. Used by the dispatcher thread only.
 */
public final class Adaptive {
  private volatile long minBatchBytes;
  private volatile long maxBatchBytes;
  private final long targetLatencyNanos;
  private final int maxConcurrency;
  private long batchBytes;
  private double concurrency = 1;
  /** Until the first slow answer or failure. */
  private boolean slowStart = true;
  /** The quickest answer seen, drifting up slowly; {@code Long.MAX_VALUE} before the first. */
  private long baseLatencyNanos = Long.MAX_VALUE;
  /** How slowly the base latency follows answers slower than it (1/256 of the gap each). */
  private static final int BASE_DRIFT_SHIFT = 8;
  /** The longest a small request waits, as a multiple of {@code batch.linger}. */
  public static final double MAX_LINGER_STRETCH = 10;
  /** How many times {@code batch.linger} a small request waits now; 1 while the backend answers. */
  private double lingerStretch = 1;

  public Adaptive(long minBatchBytes, long maxBatchBytes, long targetLatencyNanos, int maxConcurrency) {
    if (minBatchBytes <= 0 || maxBatchBytes < minBatchBytes) {
      throw new IllegalArgumentException(
          "batch sizes must satisfy 0 < min <= max, were " + minBatchBytes + " and " + maxBatchBytes);
    }
    if (targetLatencyNanos <= 0 || maxConcurrency < 1) {
      throw new IllegalArgumentException("target latency and concurrency must be positive");
    }
    this.minBatchBytes = minBatchBytes;
    this.maxBatchBytes = maxBatchBytes;
    this.targetLatencyNanos = targetLatencyNanos;
    this.maxConcurrency = maxConcurrency;
    this.batchBytes = minBatchBytes;
  }

  /** The size to fill requests up to now. */
  public long batchBytes() {
    return Math.max(minBatchBytes, Math.min(maxBatchBytes, batchBytes));
  }

  /**
   * Changes the bounds the size adapts between (JMX, admin endpoint); takes effect at the next
   * request. Any thread.
   */
  public void setBatchBounds(long min, long max) {
    if (min <= 0 || max < min) {
      throw new IllegalArgumentException("batch bounds must satisfy 0 < min <= max, were " + min + " and " + max);
    }
    this.minBatchBytes = min;
    this.maxBatchBytes = max;
  }

  /** How many requests may be in flight now. */
  public int concurrency() {
    return (int) concurrency;
  }

  /** A request of {@code requestBytes} was answered after {@code latencyNanos}. */
  public void onAnswer(long latencyNanos, long requestBytes) {
    observeBase(latencyNanos);
    lingerStretch = 1 + (lingerStretch - 1) * 7 / 8;
    if (latencyNanos <= effectiveTargetNanos()) {
      if (requestBytes >= batchBytes * 9 / 10) {
        batchBytes = Math.min(maxBatchBytes, slowStart ? batchBytes * 2 : batchBytes + minBatchBytes);
      }
      concurrency = Math.min(maxConcurrency, concurrency + (slowStart ? 1 : 1 / concurrency));
    } else {
      slowStart = false;
      batchBytes = Math.max(minBatchBytes, batchBytes / 2);
      concurrency = Math.max(1, concurrency * 0.75);
    }
  }

  private void observeBase(long latencyNanos) {
    long sample = Math.max(0, latencyNanos);
    if (sample < baseLatencyNanos) {
      baseLatencyNanos = sample;
    } else {
      baseLatencyNanos += (sample - baseLatencyNanos) >> BASE_DRIFT_SHIFT;
    }
  }

  /** The target latency, or twice the backend's base latency when that is more. */
  long effectiveTargetNanos() {
    if (baseLatencyNanos == Long.MAX_VALUE) {
      return targetLatencyNanos;
    }
    return Math.max(targetLatencyNanos, Math.min(Long.MAX_VALUE / 2, baseLatencyNanos) * 2);
  }

  /** A request failed in a way worth retrying: the backend is struggling or unreachable. */
  public void onFailure() {
    slowStart = false;
    concurrency = Math.max(1, concurrency / 2);
    lingerStretch = Math.min(MAX_LINGER_STRETCH, lingerStretch * 2);
  }

  /** How long a request smaller than {@link #batchBytes} waits for more data, given the configured linger. */
  public long lingerNanos(long configuredNanos) {
    return (long) (configuredNanos * lingerStretch);
  }

  public long minBatchBytes() {
    return minBatchBytes;
  }

  public long maxBatchBytes() {
    return maxBatchBytes;
  }

  public int maxConcurrency() {
    return maxConcurrency;
  }
}
