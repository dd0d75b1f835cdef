package dev.levee.exporter.internal.dispatch;

import dev.levee.buffer.Chunk;
import dev.levee.buffer.ChunkBuffer;
import dev.levee.buffer.Signal;
import dev.levee.exporter.DropReason;
import dev.levee.exporter.internal.flow.Sleeper;
import dev.levee.exporter.internal.management.PipelineStats;
import io.opentelemetry.sdk.common.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * What is left when the dispatcher finishes: a journal request stays in the journal; what memory
 * holds moves there, so a clean stop loses nothing, or, while the journal is still opening, to its
 * spill file; without either (or when full) it is dropped, counted as {@code shutdown}. Waits,
 * bounded, for an {@code export()} still offering.
 *
 * <p>Confined to the dispatcher thread.
 */
final class Leftovers {
  private static final Logger logger = Logger.getLogger(Dispatcher.class.getName());
  /** How long {@link #awaitExportsInProgress} waits at most. */
  static final long EXPORT_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long EXPORT_POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(100);

  private final Signal signal;
  private final ChunkBuffer buffer;
  private final ChunkBuffer priorityBuffer;
  private final PipelineStats stats;
  private final JournalFeed journal;
  private final RequestSource source;
  private final FlushTracker flush;
  private final Clock clock;
  private final Sleeper sleeper;
  private final BooleanSupplier exportsInProgress;
  private Predicate<Chunk> spill = chunk -> false;

  Leftovers(
      Signal signal,
      ChunkBuffer buffer,
      ChunkBuffer priorityBuffer,
      PipelineStats stats,
      JournalFeed journal,
      RequestSource source,
      FlushTracker flush,
      Clock clock,
      Sleeper sleeper,
      BooleanSupplier exportsInProgress) {
    this.signal = signal;
    this.buffer = buffer;
    this.priorityBuffer = priorityBuffer;
    this.stats = stats;
    this.journal = journal;
    this.source = source;
    this.flush = flush;
    this.clock = clock;
    this.sleeper = sleeper;
    this.exportsInProgress = exportsInProgress;
  }

  /** While the journal is still opening at the end: what it cannot take goes to {@code spill}. */
  void spillWith(Predicate<Chunk> spill) {
    this.spill = spill;
  }

  /**
   * At the end, after the last completions are settled: requests still in flight are given up (the
   * backend may have them, but Levee cannot know) with the one held back ({@code ready}, or null);
   * flushes still waiting fail; then {@link #settle}, and the journal closes. Returns the items
   * dropped.
   */
  long finish(List<Request> inFlight, Request ready) {
    flush.settle(clock.nanoTime());
    flush.failAll();
    journal.abandonInFlight();
    for (Request request : inFlight) {
      request.result.cancel(false);
    }
    List<Request> givenUp = new java.util.ArrayList<>(inFlight);
    if (ready != null) {
      givenUp.add(ready);
    }
    long dropped = settle(givenUp);
    flush.failAll();
    journal.syncDrops();
    journal.close();
    return dropped;
  }

  /**
   * Settles what is left: requests given up, retries, and what memory holds, before and after the
   * exports still in progress. Returns the items dropped.
   */
  long settle(List<Request> givenUp) {
    long dropped = 0;
    for (Request request : givenUp) {
      dropped += keepOrDrop(request);
    }
    Request retry;
    while ((retry = source.pollRetry()) != null) {
      dropped += keepOrDrop(retry);
    }
    dropped += moveOrDropRemaining();
    awaitExportsInProgress();
    return dropped + moveOrDropRemaining();
  }

  /** A journal request stays in the journal; a memory one moves there or is dropped. */
  private long keepOrDrop(Request request) {
    if (request.fromJournal()) {
      journal.keep(); // still in the journal, still pending
      return 0;
    }
    return moveOrDrop(request.chunks, request.lane);
  }

  private long moveOrDropRemaining() {
    return moveOrDrop(source.takeAllOrdinary(), buffer)
        + moveOrDrop(source.takeAllUrgent(), priorityBuffer);
  }

  private long moveOrDrop(List<Chunk> chunks, ChunkBuffer lane) {
    long droppedItems = 0;
    for (Chunk held : chunks) {
      if (journal.append(held) || spill.test(held)) {
        stats.journaled(held.itemCount());
      } else {
        stats.droppedPending(DropReason.SHUTDOWN, held.itemCount());
        droppedItems += held.itemCount();
      }
      lane.release(held);
    }
    flush.completed(chunks.size());
    return droppedItems;
  }

  /**
   * Waits, up to {@link #EXPORT_WAIT_NANOS} on the clock, for an {@code export()} that passed its
   * shutdown check just before shutdown and may still be offering. One that is still running then
   * (a thread descheduled for a second) is not waited for: what it offers afterwards stays counted
   * as pending in the final accounting, and the log says so.
   */
  private void awaitExportsInProgress() {
    long deadline = clock.nanoTime() + EXPORT_WAIT_NANOS;
    while (exportsInProgress.getAsBoolean()) {
      if (clock.nanoTime() - deadline >= 0) {
        logger.warning(
            "Levee's "
                + signal.lowerName()
                + " exporter stopped while an export() was still running after "
                + TimeUnit.NANOSECONDS.toMillis(EXPORT_WAIT_NANOS)
                + " ms; what it hands over now stays counted as pending, not delivered.");
        return;
      }
      sleeper.sleep(EXPORT_POLL_NANOS);
    }
  }
}
