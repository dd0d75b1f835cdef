package dev.levee.exporter.internal.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.levee.buffer.Signal;
import dev.levee.exporter.DropReason;
import dev.levee.exporter.LeveeHealth;
import dev.levee.exporter.LeveeStats;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthTrackerTest {
  private static final long SECOND = 1_000_000_000L;
  private static final long GIB = 1L << 30;

  private final HealthTracker tracker = new HealthTracker("spans", false, true);

  /** Counters with the given values; everything else healthy. */
  private static LeveeStats stats(
      long offered, long delivered, long pending, Map<DropReason, Long> dropped, long retries, long journalBytes, String breaker) {
    return new LeveeStats(
        Signal.SPANS,
        offered,
        0,
        delivered,
        dropped,
        pending,
        0,
        retries,
        0,
        1 << 20,
        32 << 20,
        true,
        breaker,
        0,
        65536,
        1,
        journalBytes,
        GIB);
  }

  private static Map<DropReason, Long> none() {
    return new EnumMap<>(DropReason.class);
  }

  @Test
  void okWhenDeliveryKeepsUp() {
    tracker.evaluate(stats(1000, 1000, 0, none(), 0, 0, "closed"), 0);
    LeveeHealth health = tracker.evaluate(stats(2000, 2000, 0, none(), 0, 0, "closed"), SECOND);
    assertThat(health.state()).isEqualTo(LeveeHealth.State.OK);
    assertThat(health.reasons()).isEmpty();
  }

  @Test
  void ingestAboveDeliveryWithAGrowingJournalSaysWhenTheJournalIsFull() {
    tracker.evaluate(stats(0, 0, 0, none(), 0, 0, "closed"), 0);
    // 48k spans/s in, 30k out, over 10 s.
    LeveeHealth health =
        tracker.evaluate(
            stats(48_000 * 10L, 30_000 * 10L, 180_000, none(), 0, GIB - (660L << 20), "closed"), 10 * SECOND);
    assertThat(health.state()).isEqualTo(LeveeHealth.State.DEGRADED);
    assertThat(health.reasons().get(0))
        .startsWith("ingest 48k spans/s exceeds delivery 30k spans/s: the journal reaches its 1 GiB limit in about");
    assertThat(health.advice())
        .contains("raise rate.limit.items, add an endpoint, or enable downsampling (overflow.policy=downsample)");
  }

  @Test
  void aFirstIntervalBehindInMemoryIsTheFirstRequestsUnderWayNotAProblem() {
    // An application ended 20 spans just before the check; the first request is still out.
    tracker.evaluate(stats(0, 0, 0, none(), 0, 0, "closed"), 0);
    LeveeHealth health = tracker.evaluate(stats(20, 0, 20, none(), 0, 0, "closed"), 10 * SECOND);

    assertThat(health.state()).isEqualTo(LeveeHealth.State.OK);
    assertThat(health.reasons()).isEmpty();
  }

  @Test
  void behindInMemoryForASecondIntervalIsSaid() {
    tracker.evaluate(stats(0, 0, 0, none(), 0, 0, "closed"), 0);
    assertThat(tracker.evaluate(stats(20_000, 10_000, 10_000, none(), 0, 0, "closed"), 10 * SECOND).state())
        .isEqualTo(LeveeHealth.State.OK);

    LeveeHealth health =
        tracker.evaluate(stats(40_000, 20_000, 20_000, none(), 0, 0, "closed"), 20 * SECOND);

    assertThat(health.state()).isEqualTo(LeveeHealth.State.DEGRADED);
    assertThat(health.reasons()).containsExactly("ingest 2000 spans/s exceeds delivery 1000 spans/s");
  }

  @Test
  void anIntervalThatCaughtUpStartsTheCountAgain() {
    tracker.evaluate(stats(0, 0, 0, none(), 0, 0, "closed"), 0);
    tracker.evaluate(stats(20_000, 10_000, 10_000, none(), 0, 0, "closed"), 10 * SECOND);
    tracker.evaluate(stats(30_000, 30_000, 0, none(), 0, 0, "closed"), 20 * SECOND);

    LeveeHealth health =
        tracker.evaluate(stats(50_000, 40_000, 10_000, none(), 0, 0, "closed"), 30 * SECOND);

    assertThat(health.state()).isEqualTo(LeveeHealth.State.OK);
  }

  @Test
  void withoutARateLimitTheAdviceDoesNotSayToRaiseIt() {
    HealthTracker unlimited = new HealthTracker("spans", true, false);
    unlimited.evaluate(stats(0, 0, 0, none(), 0, 0, "closed"), 0);

    LeveeHealth health =
        unlimited.evaluate(
            stats(48_000 * 10L, 30_000 * 10L, 180_000, none(), 0, GIB - (660L << 20), "closed"), 10 * SECOND);

    assertThat(health.advice())
        .containsExactly("add an endpoint, or enable downsampling (overflow.policy=downsample)");
  }

  @Test
  void forMetricDataTheAdviceIsCompaction() {
    HealthTracker metrics = new HealthTracker("metric data points", false, true);
    metrics.evaluate(asMetrics(stats(0, 0, 0, none(), 0, 0, "closed")), 0);
    LeveeHealth health =
        metrics.evaluate(
            asMetrics(stats(40_000, 10_000, 30_000, none(), 0, 1 << 20, "closed")), 10 * SECOND);
    assertThat(health.state()).isEqualTo(LeveeHealth.State.DEGRADED);
    assertThat(health.advice())
        .contains(
            "add an endpoint, or keep only the newest cumulative values while behind"
                + " (metrics.compaction=latest)");
  }

  private static LeveeStats asMetrics(LeveeStats s) {
    return copy(s, Signal.METRICS, s.journalOpen());
  }

  /** {@code s} for another signal, or with the journal open or not. */
  private static LeveeStats copy(LeveeStats s, Signal signal, boolean journalOpen) {
    return new LeveeStats(
        signal,
        s.offered(),
        s.recovered(),
        s.delivered(),
        s.dropped(),
        s.pending(),
        s.journaled(),
        s.retries(),
        s.throttled(),
        s.memoryUsedBytes(),
        s.memoryLimitBytes(),
        journalOpen,
        s.breakerState(),
        s.breakerOpenings(),
        s.batchBytes(),
        s.concurrency(),
        s.journalBytes(),
        s.journalLimitBytes());
  }

  @Test
  void theTimeToTheJournalLimitFollowsItsGrowth() {
    tracker.evaluate(stats(0, 0, 0, none(), 0, GIB / 2, "closed"), 0);
    // Half full, growing 1 MiB/s for 60 s: the other half takes about 8 min more.
    LeveeHealth health =
        tracker.evaluate(stats(60_000, 30_000, 30_000, none(), 0, GIB / 2 + (60L << 20), "closed"), 60 * SECOND);
    assertThat(health.reasons().get(0)).endsWith("the journal reaches its 1 GiB limit in about 8 min");
  }

  @Test
  void dropsMakeItFailingWithAdvicePerReason() {
    tracker.evaluate(stats(0, 0, 0, none(), 0, 0, "closed"), 0);
    Map<DropReason, Long> dropped = none();
    dropped.put(DropReason.MEMORY_FULL, 500L);
    LeveeHealth health = tracker.evaluate(stats(1000, 500, 0, dropped, 3, 0, "closed"), 2 * SECOND);
    assertThat(health.state()).isEqualTo(LeveeHealth.State.FAILING);
    assertThat(health.reasons()).first().isEqualTo("dropping 250 spans/s (memory_full)");
    assertThat(health.reasons()).contains("requests failing and retried (1.5/s)");
    assertThat(health.advice()).contains("raise memory.limit, or turn the journal on (journal.mode=overflow)");
    assertThat(health.describe()).startsWith("FAILING: dropping 250 spans/s (memory_full)");
  }

  @Test
  void withAJournalTheAdviceNeverSaysToTurnItOn() {
    HealthTracker journaled = new HealthTracker("spans", true, true);
    // The journal opens when first needed: memory filled while it was still opening.
    journaled.evaluate(journalClosed(stats(0, 0, 0, none(), 0, 0, "closed")), 0);
    Map<DropReason, Long> dropped = none();
    dropped.put(DropReason.MEMORY_FULL, 500L);
    dropped.put(DropReason.SHUTDOWN, 10L);
    LeveeHealth opening = journaled.evaluate(stats(1000, 500, 0, dropped, 0, 0, "closed"), 2 * SECOND);
    assertThat(opening.state()).isEqualTo(LeveeHealth.State.FAILING);
    assertThat(opening.advice())
        .contains(
            "raise memory.limit, or open the journal at start (journal.open=at_start): memory filled while it"
                + " was still opening",
            "raise shutdown.timeout")
        .noneMatch(advice -> advice.contains("turn the journal on"));

    // Open all along, and memory still full: the journal is not what is missing.
    dropped.put(DropReason.MEMORY_FULL, 900L);
    LeveeHealth open = journaled.evaluate(stats(2000, 1000, 0, dropped, 0, 0, "closed"), 4 * SECOND);
    assertThat(open.advice())
        .contains("raise memory.limit, or check the backend")
        .noneMatch(advice -> advice.contains("turn the journal on") || advice.contains("journal.open"));
  }

  private static LeveeStats journalClosed(LeveeStats s) {
    return copy(s, s.signal(), false);
  }

  @Test
  void anOpenBreakerIsFailing() {
    LeveeHealth health = tracker.evaluate(stats(0, 0, 0, none(), 0, 0, "open"), 0);
    assertThat(health.state()).isEqualTo(LeveeHealth.State.FAILING);
    assertThat(health.reasons()).containsExactly("no endpoint takes requests (circuit breaker open)");
  }

  @Test
  void rejectionsByTheBackendAreDegradedNotFailing() {
    tracker.evaluate(stats(0, 0, 0, none(), 0, 0, "closed"), 0);
    Map<DropReason, Long> dropped = none();
    dropped.put(DropReason.REJECTED, 10L);
    LeveeHealth health = tracker.evaluate(stats(100, 90, 0, dropped, 0, 0, "closed"), SECOND);
    assertThat(health.state()).isEqualTo(LeveeHealth.State.DEGRADED);
    assertThat(health.reasons()).containsExactly("the backend rejects 10 spans/s");
  }

  @Test
  void aSoonerCallReturnsTheLastJudgement() {
    LeveeHealth first = tracker.evaluate(stats(0, 0, 0, none(), 0, 0, "closed"), 0);
    Map<DropReason, Long> dropped = none();
    dropped.put(DropReason.MEMORY_FULL, 5L);
    assertThat(tracker.evaluate(stats(10, 5, 0, dropped, 0, 0, "closed"), SECOND / 2)).isEqualTo(first);
  }
}
