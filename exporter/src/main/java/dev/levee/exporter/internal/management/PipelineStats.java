package dev.levee.exporter.internal.management;

import dev.levee.exporter.internal.flow.Adaptive;
import dev.levee.exporter.internal.transport.Endpoints;
import dev.levee.buffer.Signal;
import dev.levee.exporter.DropReason;
import dev.levee.exporter.LeveeStats;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * One exporter's item counters. {@code pending} is counted on its own (up on accept, down on
 * delivery or drop) rather than derived, so that {@code offered + recovered = delivered + dropped +
 * pending} is a real check of the bookkeeping.
 *
 * <p>Internal, may change. Thread-safe.
 */
public final class PipelineStats {
  private final Signal signal;
  private final LongAdder offered = new LongAdder();
  private final LongAdder delivered = new LongAdder();
  private final AtomicLong pending = new AtomicLong();
  /** Metric points held by compaction: offered, not yet accepted; reported as pending. */
  private final AtomicLong held = new AtomicLong();
  private final LongAdder retries = new LongAdder();
  private final LongAdder throttled = new LongAdder();
  private final LongAdder recovered = new LongAdder();
  private final LongAdder journaled = new LongAdder();
  private final Map<DropReason, LongAdder> dropped = new EnumMap<>(DropReason.class);

  public PipelineStats(Signal signal) {
    this.signal = signal;
    for (DropReason reason : DropReason.values()) {
      dropped.put(reason, new LongAdder());
    }
  }

  public void offered(long items) {
    offered.add(items);
  }

  public void accepted(long items) {
    pending.addAndGet(items);
  }


  /** Counts items dropped before they were accepted (they were never pending). */
  public void droppedAtDoor(DropReason reason, long items) {
    dropped.get(reason).add(items);
  }

  /** Counts accepted items that left without delivery. */
  public void droppedPending(DropReason reason, long items) {
    dropped.get(reason).add(items);
    pending.addAndGet(-items);
  }

  /** Counts accepted items that the backend took (fully or in part: see {@code droppedPending}). */
  public void deliveredPending(long items) {
    delivered.add(items);
    pending.addAndGet(-items);
  }

  /** Counts offered points compaction now holds (negative: no longer holds). */
  public void held(long items) {
    held.addAndGet(items);
  }

  /** Counts held points replaced by newer ones of their stream. */
  public void superseded(long items) {
    if (items > 0) {
      dropped.get(DropReason.SUPERSEDED).add(items);
      held.addAndGet(-items);
    }
  }

  /** Accepted items not yet delivered or dropped, apart from what compaction holds. */
  public long pendingNotHeld() {
    return pending.get();
  }

  public void retried() {
    retries.increment();
  }

  /** Counts items whose request the rate limit held back. */
  public void throttled(long items) {
    throttled.add(items);
  }

  /** Counts undelivered items an earlier run left in the journal; they are pending now. */
  public void recovered(long items) {
    recovered.add(items);
    pending.addAndGet(items);
  }

  /** Counts pending items written to the journal (they stay pending). */
  public void journaled(long items) {
    journaled.add(items);
  }

  public LeveeStats snapshot(
      long memoryUsedBytes,
      long memoryLimitBytes,
      boolean journalOpen,
      Endpoints endpoints,
      Adaptive adaptive,
      long journalBytes,
      long journalLimitBytes) {
    Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
    dropped.forEach((reason, count) -> drops.put(reason, count.sum()));
    return new LeveeStats(
        signal,
        offered.sum(),
        recovered.sum(),
        delivered.sum(),
        drops,
        pending.get() + held.get(),
        journaled.sum(),
        retries.sum(),
        throttled.sum(),
        memoryUsedBytes,
        memoryLimitBytes,
        journalOpen,
        endpoints.state().lowerName(),
        endpoints.openings(),
        adaptive.batchBytes(),
        adaptive.concurrency(),
        journalBytes,
        journalLimitBytes);
  }
}
