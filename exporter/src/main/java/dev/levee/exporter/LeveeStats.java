package dev.levee.exporter;

import dev.levee.buffer.Signal;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A snapshot of one exporter's counters. Items are spans, metric data points or log records.
 *
 * <p>The counters reconcile: {@code offered + recovered == delivered + droppedTotal() + pending},
 * exactly, whenever no export call is in progress.
 *
 * @param signal the exporter's signal
 * @param offered items the SDK handed to {@code export()}
 * @param recovered items found undelivered in the journal at start, left by an earlier run
 * @param delivered items the backend accepted
 * @param dropped items let go, by reason
 * @param pending items accepted and not yet delivered or dropped (in memory, in flight, in the
 *     journal, or held by metric compaction)
 * @param journaled items written to the journal (on overflow, on backend failure, at shutdown)
 * @param retries send attempts that failed with a retryable error
 * @param throttled items whose request the rate limit held back for a while
 * @param memoryUsedBytes bytes held in the memory tier, including requests in flight
 * @param memoryLimitBytes the memory tier's bound
 * @param journalOpen whether the journal is open (it opens when first needed, or at start when a
 *     backlog is on disk; false for good when memory-only)
 * @param breakerState the endpoint's circuit breaker: {@code closed}, {@code open}, {@code
 *     half_open} or {@code disabled}
 * @param breakerOpenings times the breaker has opened
 * @param batchBytes the request size Levee fills up to now (adapts between the minimum and the
 *     maximum)
 * @param concurrency requests Levee may have in flight now (adapts between 1 and the maximum)
 * @param journalBytes bytes the journal holds (0 without one)
 * @param journalLimitBytes the journal's byte cap (0 without one)
 */
public record LeveeStats(
    Signal signal,
    long offered,
    long recovered,
    long delivered,
    Map<DropReason, Long> dropped,
    long pending,
    long journaled,
    long retries,
    long throttled,
    long memoryUsedBytes,
    long memoryLimitBytes,
    boolean journalOpen,
    String breakerState,
    long breakerOpenings,
    long batchBytes,
    int concurrency,
    long journalBytes,
    long journalLimitBytes) {

  public LeveeStats {
    EnumMap<DropReason, Long> copy = new EnumMap<>(DropReason.class);
    for (DropReason reason : DropReason.values()) {
      copy.put(reason, dropped.getOrDefault(reason, 0L));
    }
    dropped = Collections.unmodifiableMap(copy);
  }

  /** Items dropped for any reason. */
  public long droppedTotal() {
    return dropped.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Items dropped for {@code reason}. */
  public long dropped(DropReason reason) {
    return dropped.get(reason);
  }

  /**
   * One line with every counter, e.g. {@code offered=10 recovered=0 delivered=8 dropped=2
   * (memory_full=2 rejected=0 ...) pending=0 journaled=0 retries=1 breaker=closed
   * breaker_openings=0}.
   */
  public String summary() {
    return "offered="
        + offered
        + " recovered="
        + recovered
        + " delivered="
        + delivered
        + " dropped="
        + droppedTotal()
        + " ("
        + dropped.entrySet().stream()
            .map(e -> e.getKey().label() + "=" + e.getValue())
            .collect(Collectors.joining(" "))
        + ") pending="
        + pending
        + " journaled="
        + journaled
        + " retries="
        + retries
        + " throttled="
        + throttled
        + " breaker="
        + breakerState
        + " breaker_openings="
        + breakerOpenings;
  }
}
