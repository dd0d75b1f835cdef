package dev.levee.exporter.internal.dispatch;

import dev.levee.exporter.internal.flow.Adaptive;
import dev.levee.exporter.internal.flow.Backoff;
import dev.levee.exporter.internal.flow.RateLimiter;
import dev.levee.exporter.internal.flow.Sleeper;
import dev.levee.exporter.internal.management.PipelineStats;
import dev.levee.exporter.internal.management.ThrottledLogger;
import dev.levee.exporter.internal.transport.Endpoints;
import dev.levee.exporter.internal.transport.SendOutcome;
import dev.levee.buffer.Chunk;
import dev.levee.buffer.ChunkBuffer;
import dev.levee.buffer.ChunkJournal;
import dev.levee.buffer.Signal;
import dev.levee.exporter.DropReason;
import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.common.CompletableResultCode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Drains one signal's memory tier and journal and delivers them: merges chunks into requests up to
 * the adaptive size, keeps up to the adaptive number of requests in flight, and settles each
 * request's items as delivered, dropped or kept for a retry.
 *
 * <p>Threading: {@link #step} runs on one dispatcher thread only (or a test's thread); requests
 * complete on the sender's threads, which only call {@code wake}. {@link #accepted}, {@link
 * #evicted}, {@link #flush} and {@link #stop} may be called from any thread.
 *
 * <p>Order: with one request in flight, order is kept (a failed request is retried before anything
 * newer is sent). With several in flight, requests may complete out of order; a failed memory
 * request is still retried before new data. Journal requests may be in flight several at a time
 * too: the cursor records out-of-order commits, and a failed one rewinds the cursor only once the
 * others have settled, so that none is read again while it may still succeed.
 *
 * <p>Internal, may change.
 */
public final class Dispatcher {
  private static final Logger logger = Logger.getLogger(Dispatcher.class.getName());

  /** What one {@link #step} did. */
  public enum Step {
    /** It sent, settled or waited. */
    WORKED,
    /** Nothing to do until new data, a completion or a timer: the owner may park. */
    IDLE,
    /** Stopped: nothing left, or the stop deadline passed. Call {@link #finish}. */
    FINISHED
  }

  /** The longest wait a server's RetryInfo can impose: a typo there must not stall delivery. */
  static final long MAX_SERVER_RETRY_DELAY_NANOS = TimeUnit.MINUTES.toNanos(5);
  /** How long past an open breaker's wait the dispatcher looks again. */
  static final long MIN_OPEN_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  /** How many journal records one request may merge. */
  static final int MAX_JOURNAL_RECORDS = 10_000;
  /** The cursor the dispatcher delivers from. */
  static final String DELIVERY_CURSOR = "delivery";

  private final Signal signal;
  private final ChunkBuffer buffer;
  /** The priority lane (overflow.policy=priority), sent before anything else; or null. */
  private final ChunkBuffer priorityBuffer;
  private final Endpoints endpoints;
  private final RateLimiter limiter;
  private final PipelineStats stats;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Backoff backoff;
  private final Adaptive adaptive;
  private final long lingerNanos;
  /** How long a memory request is retried without a journal; 0: for as long as it takes. */
  private long retryMaxElapsedNanos;
  private final long timeoutNanos;
  private final ThrottledLogger throttled;
  private final BooleanSupplier exportsInProgress;
  private final Runnable wake;

  private final AtomicLong acceptedChunks = new AtomicLong();
  /** Memory chunks done with (delivered, dropped or moved to the journal); dispatcher thread. */
  private volatile long completedChunks;
  /** Chunks a producer evicted from memory (drop_oldest); they are done with too. */
  private final AtomicLong evictedChunks = new AtomicLong();
  private final ConcurrentLinkedQueue<FlushWaiter> flushWaiters = new ConcurrentLinkedQueue<>();

  private volatile boolean stopping;
  private volatile long stopDeadlineNanos;
  private boolean retriedSinceStop;

  /** Requests sent and not yet settled, oldest first. */
  private final List<Request> inFlight = new ArrayList<>();
  /** Memory requests that failed without a journal to park them in: sent again first. */
  private final ArrayDeque<Request> retries = new ArrayDeque<>();
  /** Chunks taken from memory for the next request, still filling (linger). */
  private final List<Chunk> filling = new ArrayList<>();
  private long fillingBytes;
  /** A chunk taken from memory that did not fit the last request. */
  private Chunk carry;
  /** A request built and held back (rate limit, breaker, backoff): the next one to go. */
  private Request ready;
  /** Nothing is sent before this time (backoff after a retryable failure). */
  private long notBeforeNanos = Long.MIN_VALUE;
  private boolean backingOff;

  private ChunkJournal journal;
  private ChunkJournal.Cursor cursor;
  /** Journal requests in flight. */
  private int journalInFlight;
  /** A journal request failed: the cursor rewinds once no journal request is in flight. */
  private boolean journalRewindDue;
  /** Whether the journal's backlog has the next turn when memory holds live data too. */
  private boolean journalTurn;
  private long journalDropsSeen;
  private long journalExpiredSeen;

  public Dispatcher(
      Signal signal,
      ChunkBuffer buffer,
      ChunkBuffer priorityBuffer,
      Endpoints endpoints,
      RateLimiter limiter,
      PipelineStats stats,
      Clock clock,
      Sleeper sleeper,
      Backoff backoff,
      Adaptive adaptive,
      long lingerNanos,
      long timeoutNanos,
      BooleanSupplier exportsInProgress,
      Runnable wake) {
    this.signal = signal;
    this.buffer = buffer;
    this.priorityBuffer = priorityBuffer;
    this.endpoints = endpoints;
    this.limiter = limiter;
    this.stats = stats;
    this.clock = clock;
    this.sleeper = sleeper;
    this.backoff = backoff;
    this.adaptive = adaptive;
    this.lingerNanos = lingerNanos;
    this.timeoutNanos = timeoutNanos;
    this.exportsInProgress = exportsInProgress;
    this.wake = wake;
    this.throttled = new ThrottledLogger(logger, clock, ThrottledLogger.DEFAULT_INTERVAL_NANOS);
  }

  /** One request: its chunks, where they came from, and its outcome once it has one. */
  private static final class Request {
    final List<Chunk> chunks;
    final long items;
    final long bytes;
    /** Non-null when the chunks were read from the journal. */
    final ChunkJournal.Batch journalBatch;
    /** The memory lane the chunks were taken from (their bytes go back to it); null: journal. */
    ChunkBuffer lane;
    CompletableFuture<SendOutcome> result;
    long startedNanos;
    boolean throttleCounted;
    Endpoints.Endpoint endpoint;
    /** When it was first sent; for the retry limit. */
    long firstSentNanos = Long.MIN_VALUE;

    Request(List<Chunk> chunks, ChunkJournal.Batch journalBatch) {
      this.chunks = chunks;
      this.journalBatch = journalBatch;
      long i = 0;
      long b = 0;
      for (Chunk chunk : chunks) {
        i += chunk.itemCount();
        b += chunk.sizeBytes();
      }
      this.items = i;
      this.bytes = b;
    }

    boolean fromJournal() {
      return journalBatch != null;
    }
  }

  /** Records that one more chunk entered the memory tier. Call after a successful offer. */
  public void accepted() {
    acceptedChunks.incrementAndGet();
  }

  /** Records that a producer took a chunk out of memory and dropped it. */
  public void evicted() {
    evictedChunks.incrementAndGet();
  }

  /**
   * Completes once every chunk accepted before this call has been delivered, dropped or moved to
   * the journal, or fails when {@code timeoutNanos} passes first.
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
   * Without a journal, a request still failing this long after it was first sent is dropped,
   * counted as {@code retries_exhausted}, freeing memory for newer data. 0 (the default): retried
   * for as long as it takes. With a journal, failed requests wait there instead.
   */
  public void setRetryMaxElapsed(long nanos) {
    this.retryMaxElapsedNanos = nanos;
  }

  /** The current request size target and concurrency limit, for stats. */
  public Adaptive adaptive() {
    return adaptive;
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
    ChunkJournal.Stats journalStats = journal.stats();
    journalDropsSeen = journalStats.droppedJournalFull();
    journalExpiredSeen = journalStats.droppedExpired();
    stats.recovered(items);
    this.cursor = delivery;
    this.journal = journal;
    return items;
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
    boolean worked = settleCompleted();
    if (stopping && clock.nanoTime() - stopDeadlineNanos >= 0) {
      return Step.FINISHED;
    }
    worked |= sendWhatItCan();
    worked |= settleCompleted(); // requests that completed at once
    settleFlushWaiters();
    if (inFlight.isEmpty()) {
      // A request failed and nothing else is in flight: wait out the backoff here, so the next
      // step can send. New data or shutdown wakes the wait early.
      long wait = backoffRemaining(clock.nanoTime());
      if (wait > 0) {
        sleeper.sleep(wait);
        worked = true;
      }
    }
    if (stopping && nothingLeft() && !exportsInProgress.getAsBoolean()) {
      return Step.FINISHED;
    }
    return worked ? Step.WORKED : Step.IDLE;
  }

  private boolean nothingLeft() {
    return inFlight.isEmpty()
        && retries.isEmpty()
        && ready == null
        && filling.isEmpty()
        && carry == null
        && buffer.isEmpty()
        && (priorityBuffer == null || priorityBuffer.isEmpty());
  }

  private volatile boolean paused;

  /**
   * Stops (or restarts) sending: while paused nothing is sent, and what arrives waits in memory and
   * spills as the overflow policy says. Shutdown still delivers. Any thread.
   */
  public void setPaused(boolean paused) {
    this.paused = paused;
    wake.run();
  }

  public boolean isPaused() {
    return paused;
  }

  /** Sends while the concurrency limit, the backoff, the rate limit and the breaker allow. */
  private boolean sendWhatItCan() {
    boolean worked = false;
    if (paused && !stopping) {
      return false;
    }
    while (inFlight.size() < adaptive.concurrency()) {
      if (ready == null) {
        ready = nextRequest();
        if (ready == null) {
          return worked;
        }
      }
      long now = clock.nanoTime();
      long backoffWait = backoffRemaining(now);
      if (backoffWait > 0) {
        return waitIfIdle(backoffWait) || worked;
      }
      if (stopping) {
        // At shutdown neither the rate limit nor the breaker is asked, and the first attempt
        // after the stop does not wait out a backoff: one prompt attempt beats waiting, and what
        // is not delivered by the deadline goes to the journal.
        if (backingOff) {
          retriedSinceStop = true;
        }
      } else {
        long throttle = limiter.nanosUntilSend();
        if (throttle > 0) {
          if (!ready.throttleCounted) {
            ready.throttleCounted = true;
            stats.throttled(ready.items);
          }
          return waitIfIdle(throttle) || worked;
        }
        ready.endpoint = endpoints.acquire();
        if (ready.endpoint == null) {
          // Every breaker is open.
          parkRequest(ready); // to the journal (or kept in memory without one)
          ready = null;
          return waitIfIdle(endpoints.remainingOpenNanos() + MIN_OPEN_POLL_NANOS) || worked;
        }
      }
      if (ready.endpoint == null) {
        ready.endpoint = endpoints.first();
      }
      backingOff = false;
      send(ready);
      ready = null;
      worked = true;
    }
    return worked;
  }

  /**
   * What is left of the backoff after a retryable failure. At shutdown the first attempt goes at
   * once, and later ones wait at most until the stop deadline.
   */
  private long backoffRemaining(long now) {
    if (!backingOff) {
      return 0;
    }
    long until = notBeforeNanos;
    if (stopping) {
      if (!retriedSinceStop) {
        return 0;
      }
      until = Math.min(until, stopDeadlineNanos);
    }
    return Math.max(0, until - now);
  }

  /**
   * Sleeps for {@code nanos} when no request is in flight (new data or shutdown wakes it early);
   * with requests in flight returns at once, so their completions are settled without delay.
   */
  private boolean waitIfIdle(long nanos) {
    if (!inFlight.isEmpty() || nanos <= 0) {
      timerNanos = nanos > 0 ? Math.min(timerNanos, nanos) : timerNanos;
      return false;
    }
    sleeper.sleep(nanos);
    return true;
  }

  private void send(Request request) {
    long timeout = timeoutNanos;
    if (stopping) {
      timeout = Math.max(1, Math.min(timeout, stopDeadlineNanos - clock.nanoTime()));
    }
    limiter.sent(request.items, request.bytes);
    request.startedNanos = clock.nanoTime();
    if (request.firstSentNanos == Long.MIN_VALUE) {
      request.firstSentNanos = request.startedNanos;
    }
    CompletableFuture<SendOutcome> result;
    try {
      result = request.endpoint.sender().sendAsync(request.chunks, timeout);
    } catch (RuntimeException e) {
      result = CompletableFuture.completedFuture(SendOutcome.retryable("UNKNOWN", String.valueOf(e)));
    }
    request.result = result;
    inFlight.add(request);
    if (request.fromJournal()) {
      journalInFlight++;
    }
    result.whenComplete((outcome, failure) -> wake.run());
  }

  /** Settles every request that has completed. */
  private boolean settleCompleted() {
    boolean worked = false;
    for (Iterator<Request> it = inFlight.iterator(); it.hasNext(); ) {
      Request request = it.next();
      if (!request.result.isDone()) {
        continue;
      }
      it.remove();
      if (request.fromJournal()) {
        journalInFlight--;
      }
      SendOutcome outcome;
      try {
        outcome = request.result.getNow(null);
      } catch (RuntimeException e) {
        outcome = SendOutcome.retryable("UNKNOWN", String.valueOf(e));
      }
      if (outcome == null) {
        outcome = SendOutcome.retryable("UNKNOWN", "no outcome");
      }
      settle(request, outcome, clock.nanoTime() - request.startedNanos);
      worked = true;
    }
    return worked;
  }

  /** Told of every request's outcome and duration (self-metrics); called on the dispatcher thread. */
  public interface RequestObserver {
    void onRequest(long durationNanos, String status, boolean failed);
  }

  private volatile RequestObserver requestObserver;

  public void setRequestObserver(RequestObserver observer) {
    this.requestObserver = observer;
  }

  private void settle(Request request, SendOutcome outcome, long took) {
    RequestObserver observer = requestObserver;
    if (observer != null) {
      try {
        observer.onRequest(took, outcome.status(), outcome.kind() != SendOutcome.Kind.SUCCESS);
      } catch (RuntimeException e) {
        // self-metrics must never disturb delivery
      }
    }
    switch (outcome.kind()) {
      case SUCCESS -> {
        request.endpoint.breaker().onAnswer(took);
        adaptive.onAnswer(took, request.bytes);
        onSuccess(request, outcome);
      }
      case PERMANENT -> {
        request.endpoint.breaker().onAnswer(took); // it answered: it is the data that was refused
        onPermanentFailure(request, outcome);
      }
      case RETRYABLE -> {
        request.endpoint.breaker().onFailure(took, outcome.status());
        adaptive.onFailure();
        onRetryableFailure(request, outcome);
      }
    }
  }

  private void onSuccess(Request request, SendOutcome outcome) {
    backoff.reset();
    long rejected = Math.min(Math.max(outcome.rejectedItems(), 0), request.items);
    stats.deliveredPending(request.items - rejected);
    if (rejected > 0) {
      stats.droppedPending(DropReason.REJECTED, rejected);
      throttled.log(
          Level.WARNING,
          "partial",
          () ->
              "Backend at "
                  + request.endpoint.target()
                  + " rejected "
                  + rejected
                  + " of "
                  + request.items
                  + " "
                  + signal.itemNoun()
                  + " (partial success: "
                  + outcome.message()
                  + "); they are dropped and counted as rejected. Check the data the backend refuses.");
    }
    complete(request);
  }

  private void onPermanentFailure(Request request, SendOutcome outcome) {
    backoff.reset();
    long items = request.items;
    stats.droppedPending(DropReason.REJECTED, items);
    throttled.log(
        Level.WARNING,
        "permanent-" + outcome.status(),
        () ->
            "Backend at "
                + request.endpoint.target()
                + " refused "
                + items
                + " "
                + signal.itemNoun()
                + " with "
                + outcome.status()
                + (outcome.message().isEmpty() ? "" : ": " + outcome.message())
                + "; a retry cannot succeed, so they are dropped and counted as rejected."
                + " Check the endpoint, headers and credentials.");
    complete(request);
  }

  private void onRetryableFailure(Request request, SendOutcome outcome) {
    stats.retried();
    long backoffDelay = backoff.nextDelayNanos();
    // The server's RetryInfo wins over Levee's own backoff, within a sanity bound.
    long delay =
        outcome.retryAfterNanos() >= 0
            ? Math.min(outcome.retryAfterNanos(), MAX_SERVER_RETRY_DELAY_NANOS)
            : backoffDelay;
    long until = clock.nanoTime() + delay;
    notBeforeNanos = backingOff ? Math.max(notBeforeNanos, until) : until;
    backingOff = true;
    throttled.log(
        Level.WARNING,
        "retryable",
        () ->
            "Backend unavailable at "
                + request.endpoint.target()
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
    parkRequest(request);
  }

  private static String mebibytes(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
  }

  /**
   * A request that cannot go now: a journal request is left in the journal to be read again; a
   * memory request moves to the journal, freeing memory for new data while the backend is away;
   * without a journal it is kept, to be sent again before anything newer.
   */
  private void parkRequest(Request request) {
    if (request.fromJournal()) {
      journalRewindDue = true;
      rewindJournalIfDue();
      return;
    }
    if (journal == null) {
      if (retryMaxElapsedNanos > 0
          && request.firstSentNanos != Long.MIN_VALUE
          && clock.nanoTime() - request.firstSentNanos >= retryMaxElapsedNanos) {
        stats.droppedPending(DropReason.RETRIES_EXHAUSTED, request.items);
        complete(request); // its memory is freed; it counts as done with for flush
        throttled.log(
            Level.WARNING,
            "retries-exhausted",
            () ->
                "Levee gave up on "
                    + request.items
                    + " "
                    + signal.itemNoun()
                    + " after retrying for "
                    + retryMaxElapsedNanos / 1_000_000
                    + " ms (retry.max.elapsed, no journal); they are counted as retries_exhausted.");
        return;
      }
      retries.addLast(request);
      return;
    }
    for (Chunk chunk : request.chunks) {
      if (journal.append(chunk)) {
        stats.journaled(chunk.itemCount());
      } else {
        stats.droppedPending(DropReason.JOURNAL_FULL, chunk.itemCount());
      }
      request.lane.release(chunk);
    }
    completedChunks += request.chunks.size();
  }

  private void complete(Request request) {
    if (request.fromJournal()) {
      cursor.commit(request.journalBatch);
      return;
    }
    for (Chunk chunk : request.chunks) {
      request.lane.release(chunk);
    }
    completedChunks += request.chunks.size();
  }

  /**
   * The next request: a failed memory request first; then, with a backlog in the journal and live
   * data in memory, the two take turns, so the backlog drains while live data keeps flowing and
   * stays fresh. Returns null when there is nothing to send yet (or the batch is lingering).
   */
  private Request nextRequest() {
    if (!retries.isEmpty()) {
      return retries.pollFirst();
    }
    Request urgent = takePriority();
    if (urgent != null) {
      return urgent;
    }
    // While every breaker is open the backlog stays where it is (reading it only to put it back
    // would be wasted work); live data is still taken, to be parked in the journal.
    rewindJournalIfDue();
    boolean journalReadable =
        cursor != null && !stopping && !journalRewindDue && !endpoints.allOpen();
    if (journalReadable && journalTurn) {
      Request fromJournal = readJournal();
      if (fromJournal != null) {
        journalTurn = false;
        return fromJournal;
      }
    }
    Request fromMemory = takeMemory();
    if (fromMemory != null) {
      journalTurn = true;
      return fromMemory;
    }
    if (journalReadable && filling.isEmpty()) {
      journalTurn = false;
      return readJournal();
    }
    return null;
  }

  /** A request from the priority lane, at once (no linger), up to the adaptive size. */
  private Request takePriority() {
    if (priorityBuffer == null) {
      return null;
    }
    List<Chunk> chunks = new ArrayList<>();
    long bytes = 0;
    long target = adaptive.batchBytes();
    Chunk chunk;
    while (bytes < target && (chunk = priorityBuffer.poll()) != null) {
      chunks.add(chunk);
      bytes += chunk.sizeBytes();
    }
    if (chunks.isEmpty()) {
      return null;
    }
    Request request = new Request(chunks, null);
    request.lane = priorityBuffer;
    return request;
  }

  /**
   * Fills a request from memory up to the adaptive size. A request smaller than that waits while
   * its oldest chunk is younger than the linger time, unless a flush or shutdown is waiting.
   */
  private Request takeMemory() {
    long target = adaptive.batchBytes();
    if (carry != null) {
      if (!filling.isEmpty() && fillingBytes + carry.sizeBytes() > target) {
        return cut();
      }
      addToFilling(carry);
      carry = null;
    }
    Chunk chunk;
    while (fillingBytes < target && (chunk = buffer.poll()) != null) {
      if (!filling.isEmpty() && fillingBytes + chunk.sizeBytes() > target) {
        carry = chunk;
        return cut();
      }
      addToFilling(chunk);
    }
    if (filling.isEmpty()) {
      return null;
    }
    boolean full = fillingBytes >= target || carry != null;
    if (!full && lingerNanos > 0 && !stopping && flushWaiters.isEmpty()) {
      long age = clock.now() - filling.get(0).acceptedAtEpochNanos();
      if (age < lingerNanos) {
        return null; // lingering: more may come to fill the request
      }
    }
    return cut();
  }

  private void addToFilling(Chunk chunk) {
    filling.add(chunk);
    fillingBytes += chunk.sizeBytes();
  }

  private Request cut() {
    Request request = new Request(new ArrayList<>(filling), null);
    request.lane = buffer;
    filling.clear();
    fillingBytes = 0;
    return request;
  }

  /**
   * After a failed journal request, makes what was read and not committed readable again, once no
   * other journal request is in flight (those that succeed meanwhile are committed, and not sent
   * twice).
   */
  private void rewindJournalIfDue() {
    if (journalRewindDue && journalInFlight == 0) {
      journalRewindDue = false;
      cursor.rewind();
    }
  }

  /** The journal's backlog, in the configured drain order. */
  private Request readJournal() {
    ChunkJournal.Batch read = cursor.read(MAX_JOURNAL_RECORDS, adaptive.batchBytes());
    if (read.isEmpty()) {
      return null;
    }
    if (read.chunks().isEmpty()) {
      // Only damaged records: the journal counted and quarantined them.
      cursor.commit(read);
      return null;
    }
    return new Request(read.chunks(), read);
  }

  /** The shortest timer the last step left pending (a backoff, rate limit or open breaker). */
  private long timerNanos = Long.MAX_VALUE;

  /**
   * How long the owner may park after an {@link Step#IDLE} step, at most {@code max}: until a
   * lingering request is due or a timer runs out. New data and completions wake it earlier.
   */
  public long idleParkNanos(long max) {
    long park = Math.min(max, timerNanos);
    timerNanos = Long.MAX_VALUE;
    if (!filling.isEmpty() && lingerNanos > 0) {
      long due = lingerNanos - (clock.now() - filling.get(0).acceptedAtEpochNanos());
      park = Math.min(park, Math.max(1, due));
    }
    return Math.max(1, park);
  }

  /**
   * Settles what completed, then moves what is still held to the journal (or drops it, counted
   * as {@code shutdown}) and settles every flush. Called once, on the dispatcher thread, after
   * {@link Step#FINISHED}.
   *
   * @return the items dropped
   */
  public long finish() {
    settleCompleted();
    settleFlushWaiters();
    for (FlushWaiter waiter : flushWaiters) {
      waiter.result.fail();
    }
    flushWaiters.clear();
    // Requests still in flight are given up: the backend may have them, but Levee cannot know.
    List<Request> unfinished = new ArrayList<>(inFlight);
    inFlight.clear();
    journalInFlight = 0;
    journalRewindDue = false;
    for (Request request : unfinished) {
      request.result.cancel(false);
    }
    long dropped = 0;
    for (Request request : unfinished) {
      dropped += keepOrDrop(request);
    }
    if (ready != null) {
      dropped += keepOrDrop(ready);
      ready = null;
    }
    while (!retries.isEmpty()) {
      dropped += keepOrDrop(retries.pollFirst());
    }
    dropped += moveOrDropRemaining();
    awaitExportsInProgress();
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

  /** How long {@link #finish} waits for exports in progress at most. */
  static final long EXPORT_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

  private static final long EXPORT_POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(100);

  /** At the end: a journal request stays in the journal; a memory one moves there or is dropped. */
  private long keepOrDrop(Request request) {
    if (request.fromJournal()) {
      cursor.rewind(); // still in the journal, still pending
      return 0;
    }
    return moveOrDrop(request.chunks, request.lane);
  }

  /**
   * Moves what memory still holds to the journal, so a clean stop loses nothing; without a journal
   * (or when it is full) drops it, counted as {@code shutdown}. Returns the items dropped.
   */
  private long moveOrDropRemaining() {
    List<Chunk> held = new ArrayList<>(filling);
    filling.clear();
    fillingBytes = 0;
    if (carry != null) {
      held.add(carry);
      carry = null;
    }
    Chunk chunk;
    while ((chunk = buffer.poll()) != null) {
      held.add(chunk);
    }
    long dropped = moveOrDrop(held, buffer);
    if (priorityBuffer != null) {
      List<Chunk> urgent = new ArrayList<>();
      while ((chunk = priorityBuffer.poll()) != null) {
        urgent.add(chunk);
      }
      dropped += moveOrDrop(urgent, priorityBuffer);
    }
    return dropped;
  }

  private long moveOrDrop(List<Chunk> chunks, ChunkBuffer lane) {
    long droppedItems = 0;
    for (Chunk held : chunks) {
      if (journal != null && journal.append(held)) {
        stats.journaled(held.itemCount());
      } else {
        stats.droppedPending(DropReason.SHUTDOWN, held.itemCount());
        droppedItems += held.itemCount();
      }
      lane.release(held);
    }
    completedChunks += chunks.size();
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
