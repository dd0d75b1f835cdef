package dev.levee.exporter.internal;

import dev.levee.buffer.Chunk;
import dev.levee.buffer.ChunkBuffer;
import dev.levee.buffer.ChunkJournal;
import dev.levee.buffer.Signal;
import dev.levee.exporter.DropReason;
import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.common.CompletableResultCode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Drains one signal's memory tier and delivers it: merges chunks into requests up to a byte limit,
 * sends them, and settles each request's items as delivered, dropped or kept for a retry.
 *
 * <p>Threading: {@link #step} runs on one dispatcher thread only (or a test's thread). {@link
 * #accepted}, {@link #flush} and {@link #stop} may be called from any thread.
 *
 * <p>Order is kept: a failed request is retried before anything newer is sent.
 *
 * <p>Internal, may change.
 */
public final class Dispatcher {
  private static final Logger logger = Logger.getLogger(Dispatcher.class.getName());

  /** What one {@link #step} did. */
  public enum Step {
    /** It sent a request (or waited before a retry). */
    WORKED,
    /** Nothing to send. */
    IDLE,
    /** Stopped: nothing left, or the stop deadline passed. Call {@link #finish}. */
    FINISHED
  }

  /** The longest wait a server's RetryInfo can impose: a typo there must not stall delivery. */
  static final long MAX_SERVER_RETRY_DELAY_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(5);

  private final Signal signal;
  private final ChunkBuffer buffer;
  private final Sender sender;
  private final Breaker breaker;
  private final RateLimiter limiter;
  private final PipelineStats stats;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Backoff backoff;
  private final long maxBatchBytes;
  private final long timeoutNanos;
  private final ThrottledLogger throttled;
  private final BooleanSupplier exportsInProgress;

  private final AtomicLong acceptedChunks = new AtomicLong();
  private volatile long completedChunks;
  /** Chunks a producer evicted from memory (drop_oldest); they are done with too. */
  private final AtomicLong evictedChunks = new AtomicLong();
  private final ConcurrentLinkedQueue<FlushWaiter> flushWaiters = new ConcurrentLinkedQueue<>();

  private volatile boolean stopping;
  private volatile long stopDeadlineNanos;
  private boolean retriedSinceStop;

  private final List<Chunk> batch = new ArrayList<>();
  private long batchItems;
  private long batchBytes;
  /** Whether the rate limit has already held this batch back (counted once). */
  private boolean batchThrottled;
  private Chunk carry;

  /** How many journal records one request may merge. */
  static final int MAX_JOURNAL_RECORDS = 10_000;
  /** The cursor the dispatcher delivers from. */
  static final String DELIVERY_CURSOR = "delivery";

  private ChunkJournal journal;
  private ChunkJournal.Cursor cursor;
  private boolean batchFromJournal;
  private ChunkJournal.Batch journalBatch;
  /** Whether the journal's backlog has the next turn when memory holds live data too. */
  private boolean journalTurn;
  private long journalDropsSeen;
  private long journalExpiredSeen;

  public Dispatcher(
      Signal signal,
      ChunkBuffer buffer,
      Sender sender,
      Breaker breaker,
      RateLimiter limiter,
      PipelineStats stats,
      Clock clock,
      Sleeper sleeper,
      Backoff backoff,
      long maxBatchBytes,
      long timeoutNanos,
      BooleanSupplier exportsInProgress) {
    this.signal = signal;
    this.buffer = buffer;
    this.sender = sender;
    this.breaker = breaker;
    this.limiter = limiter;
    this.stats = stats;
    this.clock = clock;
    this.sleeper = sleeper;
    this.backoff = backoff;
    this.maxBatchBytes = maxBatchBytes;
    this.timeoutNanos = timeoutNanos;
    this.exportsInProgress = exportsInProgress;
    this.throttled =
        new ThrottledLogger(logger, clock, ThrottledLogger.DEFAULT_INTERVAL_NANOS);
  }

  /** Records that a producer took a chunk out of memory and dropped it. */
  public void evicted() {
    evictedChunks.incrementAndGet();
  }

  /** Records that one more chunk entered the memory tier. Call after a successful offer. */
  public void accepted() {
    acceptedChunks.incrementAndGet();
  }

  /**
   * Completes once every chunk accepted before this call has been delivered or dropped, or fails
   * when {@code timeoutNanos} passes first.
   */
  public CompletableResultCode flush(long timeoutNanos) {
    long target = acceptedChunks.get();
    if (completedChunks + evictedChunks.get() >= target) {
      return CompletableResultCode.ofSuccess();
    }
    FlushWaiter waiter = new FlushWaiter(target, clock.nanoTime() + timeoutNanos);
    flushWaiters.add(waiter);
    return waiter.result;
  }

  /**
   * Asks the dispatcher to deliver what it holds and then finish, giving up at {@code
   * timeoutNanos} from now. The owner wakes the dispatcher thread after calling this.
   */
  public void stop(long timeoutNanos) {
    stopDeadlineNanos = clock.nanoTime() + timeoutNanos;
    stopping = true;
  }

  public boolean isStopping() {
    return stopping;
  }

  /**
   * Starts delivering from {@code journal} too, reading its backlog in {@code order}, and counts
   * what an earlier run left in it as recovered. Called once, on the dispatcher thread.
   *
   * @return the recovered items
   */
  public long attachJournal(ChunkJournal journal, ChunkJournal.ReadOrder order) {
    ChunkJournal.Cursor delivery = journal.cursor(DELIVERY_CURSOR);
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
    delivery = journal.cursor(DELIVERY_CURSOR, order);
    ChunkJournal.Stats stats = journal.stats();
    journalDropsSeen = stats.droppedJournalFull();
    journalExpiredSeen = stats.droppedExpired();
    stats().recovered(items);
    this.cursor = delivery;
    this.journal = journal;
    return items;
  }

  private PipelineStats stats() {
    return stats;
  }


  /** Counts data the journal deleted to respect its caps since the last call. */
  void syncJournalDrops() {
    if (journal == null) {
      return;
    }
    ChunkJournal.Stats now = journal.stats();
    long full = now.droppedJournalFull() - journalDropsSeen;
    long expired = now.droppedExpired() - journalExpiredSeen;
    if (full > 0) {
      stats.droppedPending(DropReason.JOURNAL_FULL, full);
    }
    if (expired > 0) {
      stats.droppedPending(DropReason.EXPIRED, expired);
    }
    journalDropsSeen = now.droppedJournalFull();
    journalExpiredSeen = now.droppedExpired();
  }

  /** Does one unit of work. See {@link Step}. */
  public Step step() {
    settleFlushWaiters();
    syncJournalDrops();
    if (batch.isEmpty()) {
      fillBatch();
    }
    if (batch.isEmpty()) {
      return stopping && !exportsInProgress.getAsBoolean() ? Step.FINISHED : Step.IDLE;
    }
    long now = clock.nanoTime();
    long timeout = timeoutNanos;
    if (stopping) {
      long left = stopDeadlineNanos - now;
      if (left <= 0) {
        return Step.FINISHED;
      }
      timeout = Math.min(timeout, left);
    }
    // At shutdown neither the rate limit nor the breaker is asked: one prompt attempt beats
    // waiting, and what is not delivered goes to the journal.
    if (!stopping) {
      long throttle = limiter.nanosUntilSend();
      if (throttle > 0) {
        if (!batchThrottled) {
          batchThrottled = true;
          stats.throttled(batchItems);
        }
        sleeper.sleep(throttle); // new data wakes it early; the next step looks again
        return Step.WORKED;
      }
      if (!breaker.tryAcquire()) {
        waitWhileOpen();
        return Step.WORKED;
      }
    }
    limiter.sent(batchItems, batchBytes);
    long started = clock.nanoTime();
    SendOutcome outcome = sender.send(batch, timeout);
    long took = clock.nanoTime() - started;
    switch (outcome.kind()) {
      case SUCCESS -> {
        breaker.onAnswer(took);
        onSuccess(outcome);
      }
      case PERMANENT -> {
        breaker.onAnswer(took); // the endpoint answered: it is the data that was refused
        onPermanentFailure(outcome);
      }
      case RETRYABLE -> {
        breaker.onFailure(took, outcome.status());
        onRetryableFailure(outcome);
      }
    }
    settleFlushWaiters();
    return Step.WORKED;
  }

  /**
   * The breaker is open: what was about to be sent goes to the journal (or stays in memory without
   * one), and the dispatcher sleeps until the breaker lets a probe through. New data, or shutdown,
   * wakes it early: the next step then parks the new data too, so memory stays free.
   */
  private void waitWhileOpen() {
    parkFailedBatch();
    if (!stopping) {
      // A little past the end of the open state: the breaker lets probes through only after it.
      sleeper.sleep(breaker.remainingOpenNanos() + MIN_OPEN_POLL_NANOS);
    }
  }

  /** How often a dispatcher looks again at a breaker that refused without saying for how long. */
  static final long MIN_OPEN_POLL_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(10);

  /**
   * Sleeps until {@code until}, or until shutdown starts. With {@code promptRetryAtStop}, the
   * first wait after shutdown started ends at once (one last prompt attempt); later ones run to
   * the stop deadline at most.
   */
  private void waitUntil(long until, boolean promptRetryAtStop) {
    while (true) {
      long now = clock.nanoTime();
      if (stopping) {
        if (!promptRetryAtStop || !retriedSinceStop) {
          retriedSinceStop |= promptRetryAtStop;
          return;
        }
        until = Math.min(until, stopDeadlineNanos);
      }
      if (now >= until) {
        return;
      }
      sleeper.sleep(until - now);
    }
  }

  private void onSuccess(SendOutcome outcome) {
    backoff.reset();
    long rejected = Math.min(Math.max(outcome.rejectedItems(), 0), batchItems);
    stats.deliveredPending(batchItems - rejected);
    if (rejected > 0) {
      stats.droppedPending(DropReason.REJECTED, rejected);
      throttled.log(
          Level.WARNING,
          "partial",
          () ->
              "Backend at "
                  + sender.target()
                  + " rejected "
                  + rejected
                  + " of "
                  + batchItems
                  + " "
                  + signal.itemNoun()
                  + " (partial success: "
                  + outcome.message()
                  + "); they are dropped and counted as rejected. Check the data the backend refuses.");
    }
    completeBatch();
  }

  private void onPermanentFailure(SendOutcome outcome) {
    backoff.reset();
    long items = batchItems;
    stats.droppedPending(DropReason.REJECTED, items);
    throttled.log(
        Level.WARNING,
        "permanent-" + outcome.status(),
        () ->
            "Backend at "
                + sender.target()
                + " refused "
                + items
                + " "
                + signal.itemNoun()
                + " with "
                + outcome.status()
                + (outcome.message().isEmpty() ? "" : ": " + outcome.message())
                + "; a retry cannot succeed, so they are dropped and counted as rejected."
                + " Check the endpoint, headers and credentials.");
    completeBatch();
  }

  private void onRetryableFailure(SendOutcome outcome) {
    stats.retried();
    long backoffDelay = backoff.nextDelayNanos();
    // The server's RetryInfo wins over Levee's own backoff, within a sanity bound.
    long delay =
        outcome.retryAfterNanos() >= 0
            ? Math.min(outcome.retryAfterNanos(), MAX_SERVER_RETRY_DELAY_NANOS)
            : backoffDelay;
    throttled.log(
        Level.WARNING,
        "retryable",
        () ->
            "Backend unavailable at "
                + sender.target()
                + " ("
                + outcome.status()
                + (outcome.message().isEmpty() ? "" : ": " + outcome.message())
                + (outcome.retryAfterNanos() >= 0
                    ? ", the server asked to wait " + outcome.retryAfterNanos() / 1_000_000 + " ms"
                    : "")
                + "); retrying. "
                + (journal != null
                    ? "What fails goes to the journal, to be sent when the backend is back."
                    : "Keeping "
                        + signal.itemNoun()
                        + " in memory ("
                        + mebibytes(buffer.usedBytes())
                        + " of "
                        + mebibytes(buffer.capacityBytes())
                        + "); when memory is full, new data is dropped."));
    parkFailedBatch();
    // Shutdown started: one prompt last attempt rather than sleeping out the backoff.
    waitUntil(clock.nanoTime() + delay, true);
  }

  private static String mebibytes(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
  }

  /**
   * Fills the next request. With a backlog in the journal and live data in memory, the two take
   * turns, so the backlog drains while live data keeps flowing and stays fresh.
   */
  private void fillBatch() {
    boolean journalReadable = cursor != null && !stopping;
    if (journalReadable && journalTurn) {
      fillFromJournal();
      if (!batch.isEmpty()) {
        journalTurn = false;
        return;
      }
    }
    fillFromMemory();
    if (!batch.isEmpty()) {
      journalTurn = true;
      return;
    }
    if (journalReadable) {
      fillFromJournal();
      journalTurn = false;
    }
  }

  private void fillFromMemory() {
    long bytes = 0;
    batchItems = 0;
    batchBytes = 0;
    if (carry != null) {
      add(carry);
      bytes = carry.sizeBytes();
      carry = null;
    }
    Chunk chunk;
    while ((chunk = buffer.poll()) != null) {
      if (!batch.isEmpty() && bytes + chunk.sizeBytes() > maxBatchBytes) {
        carry = chunk;
        return;
      }
      add(chunk);
      bytes += chunk.sizeBytes();
    }
  }

  /** The journal's backlog, in the configured drain order. */
  private void fillFromJournal() {
    ChunkJournal.Batch read = cursor.read(MAX_JOURNAL_RECORDS, maxBatchBytes);
    if (read.isEmpty()) {
      return;
    }
    if (read.chunks().isEmpty()) {
      // Only damaged records: the journal counted and quarantined them.
      cursor.commit(read);
      return;
    }
    for (Chunk journaled : read.chunks()) {
      add(journaled);
    }
    batchFromJournal = true;
    journalBatch = read;
  }

  private void add(Chunk chunk) {
    batch.add(chunk);
    batchItems += chunk.itemCount();
    batchBytes += chunk.sizeBytes();
  }

  private void completeBatch() {
    if (batchFromJournal) {
      cursor.commit(journalBatch);
    } else {
      for (Chunk chunk : batch) {
        buffer.release(chunk);
      }
      completedChunks += batch.size();
    }
    clearBatch();
  }

  private void clearBatch() {
    batch.clear();
    batchItems = 0;
    batchBytes = 0;
    batchThrottled = false;
    batchFromJournal = false;
    journalBatch = null;
  }

  /**
   * After a failed attempt: a journal batch is left in the journal to be read again; a memory batch
   * moves to the journal, freeing memory for new data while the backend is away.
   */
  private void parkFailedBatch() {
    if (batchFromJournal) {
      cursor.rewind();
      clearBatch();
      return;
    }
    if (journal == null) {
      return; // memory-only: retry the same request
    }
    for (Chunk chunk : batch) {
      if (journal.append(chunk)) {
        stats.journaled(chunk.itemCount());
      } else {
        stats.droppedPending(DropReason.JOURNAL_FULL, chunk.itemCount());
      }
      buffer.release(chunk);
    }
    completedChunks += batch.size();
    clearBatch();
  }

  /**
   * Drops whatever is still held, counted as {@code shutdown}, and settles every flush. Called
   * once, on the dispatcher thread, after {@link Step#FINISHED}.
   */
  public long finish() {
    // Flushes still waiting now will not see their data delivered.
    settleFlushWaiters();
    for (FlushWaiter waiter : flushWaiters) {
      waiter.result.fail();
    }
    flushWaiters.clear();
    if (batchFromJournal) {
      cursor.rewind(); // still in the journal, still pending
      clearBatch();
    }
    long dropped = moveOrDropRemaining();
    // An export() that passed its shutdown check just before shutdown may still be offering.
    while (exportsInProgress.getAsBoolean()) {
      Thread.onSpinWait();
    }
    dropped += moveOrDropRemaining();
    for (FlushWaiter waiter : flushWaiters) {
      waiter.result.fail();
    }
    flushWaiters.clear();
    syncJournalDrops();
    if (journal != null) {
      journal.close();
    }
    return dropped;
  }

  /**
   * Moves what memory still holds to the journal, so a clean stop loses nothing; without a journal
   * (or when it is full) drops it, counted as {@code shutdown}. Returns the items dropped.
   */
  private long moveOrDropRemaining() {
    if (carry != null) {
      add(carry);
      carry = null;
    }
    Chunk chunk;
    while ((chunk = buffer.poll()) != null) {
      add(chunk);
    }
    long droppedItems = 0;
    for (Chunk held : batch) {
      if (journal != null && journal.append(held)) {
        stats.journaled(held.itemCount());
      } else {
        stats.droppedPending(DropReason.SHUTDOWN, held.itemCount());
        droppedItems += held.itemCount();
      }
      buffer.release(held);
    }
    completedChunks += batch.size();
    clearBatch();
    return droppedItems;
  }

  private void settleFlushWaiters() {
    if (flushWaiters.isEmpty()) {
      return;
    }
    long completed = completedChunks + evictedChunks.get();
    long now = clock.nanoTime();
    for (Iterator<FlushWaiter> it = flushWaiters.iterator(); it.hasNext(); ) {
      FlushWaiter waiter = it.next();
      if (completed >= waiter.targetChunks) {
        waiter.result.succeed();
        it.remove();
      } else if (now - waiter.deadlineNanos >= 0) {
        waiter.result.fail();
        it.remove();
      }
    }
  }

  private static final class FlushWaiter {
    final long targetChunks;
    final long deadlineNanos;
    final CompletableResultCode result = new CompletableResultCode();

    FlushWaiter(long targetChunks, long deadlineNanos) {
      this.targetChunks = targetChunks;
      this.deadlineNanos = deadlineNanos;
    }
  }
}
