package dev.levee.exporter.internal.management;

import dev.levee.buffer.LeveeListener;
import dev.levee.buffer.Signal;
import dev.levee.exporter.DropReason;
import dev.levee.exporter.LeveeStats;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Tells the {@link LeveeListener}s what changed, by comparing snapshots of the exporter's counters
 * on the dispatcher thread: nothing is done on the export path. Listener exceptions are caught,
 * counted and logged (throttled).
 *
 * <p>Internal, may change. Used by the dispatcher thread; {@link #errors} from any thread.
 */
public final class ListenerNotifier {
  private static final Logger logger = Logger.getLogger(ListenerNotifier.class.getName());
  /** The fraction of memory or journal above which listeners hear of it. */
  static final double THRESHOLD = 0.8;

  /** Told when memory or the journal crosses the threshold, listeners or not (for the log). */
  public interface ThresholdLog {
    /** {@code journalOpen}: whether the journal was open at that look. */
    void crossed(String resource, long used, long limit, boolean above, boolean journalOpen);
  }

  private final Signal signal;
  private final List<LeveeListener> listeners;
  private final ThresholdLog thresholdLog;
  private final ThrottledLogger throttled;
  private final AtomicLong errors = new AtomicLong();
  private LeveeStats previous;
  private boolean memoryAbove;
  private boolean journalAbove;

  public ListenerNotifier(
      Signal signal, List<LeveeListener> listeners, ThrottledLogger throttled, ThresholdLog thresholdLog) {
    this.signal = signal;
    this.listeners = List.copyOf(listeners);
    this.throttled = throttled;
    this.thresholdLog = thresholdLog;
  }

  /** The listeners registered with ServiceLoader in {@code loader}; a broken one is skipped. */
  public static List<LeveeListener> load(ClassLoader loader) {
    List<LeveeListener> found = new ArrayList<>();
    try {
      for (var it = ServiceLoader.load(LeveeListener.class, loader).iterator(); it.hasNext(); ) {
        try {
          found.add(it.next());
        } catch (java.util.ServiceConfigurationError e) {
          logger.log(Level.WARNING, "Levee could not load a LeveeListener; it is skipped", e);
        }
      }
    } catch (java.util.ServiceConfigurationError | RuntimeException e) {
      logger.log(Level.WARNING, "Levee could not look for LeveeListeners", e);
    }
    return found;
  }

  public boolean isEmpty() {
    return listeners.isEmpty();
  }

  /** Listener calls that threw. */
  public long errors() {
    return errors.get();
  }

  /**
   * Compares {@code now} with the last snapshot and tells the listeners what changed; threshold
   * crossings also go to the {@link ThresholdLog}.
   */
  public void notify(LeveeStats now) {
    boolean memory = now.memoryLimitBytes() > 0 && now.memoryUsedBytes() >= THRESHOLD * now.memoryLimitBytes();
    if (memory != memoryAbove) {
      memoryAbove = memory;
      thresholdLog.crossed(
          "memory", now.memoryUsedBytes(), now.memoryLimitBytes(), memory, now.journalOpen());
      call(l -> l.onThreshold(signal, "memory", THRESHOLD, memory));
    }
    boolean journal = now.journalLimitBytes() > 0 && now.journalBytes() >= THRESHOLD * now.journalLimitBytes();
    if (journal != journalAbove) {
      journalAbove = journal;
      thresholdLog.crossed(
          "journal", now.journalBytes(), now.journalLimitBytes(), journal, now.journalOpen());
      call(l -> l.onThreshold(signal, "journal", THRESHOLD, journal));
    }
    if (listeners.isEmpty()) {
      return;
    }
    // The first look compares with the start (nothing dropped or spilled, the breaker closed): what
    // happened before the dispatcher thread first looked is told too.
    LeveeStats before = previous != null ? previous : start(now);
    previous = now;
    for (DropReason reason : DropReason.values()) {
      long dropped = now.dropped(reason) - before.dropped(reason);
      if (dropped > 0) {
        call(l -> l.onDrop(signal, reason.label(), dropped));
      }
    }
    long spilled = now.journaled() - before.journaled();
    if (spilled > 0) {
      call(l -> l.onSpill(signal, spilled));
    }
    if (!now.breakerState().equals(before.breakerState())) {
      call(l -> l.onBreakerStateChange(signal, before.breakerState(), now.breakerState()));
    }
  }

  /** The counters as they were when the exporter started, in the shape of {@code now}. */
  private static LeveeStats start(LeveeStats now) {
    return new LeveeStats(
        now.signal(),
        0,
        0,
        0,
        java.util.Map.of(),
        0,
        0,
        0,
        0,
        0,
        now.memoryLimitBytes(),
        now.journalOpen(),
        "disabled".equals(now.breakerState()) ? "disabled" : "closed",
        0,
        now.batchBytes(),
        now.concurrency(),
        0,
        now.journalLimitBytes());
  }

  private void call(Consumer<LeveeListener> event) {
    for (LeveeListener listener : listeners) {
      try {
        event.accept(listener);
      } catch (Throwable t) {
        errors.incrementAndGet();
        throttled.log(
            Level.WARNING,
            "listener",
            () -> "Levee listener " + listener.getClass().getName() + " failed; delivery goes on: " + t);
      }
    }
  }
}
