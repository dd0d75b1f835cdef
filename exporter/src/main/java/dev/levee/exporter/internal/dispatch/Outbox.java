package dev.levee.exporter.internal.dispatch;

import dev.levee.exporter.internal.flow.Adaptive;
import dev.levee.exporter.internal.flow.RateLimiter;
import dev.levee.exporter.internal.flow.Sleeper;
import dev.levee.exporter.internal.management.PipelineStats;
import dev.levee.exporter.internal.transport.Endpoints;
import io.opentelemetry.sdk.common.Clock;
import java.util.concurrent.TimeUnit;

/**
 * Sends what the {@link RequestSource} has ready while the adaptive concurrency allows and nothing
 * holds it back: the backoff after a failure ({@link Pacing}), the rate limit, or every breaker
 * open (the request is then parked: to the journal, or kept in memory). It keeps the request that
 * was held back, to go next, and the shortest timer that holds it, for the owner's park.
 *
 * <p>At shutdown neither the rate limit nor the breaker is asked, and the backoff is cut to the
 * stop deadline (see {@link Pacing}).
 *
 * <p>Confined to the dispatcher thread.
 */
final class Outbox {
  /** How long past an open breaker's wait the dispatcher looks again. */
  static final long MIN_OPEN_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private final RequestSource source;
  private final InFlight inFlight;
  private final Settlement settlement;
  private final Endpoints endpoints;
  private final RateLimiter limiter;
  private final Adaptive adaptive;
  private final PipelineStats stats;
  private final Clock clock;
  private final Sleeper sleeper;
  private final long timeoutNanos;
  private final Pacing pacing = new Pacing();
  /** Run when every breaker is open (the journal may be needed). */
  private final Runnable journalWanted;

  /** A request built and held back (rate limit, breaker, backoff): the next one to go. */
  private Request ready;
  /** The shortest timer the last send left pending (a backoff, rate limit or open breaker). */
  private long timerNanos = Long.MAX_VALUE;
  /** The last send could not send what was ready (see {@link Dispatcher#idleParkNanos}). */
  private boolean held;

  Outbox(
      RequestSource source,
      InFlight inFlight,
      Settlement settlement,
      Endpoints endpoints,
      RateLimiter limiter,
      Adaptive adaptive,
      PipelineStats stats,
      Clock clock,
      Sleeper sleeper,
      long timeoutNanos,
      Runnable journalWanted) {
    this.source = source;
    this.inFlight = inFlight;
    this.settlement = settlement;
    this.endpoints = endpoints;
    this.limiter = limiter;
    this.adaptive = adaptive;
    this.stats = stats;
    this.clock = clock;
    this.sleeper = sleeper;
    this.timeoutNanos = timeoutNanos;
    this.journalWanted = journalWanted;
  }

  /**
   * Sends while the concurrency limit, the backoff, the rate limit and the breaker allow.
   *
   * @return whether it sent or waited
   */
  boolean send(boolean stopping, long stopDeadlineNanos) {
    boolean worked = false;
    held = true;
    while (inFlight.size() < adaptive.concurrency()) {
      if (ready == null) {
        ready = source.next(stopping);
        if (ready == null) {
          held = false; // nothing ready: what is lingering or waiting to be retried may come due
          return worked;
        }
      }
      long backoffWait = backoffRemaining(clock.nanoTime(), stopping, stopDeadlineNanos);
      if (backoffWait > 0) {
        return waitIfIdle(backoffWait) || worked;
      }
      if (!stopping) {
        long throttle = limiter.nanosUntilSend();
        if (throttle > 0) {
          if (!ready.throttleCounted) {
            ready.throttleCounted = true;
            stats.throttled(ready.items);
          }
          return waitIfIdle(throttle) || worked;
        }
        ready.endpoint = endpoints.acquire();
        if (ready.endpoint == null) {
          // Every breaker is open.
          journalWanted.run();
          settlement.park(ready); // to the journal (or kept in memory without one)
          ready = null;
          return waitIfIdle(endpoints.remainingOpenNanos() + MIN_OPEN_POLL_NANOS) || worked;
        }
      }
      if (ready.endpoint == null) {
        ready.endpoint = endpoints.first();
      }
      pacing.sending(stopping);
      long timeout = timeoutNanos;
      if (stopping) {
        timeout = Math.max(1, Math.min(timeout, stopDeadlineNanos - clock.nanoTime()));
      }
      inFlight.send(ready, timeout);
      ready = null;
      worked = true;
    }
    return worked;
  }

  /** How long the backoff after a failure still holds the next send (0: none). */
  long backoffRemaining(long nowNanos, boolean stopping, long stopDeadlineNanos) {
    return pacing.remaining(nowNanos, stopping, stopDeadlineNanos);
  }

  /** A retryable failure at {@code nowNanos} asks for {@code delayNanos} before the next send. */
  void failed(long nowNanos, long delayNanos) {
    pacing.failed(nowNanos, delayNanos);
  }

  /** A request was delivered: see {@link Pacing#delivered}. */
  void delivered() {
    pacing.delivered();
  }

  /** Whether a request is held back, to go next. */
  boolean holdsReady() {
    return ready != null;
  }

  /** Takes the request held back, if any (for shutdown's leftovers). */
  Request takeReady() {
    Request taken = ready;
    ready = null;
    return taken;
  }

  /** Whether the last send left a timer pending (a backoff, rate limit or open breaker). */
  boolean timerPending() {
    return timerNanos != Long.MAX_VALUE;
  }

  /** See {@link Dispatcher#idleParkNanos}; forgets the last send's timer. */
  long parkNanos(long max) {
    long park = Math.min(max, timerNanos);
    if (!held) {
      park = Math.min(park, Math.min(source.lingerDueNanos(), source.retryDueInNanos()));
    }
    timerNanos = Long.MAX_VALUE;
    return Math.max(1, park);
  }

  /** Paused: nothing is sent, and the owner parks without minding what comes due. */
  void holdAll() {
    held = true;
  }

  /**
   * Sleeps for {@code nanos} when no request is in flight (new data or shutdown wakes it early);
   * with requests in flight returns at once, so their completions are settled without delay.
   */
  private boolean waitIfIdle(long nanos) {
    if (!inFlight.isEmpty() || nanos <= 0) {
      timerNanos = nanos > 0 ? Math.min(timerNanos, nanos) : timerNanos;
      return false;
    }
    sleeper.sleep(nanos);
    return true;
  }
}
