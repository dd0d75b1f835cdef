package dev.levee.exporter.internal.dispatch;

import dev.levee.buffer.Chunk;
import dev.levee.buffer.ChunkJournal;
import dev.levee.exporter.DropReason;
import dev.levee.exporter.internal.management.PipelineStats;
import io.opentelemetry.sdk.common.Clock;

/**
 * The dispatcher's side of the journal: reads the backlog through the delivery cursor, commits
 * what was delivered, rewinds after a failure once no other journal request is in flight (those
 * that succeed meanwhile are committed, not sent twice), parks memory requests in it, and counts
 * what the journal itself deleted to respect its caps.
 *
 * <p>Confined to the dispatcher thread.
 */
final class JournalFeed {
  /** How many journal records one request may merge. */
  static final int MAX_JOURNAL_RECORDS = 10_000;
  /** The cursor the dispatcher delivers from. */
  static final String DELIVERY_CURSOR = "delivery";

  private final PipelineStats stats;
  private final Clock clock;
  private ChunkJournal journal;
  private ChunkJournal.Cursor cursor;
  /** Journal requests in flight. */
  private int inFlight;
  /** A journal request failed: the cursor rewinds once no journal request is in flight. */
  private boolean rewindDue;
  /** After a failed journal request, the backlog is not read again before this time. */
  private long readableAfterNanos;
  private boolean waitingToRetry;
  private long dropsSeen;
  private long expiredSeen;
  /** At shutdown: the backlog is delivered while the backend takes it. */
  private boolean draining;
  /** Shutdown's drain has begun (a step can see the stop before it begins). */
  private boolean drainStarted;
  /** At shutdown: the last read found nothing left to read. */
  private boolean exhausted;

  JournalFeed(PipelineStats stats, Clock clock) {
    this.stats = stats;
    this.clock = clock;
  }

  /**
   * Starts reading {@code opened}'s backlog in {@code order}, and counts what an earlier run left
   * in it as recovered.
   *
   * @return the recovered items
   */
  long attach(ChunkJournal opened, ChunkJournal.ReadOrder order) {
    ChunkJournal.Cursor delivery = opened.cursor(DELIVERY_CURSOR);
    long items = 0;
    while (true) {
      ChunkJournal.Batch read = delivery.read(MAX_JOURNAL_RECORDS, Long.MAX_VALUE);
      if (read.isEmpty()) {
        break;
      }
      for (Chunk chunk : read.chunks()) {
        items += chunk.itemCount();
      }
    }
    delivery.rewind();
    delivery = opened.cursor(DELIVERY_CURSOR, order);
    ChunkJournal.Stats journalStats = opened.stats();
    dropsSeen = journalStats.droppedJournalFull();
    expiredSeen = journalStats.droppedExpired();
    stats.recovered(items);
    this.cursor = delivery;
    this.journal = opened;
    return items;
  }

  boolean isOpen() {
    return journal != null;
  }

  /** Counts data the journal deleted to respect its caps since the last call. */
  void syncDrops() {
    if (journal == null) {
      return;
    }
    ChunkJournal.Stats now = journal.stats();
    long full = now.droppedJournalFull() - dropsSeen;
    long expired = now.droppedExpired() - expiredSeen;
    if (full > 0) {
      stats.droppedPending(DropReason.JOURNAL_FULL, full);
    }
    if (expired > 0) {
      stats.droppedPending(DropReason.EXPIRED, expired);
    }
    dropsSeen = now.droppedJournalFull();
    expiredSeen = now.droppedExpired();
  }

  /**
   * Whether the backlog may be read now: a rewind is not waiting for requests in flight, and the
   * retry delay of the last failed journal request has passed.
   */
  boolean readable() {
    if (cursor == null || rewindDue) {
      return false;
    }
    if (waitingToRetry) {
      if (clock.nanoTime() - readableAfterNanos < 0) {
        return false;
      }
      waitingToRetry = false;
    }
    return true;
  }

  /**
   * How long until a failed journal request may be read again, or {@code Long.MAX_VALUE} when
   * nothing waits for that (any more: once the delay has passed the backlog is readable, whether or
   * not it is asked for; a due time left in the past had the dispatcher park for a nanosecond, over
   * and over, while the journal held nothing to read).
   */
  long retryDueInNanos() {
    if (!waitingToRetry) {
      return Long.MAX_VALUE;
    }
    long remaining = readableAfterNanos - clock.nanoTime();
    if (remaining <= 0) {
      waitingToRetry = false;
      return Long.MAX_VALUE;
    }
    return remaining;
  }

  /**
   * Shutdown has begun: the backlog is delivered too, within the shutdown timeout, for as long as
   * the backend takes it: a next run may never come (a batch job, a rescheduled pod). Only the
   * first call counts.
   */
  void drainAtStop() {
    if (drainStarted) {
      return;
    }
    drainStarted = true;
    draining = cursor != null;
    exhausted = false;
    waitingToRetry = false; // shutdown tries at once
  }

  /** Whether shutdown still delivers the backlog (it has begun and no journal request failed). */
  boolean draining() {
    return draining;
  }

  /**
   * A journal request got no answer at shutdown: the backend is not there, so the backlog stays in
   * the journal for a next run, and shutdown does not spend its timeout retrying it. (A backend
   * that answers, even with errors, is tried until the timeout.)
   */
  void stopDraining() {
    draining = false;
  }

  /** Whether shutdown has nothing more to deliver from the journal. */
  boolean doneAtStop() {
    if (!drainStarted) {
      return cursor == null;
    }
    return !draining || exhausted;
  }

  /** The backlog's next request, up to {@code maxBytes}, in the drain order; or null. */
  Request read(long maxBytes) {
    ChunkJournal.Batch read = cursor.read(MAX_JOURNAL_RECORDS, maxBytes);
    exhausted = read.isEmpty();
    if (read.isEmpty()) {
      return null;
    }
    if (read.chunks().isEmpty()) {
      // Only damaged records: the journal counted and quarantined them.
      cursor.commit(read);
      return null;
    }
    return Request.fromJournal(read);
  }

  void sent() {
    inFlight++;
  }

  void settled() {
    inFlight--;
  }

  /** A journal request was delivered (or refused for good): its records are done with. */
  void commit(Request request) {
    cursor.commit(request.journalBatch);
  }

  /**
   * A journal request failed: what it read becomes readable again once nothing is in flight, and
   * not before {@code retryDueNanos}.
   */
  void failed(long retryDueNanos) {
    rewindDue = true;
    readableAfterNanos = waitingToRetry ? Math.max(readableAfterNanos, retryDueNanos) : retryDueNanos;
    waitingToRetry = true;
    rewindIfDue();
  }

  void rewindIfDue() {
    if (rewindDue && inFlight == 0) {
      rewindDue = false;
      cursor.rewind();
    }
  }

  /** Appends a chunk; false when there is no journal or it is full. */
  boolean append(Chunk chunk) {
    if (journal != null && journal.append(chunk)) {
      exhausted = false;
      return true;
    }
    return false;
  }

  /** At the end: requests in flight are given up, and what they read stays in the journal. */
  void abandonInFlight() {
    inFlight = 0;
    rewindDue = false;
  }

  /** At the end: a journal request not delivered stays in the journal, still pending. */
  void keep() {
    cursor.rewind();
  }

  void close() {
    if (journal != null) {
      journal.close();
    }
  }
}
