package dev.levee.exporter.internal.dispatch;

import dev.levee.buffer.Chunk;
import dev.levee.buffer.ChunkBuffer;
import dev.levee.buffer.ChunkJournal;
import dev.levee.buffer.Signal;
import dev.levee.exporter.internal.flow.Adaptive;
import dev.levee.exporter.internal.flow.Backoff;
import dev.levee.exporter.internal.flow.RateLimiter;
import dev.levee.exporter.internal.flow.Sleeper;
import dev.levee.exporter.internal.management.PipelineStats;
import dev.levee.exporter.internal.management.ThrottledLogger;
import dev.levee.exporter.internal.transport.Endpoints;
import dev.levee.exporter.internal.transport.SendOutcome;
import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.common.CompletableResultCode;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * Drains one signal's memory tier and journal and delivers them: takes requests from the {@link
 * RequestSource}, sends them through the {@link Outbox} (up to the adaptive number in flight, while
 * the backoff, the rate limit and the breakers allow), and hands each outcome to the {@link
 * Settlement}.
 *
 * <p>Threading: {@link #step} and {@link #finish} run on one dispatcher thread only (or a test's
 * thread); requests complete on the sender's threads, which only call {@code wake}. {@link
 * #accepted}, {@link #evicted}, {@link #flush}, {@link #stop} and {@link #setPaused} may be called
 * from any thread.
 *
 * <p>Order: with one request in flight ({@code max.concurrency=1}) order is kept (a failed request
 * goes again before anything newer). With several, a failed request waits for its own delay while
 * the others go on (see {@link Pacing} and {@link RequestSource}); journal requests too, the cursor
 * recording out-of-order commits and rewinding after a failure once the others have settled.
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

  private final Endpoints endpoints;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Adaptive adaptive;
  private final BooleanSupplier exportsInProgress;
  private final Runnable wake;
  private final FlushTracker flush = new FlushTracker();
  private final JournalFeed journal;
  private final RequestSource source;
  private final Settlement settlement;
  private final Leftovers leftovers;

  private volatile boolean stopping;
  private volatile long stopDeadlineNanos;
  private volatile boolean paused;
  private volatile Runnable journalWanted = () -> {};
  /** The dispatcher thread has seen the stop (and begun shutdown's drain). */
  private boolean stopSeen;

  private final InFlight inFlight;
  private final Outbox outbox;

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
    this.endpoints = endpoints;
    this.clock = clock;
    this.sleeper = sleeper;
    this.adaptive = adaptive;
    this.exportsInProgress = exportsInProgress;
    this.wake = wake;
    this.journal = new JournalFeed(stats, clock);
    this.inFlight = new InFlight(limiter, journal, clock, wake);
    this.source =
        new RequestSource(
            buffer, priorityBuffer, adaptive, journal, endpoints, flush, clock, lingerNanos);
    this.settlement =
        new Settlement(
            signal,
            buffer,
            stats,
            adaptive,
            backoff,
            clock,
            journal,
            source,
            flush,
            new ThrottledLogger(logger, clock, ThrottledLogger.DEFAULT_INTERVAL_NANOS));
    this.leftovers =
        new Leftovers(
            signal,
            buffer,
            priorityBuffer,
            stats,
            journal,
            source,
            flush,
            clock,
            sleeper,
            exportsInProgress);
    this.outbox =
        new Outbox(
            source,
            inFlight,
            settlement,
            endpoints,
            limiter,
            adaptive,
            stats,
            clock,
            sleeper,
            timeoutNanos,
            () -> journalWanted.run());
  }

  /** One more chunk entered memory (after a successful offer); the first sets the connection up. */
  public void accepted() {
    flush.accepted();
    endpoints.prepare();
  }

  /** Records that a producer took a chunk out of memory and dropped it. */
  public void evicted() {
    flush.evicted();
  }

  /** Completes once every chunk accepted before is delivered, dropped or journaled; or times out. */
  public CompletableResultCode flush(long timeoutNanos) {
    return flush.flush(clock.nanoTime(), timeoutNanos);
  }

  /** Delivers what it holds, then finishes, giving up at {@code timeoutNanos}; then wake it. */
  public void stop(long timeoutNanos) {
    stopDeadlineNanos = clock.nanoTime() + timeoutNanos;
    stopping = true;
  }

  /** Stops (or restarts) sending: data waits in memory and spills; shutdown still delivers. */
  public void setPaused(boolean paused) {
    this.paused = paused;
    wake.run();
  }

  public boolean isPaused() {
    return paused;
  }

  /**
   * Run when a request gets no answer or every breaker is open (the journal may be needed); {@code
   * journalUsable}: whether this exporter has a journal that is not open yet but can be (so that
   * what is said of data kept in memory meanwhile is true).
   */
  public void setJournalWanted(Runnable wanted, BooleanSupplier journalUsable) {
    this.journalWanted = wanted;
    settlement.journalUsable(journalUsable);
  }

  /** Dispatcher thread, before {@link #finish}: see {@link Leftovers#spillWith}. */
  public void spillLeftoversWith(Predicate<Chunk> spill) {
    leftovers.spillWith(spill);
  }

  /** {@code retry.max.elapsed}: see {@link Settlement#setRetryMaxElapsed}. */
  public void setRetryMaxElapsed(long nanos) {
    settlement.setRetryMaxElapsed(nanos);
  }

  public void setRequestObserver(RequestObserver observer) {
    settlement.setRequestObserver(observer);
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
  public long attachJournal(ChunkJournal opened, ChunkJournal.ReadOrder order) {
    return journal.attach(opened, order);
  }

  /** Does one unit of work. See {@link Step}. */
  public Step step() {
    if (stopping && !stopSeen) {
      stopSeen = true;
      journal.drainAtStop();
      source.retryAllNow(clock.nanoTime()); // shutdown tries each waiting retry at once
    }
    flush.settle(clock.nanoTime());
    journal.syncDrops();
    boolean worked = settleCompleted();
    if (stopping && clock.nanoTime() - stopDeadlineNanos >= 0) {
      return Step.FINISHED;
    }
    worked |= sendWhatItCan();
    worked |= settleCompleted(); // requests that completed at once
    flush.settle(clock.nanoTime());
    if (inFlight.isEmpty()) {
      // A request failed and nothing else is in flight: wait out the backoff here, so the next
      // step can send. New data or shutdown wakes the wait early.
      long wait = backoffRemaining(clock.nanoTime());
      if (wait <= 0 && !worked) {
        // Only retries wait, each for its own delay: wait for the first to come due.
        wait = retryDueInNanos();
      }
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

  /** How long until a waiting retry (memory or journal) is due, within the stop; 0: none waits. */
  private long retryDueInNanos() {
    long due = source.retryDueInNanos();
    long untilStop = stopping ? Math.max(1, stopDeadlineNanos - clock.nanoTime()) : due;
    return due == Long.MAX_VALUE ? 0 : Math.min(due, untilStop);
  }

  /** Whether memory, a retry or a request still holds data (what {@link #finish} would settle). */
  public boolean holdsData() {
    return !inFlight.isEmpty() || outbox.holdsReady() || !source.isEmpty();
  }

  private boolean nothingLeft() {
    return inFlight.isEmpty() && !outbox.holdsReady() && source.isEmpty() && journal.doneAtStop();
  }

  /** Sends what it can through the outbox, unless paused (shutdown still delivers). */
  private boolean sendWhatItCan() {
    if (paused && !stopping) {
      outbox.holdAll();
      return false;
    }
    return outbox.send(stopping, stopDeadlineNanos);
  }

  private long backoffRemaining(long now) {
    return outbox.backoffRemaining(now, stopping, stopDeadlineNanos);
  }

  /** Settles every request that has completed. */
  private boolean settleCompleted() {
    boolean worked = false;
    for (Request request = inFlight.takeCompleted(); request != null; request = inFlight.takeCompleted()) {
      SendOutcome outcome = request.outcome();
      long retryDelay = settlement.settle(request, outcome, clock.nanoTime() - request.startedNanos);
      if (retryDelay >= 0) {
        if (!outcome.answered()) {
          // No answer: the backend may be gone, and data may have to wait long. A retryable
          // answer (a degraded or throttling backend) waits in memory for its retry; should such
          // failures go on, the breaker opening or memory a quarter full opens the journal.
          journalWanted.run();
        }
        outbox.failed(clock.nanoTime(), retryDelay);
        if (stopping && request.fromJournal() && !outcome.answered()) {
          journal.stopDraining(); // no answer: the backlog waits for a next run
        }
      } else if (outcome.kind() == SendOutcome.Kind.SUCCESS) {
        outbox.delivered();
      }
      worked = true;
    }
    return worked;
  }

  /**
   * Whether, after an {@link Step#IDLE} step, nothing waits here for time to pass: nothing in
   * flight, held, lingering or waiting to be retried, no flush waiting, no backoff or rate limit
   * timer, not stopping. Only new data, a completion, a flush or the stop has work for this
   * dispatcher then, and each wakes it: its owner may park long. Ask before {@link #idleParkNanos},
   * which forgets the step's timer.
   */
  public boolean quiet() {
    return !stopping
        && !holdsData()
        && !outbox.timerPending()
        && source.retryDueInNanos() == Long.MAX_VALUE
        && !flush.waiting();
  }

  /**
   * How long the owner may park after an {@link Step#IDLE} step, at most {@code max}: until a
   * timer runs out, or a lingering request or a retry comes due, unless the step was held back (a
   * full set in flight, a backoff, the rate limit, open breakers, paused: parking until a due time
   * that passed would spin, ~1,200 times a second in a degraded run). New data and completions
   * wake it earlier.
   */
  public long idleParkNanos(long max) {
    return outbox.parkNanos(max);
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
    List<Request> unfinished = inFlight.takeAll();
    return leftovers.finish(unfinished, outbox.takeReady());
  }
}
