package dev.levee.exporter.internal.management;

import dev.levee.buffer.Signal;
import dev.levee.exporter.LeveeHealth;
import dev.levee.exporter.LeveeStats;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What the dispatcher thread looks at between steps: every half second the listeners, the drop
 * log and the 80% thresholds of memory and journal (as often as the dispatcher wakes when it has
 * nothing to do, see {@link #quietParkNanos}); every ten seconds the exporter's health, logged
 * when it changes. Times come from the caller (the injected clock).
 *
 * <p>Internal, may change. Confined to the dispatcher thread, except {@link #health}.
 */
public final class Watch {
  private static final Logger logger = Logger.getLogger(Watch.class.getName());

  /**
   * What the exporter's settings make of the watch's advice and warnings.
   *
   * @param journalOn the exporter has a journal
   * @param spills what memory cannot take goes to the journal once it is open ({@code
   *     overflow.policy} spill, priority, or block after its wait)
   * @param rateLimited a rate limit paces sending ({@code rate.limit.items} or {@code .bytes})
   */
  public record Traits(boolean journalOn, boolean spills, boolean rateLimited) {}
  /** How often the listeners and the drop log are given the counters. */
  static final long LISTENER_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
  /** How often health is judged, and logged if it changed. */
  static final long HEALTH_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
  /** How long a quiet dispatcher parks when nobody wakes it (see {@link #quietParkNanos}). */
  static final long QUIET_PARK_NANOS = TimeUnit.SECONDS.toNanos(5);
  /** The same while a registration (JMX, self-metrics) is still to come: it is looked for each second. */
  static final long QUIET_PARK_REGISTERING_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Signal signal;
  private final Supplier<LeveeStats> stats;
  private final Supplier<String> targets;
  private final HealthTracker health;
  private final String fanoutTarget;
  private final ThrottledLogger throttled;
  /** Memory's overflow goes to the journal once it is open ({@code overflow.policy} spill or priority). */
  private final boolean spills;
  /** Made at the first look, on the dispatcher thread (the listeners are looked up then). */
  private ListenerNotifier listeners;
  private DropLog dropLog;
  private long lastListenerCheckNanos;
  private long lastHealthCheckNanos;
  private LeveeHealth.State loggedHealth = LeveeHealth.State.OK;

  /** How long after it is asked for the self-metrics' registration is due at the latest. */
  static final long SELF_METRICS_BY_NANOS = TimeUnit.SECONDS.toNanos(5);

  /** Registered with JMX from the ticks, when due; or null. */
  private volatile ExporterMXBean jmx;
  private volatile String jmxName;
  /** Run once from the ticks when due; or null. */
  private volatile DeferredMetrics selfMetrics;
  private final RegistrationTime selfMetricsTime = new RegistrationTime(SELF_METRICS_BY_NANOS, () -> false);

  /** From now on the ticks register {@code bean} under {@code name} when due (see {@link ExporterMXBean}). */
  public void registerWhenDue(ExporterMXBean bean, String name) {
    this.jmxName = name;
    this.jmx = bean;
  }

  /**
   * From now on the ticks register {@code metrics} {@link #SELF_METRICS_BY_NANOS} after the first
   * of them, unless the first request did before.
   */
  public void registerMetricsWhenDue(DeferredMetrics metrics) {
    this.selfMetrics = metrics;
  }

  /**
   * @param fanoutTarget with {@code endpoints.mode=fanout}, the one endpoint this exporter serves
   *     (named in drop logs); else null
   * @param traits what the exporter's settings make of the advice and warnings
   */
  public Watch(
      Signal signal,
      Supplier<LeveeStats> stats,
      Supplier<String> targets,
      String fanoutTarget,
      Traits traits,
      ThrottledLogger throttled) {
    this.signal = signal;
    this.stats = stats;
    this.targets = targets;
    this.health = new HealthTracker(signal.itemNoun(), traits.journalOn(), traits.rateLimited());
    this.fanoutTarget = fanoutTarget;
    this.throttled = throttled;
    this.spills = traits.journalOn() && traits.spills();
  }

  /** Whether the journal can take data (open, or opening with its spill file): from the pipeline. */
  private volatile java.util.function.BooleanSupplier journalUsable = () -> false;

  /** Tells the watch how to see whether the journal, open or opening, takes what memory cannot. */
  public void journalUsable(java.util.function.BooleanSupplier usable) {
    this.journalUsable = usable;
  }

  /** The listeners, found with ServiceLoader at the first look rather than in the exporter's build. */
  private ListenerNotifier listeners() {
    ListenerNotifier made = listeners;
    if (made == null) {
      made =
          new ListenerNotifier(
              signal, ListenerNotifier.load(Watch.class.getClassLoader()), throttled, this::logThresholdCrossing);
      listeners = made;
      dropLog = new DropLog(logger, signal, DropLog.DEFAULT_INTERVAL_NANOS, fanoutTarget);
    }
    return made;
  }

  /** The exporter's health now: state, reasons and advice. Any thread. */
  public LeveeHealth health(long nowNanos) {
    return health.evaluate(stats.get(), nowNanos);
  }

  /**
   * How long the dispatcher may park when it has nothing to do at all: nothing then changes the
   * counters but the journal's retention, run on the same wakeups, and a drop at the door, which
   * the listeners and the drop log then hear of up to this much later. Health is judged at its
   * interval all the same.
   */
  public long quietParkNanos() {
    ExporterMXBean bean = jmx;
    boolean registering = selfMetrics != null || (bean != null && bean.registrationPending());
    return registering ? QUIET_PARK_REGISTERING_NANOS : QUIET_PARK_NANOS;
  }

  /** Looks at what is due. */
  public void tick(long nowNanos) {
    ExporterMXBean bean = jmx;
    if (bean != null) {
      bean.registerWhenDue(jmxName, nowNanos);
    }
    DeferredMetrics metrics = selfMetrics;
    if (metrics != null && selfMetricsTime.due(nowNanos)) {
      selfMetrics = null;
      metrics.register();
    }
    checkHealthIfDue(nowNanos);
    if (nowNanos - lastListenerCheckNanos >= LISTENER_INTERVAL_NANOS) {
      lastListenerCheckNanos = nowNanos;
      LeveeStats snapshot = stats.get();
      listeners().notify(snapshot);
      dropLog.observe(snapshot, nowNanos);
    }
  }

  /** Tells the listeners the final counters (what shutdown dropped or moved to the journal). */
  public void last() {
    listeners().notify(stats.get());
  }

  private void checkHealthIfDue(long nowNanos) {
    if (nowNanos - lastHealthCheckNanos < HEALTH_INTERVAL_NANOS) {
      return;
    }
    lastHealthCheckNanos = nowNanos;
    LeveeHealth current = health(nowNanos);
    if (current.state() == loggedHealth) {
      return;
    }
    loggedHealth = current.state();
    logger.log(
        current.state() == LeveeHealth.State.OK ? Level.INFO : Level.WARNING,
        "Levee " + signal.lowerName() + " exporter is " + current.describe());
  }

  /** Logs once when memory or the journal passes 80% of its limit, and once when back below. */
  private void logThresholdCrossing(String what, long used, long limit, boolean above, boolean journalOpen) {
    if (!above) {
      logger.info("Levee " + what + " for " + signal.itemNoun() + " is below 80% of its limit again.");
      return;
    }
    logger.warning(
        String.format(
            Locale.ROOT,
            "Levee %s for %s is %d%% full (%.1f of %.1f MiB) while the backend at %s is slow or"
                + " down; past the limit, %s. Raise %s or check the backend.",
            what,
            signal.itemNoun(),
            Math.round(100.0 * used / limit),
            used / 1048576.0,
            limit / 1048576.0,
            targets.get(),
            what.equals("memory") && spills && (journalOpen || journalUsable.getAsBoolean())
                ? "new data goes to the journal"
                : "data is dropped and counted",
            "otel.exporter.levee." + what + ".limit"));
  }
}
