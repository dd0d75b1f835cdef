package dev.levee.exporter.internal.management;

import dev.levee.exporter.DropReason;
import dev.levee.exporter.LeveeHealth;
import dev.levee.exporter.LeveeStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Judges an exporter's health from two snapshots of its counters some time apart: what is being
 * lost, whether the backend keeps up, how full memory and the journal are, and how long until the
 * journal reaches its limit at the present rates.
 *
 * <p>Internal, may change. Thread-safe.
 */
public final class HealthTracker {
  /** Rates are taken over at least this long; a sooner call returns the last judgement. */
  static final long MIN_INTERVAL_NANOS = 1_000_000_000L;
  static final double FULL = 0.8;

  private final String noun;
  /** Whether the exporter has a journal ({@code journal.mode} other than {@code off}). */
  private final boolean journalOn;
  /** Whether a rate limit paces sending: advice to raise it is given only then. */
  private final boolean rateLimited;
  private LeveeStats previous;
  private long previousNanos;
  private LeveeHealth last = new LeveeHealth(LeveeHealth.State.OK, List.of(), List.of());
  /** The last interval judged had ingest above delivery, held in memory (see {@link #judge}). */
  private boolean behindInMemoryBefore;

  /**
   * @param itemNoun what the signal's items are called ({@code spans})
   * @param journalOn whether the exporter has a journal: advice to turn it on is given only
   *     without one
   * @param rateLimited whether a rate limit paces sending: advice to raise it is given only then
   */
  public HealthTracker(String itemNoun, boolean journalOn, boolean rateLimited) {
    this.noun = itemNoun;
    this.journalOn = journalOn;
    this.rateLimited = rateLimited;
  }

  /** The health now, given the counters now and the time ({@code System.nanoTime} scale). */
  public synchronized LeveeHealth evaluate(LeveeStats now, long nowNanos) {
    if (previous == null) {
      previous = now;
      previousNanos = nowNanos;
      last = judge(now, null, 0);
      return last;
    }
    long elapsed = nowNanos - previousNanos;
    if (elapsed < MIN_INTERVAL_NANOS) {
      return last;
    }
    last = judge(now, previous, elapsed / 1e9);
    previous = now;
    previousNanos = nowNanos;
    return last;
  }

  private LeveeHealth judge(LeveeStats now, LeveeStats before, double seconds) {
    Findings found = new Findings();
    if (now.breakerState().equals("open")) {
      found.failing("no endpoint takes requests (circuit breaker open)");
      found.advise("check the backend; data waits in the journal meanwhile, or in memory without one");
    }
    if (before != null && seconds > 0) {
      losses(now, before, seconds, found);
      backlog(now, before, seconds, found);
    }
    if (now.memoryLimitBytes() > 0 && now.memoryUsedBytes() >= FULL * now.memoryLimitBytes()) {
      found.degraded(
          String.format(
              Locale.ROOT, "memory %d%% full", Math.round(100.0 * now.memoryUsedBytes() / now.memoryLimitBytes())));
      found.advise("raise memory.limit, or check the backend");
    }
    if (now.journalLimitBytes() > 0 && now.journalBytes() >= FULL * now.journalLimitBytes()) {
      found.degraded(
          String.format(
              Locale.ROOT, "journal %d%% full", Math.round(100.0 * now.journalBytes() / now.journalLimitBytes())));
      found.advise("raise journal.limit, or check the backend");
    }
    return found.health();
  }

  /** Drops in the interval, by reason, with what would have kept them; rejections; retries. */
  private void losses(LeveeStats now, LeveeStats before, double seconds, Findings found) {
    for (DropReason reason : DropReason.values()) {
      if (reason == DropReason.REJECTED || reason == DropReason.SUPERSEDED) {
        // The backend's verdict on the data, not a loss Levee can prevent; or compaction the
        // user chose, which keeps every stream's newest value.
        continue;
      }
      long dropped = now.dropped(reason) - before.dropped(reason);
      if (dropped > 0) {
        found.failing(
            String.format(Locale.ROOT, "dropping %s %s/s (%s)", rate(dropped / seconds), noun, reason.label()));
        String remedy = remedy(reason, before.journalOpen());
        if (remedy != null) {
          found.advise(remedy);
        }
      }
    }
    long rejected = now.dropped(DropReason.REJECTED) - before.dropped(DropReason.REJECTED);
    if (rejected > 0) {
      found.degraded(String.format(Locale.ROOT, "the backend rejects %s %s/s", rate(rejected / seconds), noun));
      found.advise("look at the backend's messages in the log: it refuses the data itself");
    }
    long retries = now.retries() - before.retries();
    if (retries > 0) {
      found.degraded(String.format(Locale.ROOT, "requests failing and retried (%s/s)", rate(retries / seconds)));
    }
  }

  /**
   * Whether ingest outruns delivery, and when it spills, how soon the journal reaches its limit.
   * Held in memory only, a first interval behind may be the first requests still under way (an
   * application that ends a burst and exits, a backend some 100 ms away): said when it lasts a
   * second interval, or at once when it spills to the journal.
   */
  private void backlog(LeveeStats now, LeveeStats before, double seconds, Findings found) {
    double ingest = (now.offered() - before.offered()) / seconds;
    double delivery = (now.delivered() - before.delivered()) / seconds;
    long journalGrowth = now.journalBytes() - before.journalBytes();
    boolean behind = ingest > delivery * 1.1 && now.pending() > before.pending();
    boolean behindInMemory = behind && journalGrowth <= 0;
    boolean said = behind && (!behindInMemory || behindInMemoryBefore);
    behindInMemoryBefore = behindInMemory;
    if (!said) {
      return;
    }
    String reason =
        String.format(
            Locale.ROOT, "ingest %s %s/s exceeds delivery %s %s/s", rate(ingest), noun, rate(delivery), noun);
    if (journalGrowth > 0 && now.journalLimitBytes() > 0) {
      double secondsLeft = (now.journalLimitBytes() - now.journalBytes()) / (journalGrowth / seconds);
      reason +=
          String.format(
              Locale.ROOT,
              ": the journal reaches its %s limit in about %s",
              bytes(now.journalLimitBytes()),
              duration(secondsLeft));
    }
    found.degraded(reason);
    found.advise(
        now.signal() == dev.levee.buffer.Signal.METRICS
            ? "add an endpoint, or keep only the newest cumulative values while behind"
                + " (metrics.compaction=latest)"
            : (rateLimited ? "raise rate.limit.items, add" : "add")
                + " an endpoint, or enable downsampling (overflow.policy=downsample)");
  }

  /** What one judgement found: reasons to fail, reasons to be degraded, and advice. */
  private static final class Findings {
    private final List<String> failing = new ArrayList<>();
    private final List<String> degraded = new ArrayList<>();
    private final List<String> advice = new ArrayList<>();

    void failing(String reason) {
      failing.add(reason);
    }

    void degraded(String reason) {
      degraded.add(reason);
    }

    void advise(String what) {
      if (!advice.contains(what)) {
        advice.add(what);
      }
    }

    LeveeHealth health() {
      List<String> reasons = new ArrayList<>(failing);
      reasons.addAll(degraded);
      LeveeHealth.State state =
          !failing.isEmpty()
              ? LeveeHealth.State.FAILING
              : !degraded.isEmpty() ? LeveeHealth.State.DEGRADED : LeveeHealth.State.OK;
      return new LeveeHealth(state, reasons, List.copyOf(advice));
    }
  }

  /**
   * What would have kept what {@code reason} dropped. {@code journalWasOpen}: the journal was open
   * at the start of the interval (a journal opened when first needed may still have been opening
   * when memory filled, as in a burst at full speed in the first second).
   */
  private String remedy(DropReason reason, boolean journalWasOpen) {
    return switch (reason) {
      case MEMORY_FULL ->
          !journalOn
              ? "raise memory.limit, or turn the journal on (journal.mode=overflow)"
              : journalWasOpen
                  ? "raise memory.limit, or check the backend"
                  : "raise memory.limit, or open the journal at start (journal.open=at_start): memory filled"
                      + " while it was still opening";
      case JOURNAL_FULL -> "raise journal.limit, or check the backend";
      case EXPIRED -> "raise journal.max.age, or check the backend";
      case RATE_LIMITED -> "raise rate.limit.items or rate.limit.bytes, or use rate.limit.policy=spill";
      case SHUTDOWN -> journalOn ? "raise shutdown.timeout" : "raise shutdown.timeout, or turn the journal on";
      case RETRIES_EXHAUSTED ->
          journalOn ? "raise retry.max.elapsed" : "raise retry.max.elapsed, or turn the journal on";
      case DOWNSAMPLED ->
          journalOn
              ? "raise memory.limit to keep everything"
              : "raise memory.limit, or turn the journal on, to keep everything";
      case ENCODING_FAILED -> "report it: Levee could not encode what the SDK gave it";
      case REJECTED, SUPERSEDED -> null;
    };
  }

  static String rate(double perSecond) {
    if (perSecond >= 10_000) {
      return String.format(Locale.ROOT, "%.0fk", perSecond / 1000);
    }
    if (perSecond >= 10) {
      return String.format(Locale.ROOT, "%.0f", perSecond);
    }
    return String.format(Locale.ROOT, "%.1f", perSecond);
  }

  static String bytes(long bytes) {
    if (bytes >= 1L << 30 && bytes % (1L << 30) == 0) {
      return (bytes >> 30) + " GiB";
    }
    if (bytes >= 1L << 20) {
      return String.format(Locale.ROOT, "%.0f MiB", bytes / (double) (1 << 20));
    }
    return bytes + " bytes";
  }

  static String duration(double seconds) {
    if (seconds < 90) {
      return Math.max(1, Math.round(seconds)) + " s";
    }
    if (seconds < 90 * 60) {
      return Math.round(seconds / 60) + " min";
    }
    return Math.round(seconds / 3600) + " h";
  }
}
