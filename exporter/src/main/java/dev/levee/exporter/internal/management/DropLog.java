package dev.levee.exporter.internal.management;

import dev.levee.buffer.Signal;
import dev.levee.exporter.DropReason;
import dev.levee.exporter.LeveeStats;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Logs drops as one warning per interval with the counts since the previous warning, by reason,
 * each with what to do about it: {@code Levee dropped 1200 spans since the last report:
 * memory_full=1200 (memory was full and there is no journal: raise memory.limit or enable the
 * journal)}. The moment drops start, the pipeline's own warning says what is happening; this
 * adds how many, for how long it goes on.
 *
 * <p>Internal, may change. Called from the dispatcher thread only.
 */
public final class DropLog {
  public static final long DEFAULT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final Logger logger;
  private final Signal signal;
  private final long intervalNanos;
  /** With fanout, " for <endpoint>": which endpoint's copy was dropped; else empty. */
  private final String where;
  private final Map<DropReason, Long> reported = new EnumMap<>(DropReason.class);
  private long lastReportNanos;
  private boolean started;

  DropLog(Logger logger, Signal signal, long intervalNanos) {
    this(logger, signal, intervalNanos, null);
  }

  /** {@code endpoint}: with fanout, the endpoint whose copy this counts (named in the message). */
  public DropLog(Logger logger, Signal signal, long intervalNanos, String endpoint) {
    this.logger = logger;
    this.signal = signal;
    this.intervalNanos = intervalNanos;
    this.where = endpoint == null ? "" : " for " + endpoint;
  }

  /** Looks at the counters at {@code nowNanos}; logs if there are new drops and it is time. */
  public void observe(LeveeStats stats, long nowNanos) {
    if (!started) {
      started = true;
      lastReportNanos = nowNanos;
    }
    if (nowNanos - lastReportNanos < intervalNanos) {
      return;
    }
    StringBuilder reasons = new StringBuilder();
    long total = 0;
    for (DropReason reason : DropReason.values()) {
      long since = stats.dropped(reason) - reported.getOrDefault(reason, 0L);
      if (since > 0) {
        total += since;
        reasons
            .append(reasons.length() == 0 ? "" : "; ")
            .append(reason.label())
            .append('=')
            .append(since)
            .append(" (")
            .append(advice(reason))
            .append(')');
      }
    }
    if (total == 0) {
      return;
    }
    for (DropReason reason : DropReason.values()) {
      reported.put(reason, stats.dropped(reason));
    }
    long seconds = TimeUnit.NANOSECONDS.toSeconds(nowNanos - lastReportNanos);
    lastReportNanos = nowNanos;
    if (logger.isLoggable(Level.WARNING)) {
      logger.warning(
          "Levee dropped "
              + total
              + " "
              + signal.itemNoun()
              + where
              + " in the last "
              + seconds
              + " s: "
              + reasons
              + ". levee.dropped counts them all.");
    }
  }

  /** What a user can do about drops for {@code reason}. */
  static String advice(DropReason reason) {
    return switch (reason) {
      case MEMORY_FULL ->
          "memory was full: raise memory.limit, keep journal.mode=overflow (with"
              + " journal.open=at_start when it fills before the journal opens), or choose another"
              + " overflow.policy";
      case REJECTED ->
          "the backend refused them as invalid, with the message logged above; they are not retried";
      case SHUTDOWN -> "not delivered within shutdown.timeout when the application stopped";
      case ENCODING_FAILED -> "they could not be encoded as OTLP; the cause is logged above";
      case JOURNAL_FULL ->
          "memory and the journal were full: raise journal.limit, or add an endpoint the data can"
              + " go to";
      case EXPIRED -> "older than journal.max.age before the backend took them";
      case RATE_LIMITED ->
          "over rate.limit.items or rate.limit.bytes with rate.limit.policy=drop: raise the limit or"
              + " use spill";
      case DOWNSAMPLED -> "overflow.policy=downsample kept one trace in overflow.downsample.ratio";
      case RETRIES_EXHAUSTED ->
          "still failing after retry.max.elapsed without a journal: enable the journal or raise"
              + " retry.max.elapsed";
      case SUPERSEDED ->
          "metrics.compaction=latest kept the newest cumulative value of each stream while delivery"
              + " was behind; no value is lost, only intermediate points";
    };
  }
}
