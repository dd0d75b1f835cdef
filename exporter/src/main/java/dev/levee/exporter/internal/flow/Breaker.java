package dev.levee.exporter.internal.flow;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.opentelemetry.sdk.common.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The circuit breaker of one endpoint: resilience4j's state machine on Levee's clock, with the
 * state changes logged once each and counted.
 *
 * <p>What counts: a request that failed with a retryable status (the endpoint is unreachable,
 * overloaded or timing out) is a failure; an answer, even a refusal of the data ({@code
 * INVALID_ARGUMENT}), is a success, since the endpoint is up; a call slower than the slow-call
 * threshold counts towards the slow-call rate.
 *
 * <p>Internal, may change. Thread-safe.
 */
public final class Breaker {
  private static final Logger logger = Logger.getLogger(Breaker.class.getName());

  /** Breaker states, as exposed in stats. */
  public enum State {
    CLOSED,
    OPEN,
    HALF_OPEN,
    DISABLED;

    public String lowerName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * How the breaker judges.
   *
   * @param enabled whether there is a breaker at all
   * @param failureRatePercent opens at or above this failure rate
   * @param slowCallRatePercent opens at or above this rate of slow calls (100 = only when all are)
   * @param slowCallDuration a call at least this long is slow
   * @param timeBasedWindow whether the window is the last {@code windowSize} seconds rather than
   *     the last {@code windowSize} calls
   * @param windowSize calls, or seconds
   * @param minimumCalls no judgement before this many calls in the window
   * @param openWait how long it stays open before letting probes through
   * @param halfOpenCalls probes let through when half-open; all must go well to close
   */
  public record Settings(
      boolean enabled,
      float failureRatePercent,
      float slowCallRatePercent,
      Duration slowCallDuration,
      boolean timeBasedWindow,
      int windowSize,
      int minimumCalls,
      Duration openWait,
      int halfOpenCalls) {

    public static final Settings DEFAULT =
        new Settings(true, 50, 100, Duration.ofSeconds(5), false, 20, 10, Duration.ofSeconds(10), 2);

    public Settings {
      Objects.requireNonNull(slowCallDuration, "slowCallDuration");
      Objects.requireNonNull(openWait, "openWait");
    }

    /** These settings with the breaker switched off: every request goes. */
    public Settings disabled() {
      return new Settings(
          false, failureRatePercent, slowCallRatePercent, slowCallDuration, timeBasedWindow, windowSize, minimumCalls, openWait, halfOpenCalls);
    }
  }

  private final CircuitBreaker breaker;
  private final Settings settings;
  private final String target;
  private final Clock clock;
  private final AtomicLong openings = new AtomicLong();
  private volatile long openedAtNanos;

  public Breaker(String target, Settings settings, Clock clock) {
    this.target = target;
    this.settings = settings;
    this.clock = clock;
    this.breaker =
        CircuitBreaker.of(
            "levee-" + target,
            CircuitBreakerConfig.custom()
                .failureRateThreshold(settings.failureRatePercent())
                .slowCallRateThreshold(settings.slowCallRatePercent())
                .slowCallDurationThreshold(settings.slowCallDuration())
                .slidingWindowType(
                    settings.timeBasedWindow() ? SlidingWindowType.TIME_BASED : SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.windowSize())
                .minimumNumberOfCalls(settings.minimumCalls())
                .waitDurationInOpenState(settings.openWait())
                .permittedNumberOfCallsInHalfOpenState(settings.halfOpenCalls())
                .recordException(e -> true)
                .clock(new SdkClock(clock))
                .build());
    if (!settings.enabled()) {
      breaker.transitionToDisabledState();
    }
    breaker
        .getEventPublisher()
        .onStateTransition(event -> onTransition(event.getStateTransition().getToState()));
  }

  private void onTransition(CircuitBreaker.State to) {
    switch (to) {
      case OPEN -> {
        openedAtNanos = clock.nanoTime();
        openings.incrementAndGet();
        CircuitBreaker.Metrics metrics = breaker.getMetrics();
        logger.warning(
            String.format(
                Locale.ROOT,
                "Levee's circuit breaker for %s opened (failure rate %.0f%%, slow calls %.0f%% over the last %d calls):"
                    + " no requests for %d s, then %d probe(s); meanwhile data goes to the journal, or waits in"
                    + " memory without one. Check the backend.",
                target,
                Math.max(0, metrics.getFailureRate()),
                Math.max(0, metrics.getSlowCallRate()),
                metrics.getNumberOfBufferedCalls(),
                settings.openWait().toSeconds(),
                settings.halfOpenCalls()));
      }
      case HALF_OPEN -> logger.info("Levee's circuit breaker for " + target + " is half-open: probing the backend.");
      case CLOSED -> logger.info("Levee's circuit breaker for " + target + " closed: the backend answers again.");
      default -> {
        // DISABLED and the forced states are set by Levee itself, not judged.
      }
    }
  }

  /** Whether a request may go now. Takes one of the half-open probes when half-open. */
  public boolean tryAcquire() {
    return breaker.tryAcquirePermission();
  }

  /** Records an answered request (success, partial success, or a permanent refusal). */
  public void onAnswer(long durationNanos) {
    breaker.onSuccess(durationNanos, TimeUnit.NANOSECONDS);
  }

  /** Records a request that failed in a way worth retrying. */
  public void onFailure(long durationNanos, String status) {
    breaker.onError(durationNanos, TimeUnit.NANOSECONDS, new BackendFailure(status));
  }

  /** How long until an open breaker lets a probe through; 0 when it is not open. */
  public long remainingOpenNanos() {
    if (breaker.getState() != CircuitBreaker.State.OPEN) {
      return 0;
    }
    return Math.max(0, openedAtNanos + settings.openWait().toNanos() - clock.nanoTime());
  }

  /**
   * Lets the half-open probes through now, before the open wait ends: for a breaker opened by a
   * backend that could not be reached, which accepts connections again. Does nothing unless open.
   */
  public void probeNow() {
    if (breaker.getState() == CircuitBreaker.State.OPEN) {
      logger.info(
          "Levee's circuit breaker for "
              + target
              + ": the backend accepts connections again, probing before the open wait ends.");
      breaker.transitionToHalfOpenState();
    }
  }

  /** Closes the breaker and forgets its window, e.g. when an operator knows the backend is back. */
  public void reset() {
    if (settings.enabled()) {
      breaker.reset();
    }
  }

  public State state() {
    return switch (breaker.getState()) {
      case CLOSED -> State.CLOSED;
      case OPEN, FORCED_OPEN -> State.OPEN;
      case HALF_OPEN -> State.HALF_OPEN;
      case DISABLED, METRICS_ONLY -> State.DISABLED;
    };
  }

  /** Times the breaker has opened. */
  public long openings() {
    return openings.get();
  }

  /** A retryable failure, as the breaker records it. No stack trace: it is a status, not a bug. */
  static final class BackendFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BackendFailure(String status) {
      super(status, null, false, false);
    }
  }

  /** Levee's clock as the {@link java.time.Clock} resilience4j reads. */
  private static final class SdkClock extends java.time.Clock {
    private final Clock clock;

    SdkClock(Clock clock) {
      this.clock = clock;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public java.time.Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      long now = clock.now();
      return Instant.ofEpochSecond(0, now);
    }

    @Override
    public long millis() {
      return TimeUnit.NANOSECONDS.toMillis(clock.now());
    }
  }
}
