package dev.levee.exporter.internal.flow;

import dev.levee.exporter.internal.LoggingFacade;
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
 * <p>It opens for what it is for, a backend that is not there, and not for one that is busy:
 *
 * <ul>
 *   <li>a request that got no answer (connection refused, reset or unreachable, deadline passed)
 *       is a failure in resilience4j's window, judged at {@code failureRatePercent};
 *   <li>an answer is a success, even a refusal of the data ({@code INVALID_ARGUMENT}) or
 *       throttling ({@code RESOURCE_EXHAUSTED}: back-pressure, handled by slowing down);
 *   <li>an answer with another retryable status ({@code UNAVAILABLE} from the backend or a proxy
 *       in front of it) is a success there too, but counts in a window of the last {@code
 *       windowSize} requests of Levee's own: when at least {@code errorRatePercent} of them failed
 *       in any retryable way but throttling (a proxy answering for a dead backend), it opens;
 *   <li>while half-open, any failing probe reopens it, answered or not;
 *   <li>a call slower than the slow-call threshold counts towards the slow-call rate.
 * </ul>
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
   * @param failureRatePercent opens at or above this rate of requests that got no answer
   * @param slowCallRatePercent opens at or above this rate of slow calls (100 = only when all are)
   * @param slowCallDuration a call at least this long is slow
   * @param timeBasedWindow whether the window is the last {@code windowSize} seconds rather than
   *     the last {@code windowSize} calls
   * @param windowSize calls, or seconds
   * @param minimumCalls no judgement before this many calls in the window
   * @param openWait how long it stays open before letting probes through
   * @param halfOpenCalls probes let through when half-open; all must go well to close
   * @param errorRatePercent opens at or above this rate of failed requests of any retryable kind
   *     but throttling, answered or not, over the last {@code windowSize} requests
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
      int halfOpenCalls,
      float errorRatePercent) {

    /** The default rate of failures of any retryable kind but throttling at which it opens. */
    public static final float DEFAULT_ERROR_RATE_PERCENT = 90;

    public static final Settings DEFAULT =
        new Settings(
            true, 50, 100, Duration.ofSeconds(5), false, 20, 10, Duration.ofSeconds(10), 2,
            DEFAULT_ERROR_RATE_PERCENT);

    public Settings {
      Objects.requireNonNull(slowCallDuration, "slowCallDuration");
      Objects.requireNonNull(openWait, "openWait");
    }

    /** Settings with the default {@code errorRatePercent}. */
    public Settings(
        boolean enabled,
        float failureRatePercent,
        float slowCallRatePercent,
        Duration slowCallDuration,
        boolean timeBasedWindow,
        int windowSize,
        int minimumCalls,
        Duration openWait,
        int halfOpenCalls) {
      this(
          enabled, failureRatePercent, slowCallRatePercent, slowCallDuration, timeBasedWindow,
          windowSize, minimumCalls, openWait, halfOpenCalls, DEFAULT_ERROR_RATE_PERCENT);
    }

    /** These settings with the breaker switched off: every request goes. */
    public Settings disabled() {
      return new Settings(
          false, failureRatePercent, slowCallRatePercent, slowCallDuration, timeBasedWindow,
          windowSize, minimumCalls, openWait, halfOpenCalls, errorRatePercent);
    }
  }

  /** resilience4j's state machine, made at the first request (see {@link #breaker()}). */
  private volatile CircuitBreaker breaker;
  private final Settings settings;
  private final String target;
  private final Clock clock;
  private final AtomicLong openings = new AtomicLong();
  private volatile long openedAtNanos;
  /** The last {@code windowSize} outcomes, true for a failure of any retryable kind but throttling. */
  private final boolean[] recent;
  private int recentNext;
  private int recentCount;
  private int recentFailures;
  /** Why Levee opened it itself (the error rate), for the log line; null when resilience4j did. */
  private String openedFor;

  public Breaker(String target, Settings settings, Clock clock) {
    this.target = target;
    this.settings = settings;
    this.clock = clock;
    this.recent = new boolean[Math.max(1, settings.windowSize())];
  }

  /**
   * The state machine, made on first use: resilience4j (and the logging facade it starts) is about
   * sixty classes, which an exporter that has sent nothing yet keeps out of the application's
   * start-up. Until then the breaker is closed (or disabled) with an empty window.
   */
  private CircuitBreaker breaker() {
    CircuitBreaker made = breaker;
    if (made != null) {
      return made;
    }
    synchronized (this) {
      if (breaker == null) {
        LoggingFacade.start(); // resilience4j logs through SLF4J; grpc-java may be starting it too
        made =
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
          made.transitionToDisabledState();
        }
        made.getEventPublisher()
            .onStateTransition(event -> onTransition(event.getStateTransition().getToState()));
        breaker = made;
      }
      return breaker;
    }
  }

  private void onTransition(CircuitBreaker.State to) {
    switch (to) {
      case OPEN -> {
        openedAtNanos = clock.nanoTime();
        openings.incrementAndGet();
        CircuitBreaker.Metrics metrics = breaker().getMetrics();
        String why = openedFor;
        openedFor = null;
        if (why == null) {
          why =
              String.format(
                  Locale.ROOT,
                  "%.0f%% of the last %d requests got no answer, %.0f%% were slow",
                  Math.max(0, metrics.getFailureRate()),
                  metrics.getNumberOfBufferedCalls(),
                  Math.max(0, metrics.getSlowCallRate()));
        }
        logger.warning(
            String.format(
                Locale.ROOT,
                "Levee's circuit breaker for %s opened (%s):"
                    + " no requests for %d s, then %d probe(s); meanwhile data goes to the journal, or waits in"
                    + " memory without one. Check the backend.",
                target,
                why,
                settings.openWait().toSeconds(),
                settings.halfOpenCalls()));
      }
      case HALF_OPEN -> logger.info("Levee's circuit breaker for " + target + " is half-open: probing the backend.");
      case CLOSED -> {
        forgetRecent();
        logger.info("Levee's circuit breaker for " + target + " closed: the backend answers again.");
      }
      default -> {
        // DISABLED and the forced states are set by Levee itself, not judged.
      }
    }
  }

  /** Whether a request may go now. Takes one of the half-open probes when half-open. */
  public boolean tryAcquire() {
    return breaker().tryAcquirePermission();
  }

  /**
   * Records an answered request: a success, a partial success, a permanent refusal, or
   * throttling. Before the state machine exists (requests sent during shutdown do not ask it),
   * an answer is not worth making it: it could not open it.
   */
  public void onAnswer(long durationNanos) {
    remember(false);
    CircuitBreaker made = breaker;
    if (made != null) {
      made.onSuccess(durationNanos, TimeUnit.NANOSECONDS);
    }
  }

  /** Records a request that got no answer: refused, reset, unreachable, or out of time. */
  public void onFailure(long durationNanos, String status) {
    remember(true);
    breaker().onError(durationNanos, TimeUnit.NANOSECONDS, new BackendFailure(status));
  }

  /**
   * Records a request the backend answered with a retryable status other than throttling: the
   * backend is there, so this opens the breaker only when nearly every request fails (see the class
   * comment), or when it is a probe.
   */
  public void onErrorAnswer(long durationNanos, String status) {
    CircuitBreaker breaker = breaker();
    if (breaker.getState() == CircuitBreaker.State.HALF_OPEN) {
      breaker.onError(durationNanos, TimeUnit.NANOSECONDS, new BackendFailure(status));
      return;
    }
    boolean nearlyAll = remember(true);
    breaker.onSuccess(durationNanos, TimeUnit.NANOSECONDS);
    if (nearlyAll && breaker.getState() == CircuitBreaker.State.CLOSED) {
      openedFor =
          String.format(
              Locale.ROOT,
              "%d of the last %d requests failed, the last with %s",
              failuresInWindow(),
              recentInWindow(),
              status);
      forgetRecent();
      breaker.transitionToOpenState();
    }
  }

  /**
   * Adds an outcome to Levee's window; whether the error rate is reached (with at least the
   * minimum number of calls).
   */
  private synchronized boolean remember(boolean failed) {
    if (recentCount == recent.length) {
      if (recent[recentNext]) {
        recentFailures--;
      }
    } else {
      recentCount++;
    }
    recent[recentNext] = failed;
    if (failed) {
      recentFailures++;
    }
    recentNext = (recentNext + 1) % recent.length;
    return settings.enabled()
        && recentCount >= Math.min(settings.minimumCalls(), recent.length)
        && recentFailures * 100.0 >= settings.errorRatePercent() * recentCount;
  }

  private synchronized int failuresInWindow() {
    return recentFailures;
  }

  private synchronized int recentInWindow() {
    return recentCount;
  }

  private synchronized void forgetRecent() {
    recentCount = 0;
    recentFailures = 0;
    recentNext = 0;
  }

  /** How long until an open breaker lets a probe through; 0 when it is not open. */
  public long remainingOpenNanos() {
    CircuitBreaker breaker = this.breaker;
    if (breaker == null || breaker.getState() != CircuitBreaker.State.OPEN) {
      return 0;
    }
    return Math.max(0, openedAtNanos + settings.openWait().toNanos() - clock.nanoTime());
  }

  /**
   * Lets the half-open probes through now, before the open wait ends: for a breaker opened by a
   * backend that could not be reached, which accepts connections again. Does nothing unless open.
   */
  public void probeNow() {
    CircuitBreaker breaker = this.breaker;
    if (breaker != null && breaker.getState() == CircuitBreaker.State.OPEN) {
      logger.info(
          "Levee's circuit breaker for "
              + target
              + ": the backend accepts connections again, probing before the open wait ends.");
      breaker.transitionToHalfOpenState();
    }
  }

  /** Closes the breaker and forgets its window, e.g. when an operator knows the backend is back. */
  public void reset() {
    CircuitBreaker breaker = this.breaker;
    if (breaker != null && settings.enabled()) {
      breaker.reset();
    }
  }

  public State state() {
    CircuitBreaker breaker = this.breaker;
    if (breaker == null) {
      return settings.enabled() ? State.CLOSED : State.DISABLED;
    }
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
