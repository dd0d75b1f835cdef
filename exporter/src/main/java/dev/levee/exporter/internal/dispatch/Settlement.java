package dev.levee.exporter.internal.dispatch;

import dev.levee.buffer.Chunk;
import dev.levee.buffer.ChunkBuffer;
import dev.levee.buffer.Signal;
import dev.levee.exporter.DropReason;
import dev.levee.exporter.internal.flow.Adaptive;
import dev.levee.exporter.internal.flow.Backoff;
import dev.levee.exporter.internal.management.PipelineStats;
import dev.levee.exporter.internal.management.ThrottledLogger;
import dev.levee.exporter.internal.transport.SendOutcome;
import io.opentelemetry.sdk.common.Clock;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;

/**
 * Settles a request by its outcome: delivered (less what a partial success rejected), refused for
 * good (dropped, {@code rejected}), or to be retried after its own delay (the server's RetryInfo,
 * or the backoff): a journal request is read again from the journal; a memory request the backend
 * answered with an error waits in memory for its retry while some breaker is closed (without a
 * journal until {@code retry.max.elapsed}), and one that got no answer, or any once every breaker
 * is open, moves to the journal. Tells the breaker
 * (throttling and other answers apart from no answer), the adaptive size and the self-metrics.
 *
 * <p>Confined to the dispatcher thread.
 */
final class Settlement {
  /** The longest wait a server's RetryInfo can impose: a typo there must not stall delivery. */
  static final long MAX_SERVER_RETRY_DELAY_NANOS = TimeUnit.MINUTES.toNanos(5);

  private final Signal signal;
  private final ChunkBuffer buffer;
  private final PipelineStats stats;
  private final Adaptive adaptive;
  private final Backoff backoff;
  private final Clock clock;
  private final JournalFeed journal;
  private final RequestSource source;
  private final FlushTracker flush;
  private final ThrottledLogger throttled;
  /** How long a memory request is retried without a journal; 0: for as long as it takes. */
  private long retryMaxElapsedNanos;
  private volatile RequestObserver requestObserver;

  /** Whether a journal that is not open yet can be (see {@link Dispatcher#setJournalWanted}). */
  private volatile BooleanSupplier journalUsable = () -> false;

  void journalUsable(BooleanSupplier usable) {
    this.journalUsable = usable;
  }

  Settlement(
      Signal signal,
      ChunkBuffer buffer,
      PipelineStats stats,
      Adaptive adaptive,
      Backoff backoff,
      Clock clock,
      JournalFeed journal,
      RequestSource source,
      FlushTracker flush,
      ThrottledLogger throttled) {
    this.signal = signal;
    this.buffer = buffer;
    this.stats = stats;
    this.adaptive = adaptive;
    this.backoff = backoff;
    this.clock = clock;
    this.journal = journal;
    this.source = source;
    this.flush = flush;
    this.throttled = throttled;
  }

  /**
   * Without a journal, a request still failing this long after it was first sent is dropped,
   * counted as {@code retries_exhausted}, freeing memory for newer data. 0 (the default): retried
   * for as long as it takes. With a journal, failed requests wait there once every breaker is open.
   */
  void setRetryMaxElapsed(long nanos) {
    this.retryMaxElapsedNanos = nanos;
  }

  void setRequestObserver(RequestObserver observer) {
    this.requestObserver = observer;
  }

  /**
   * Settles a completed request that took {@code took}.
   *
   * @return after a retryable failure, how long nothing may be sent (the server's RetryInfo or
   *     the backoff); otherwise -1
   */
  long settle(Request request, SendOutcome outcome, long took) {
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
        // A request cut short only because the next chunk did not fit was as full as it could be.
        adaptive.onAnswer(took, request.full ? Math.max(request.bytes, adaptive.batchBytes()) : request.bytes);
        onSuccess(request, outcome);
        return -1;
      }
      case PERMANENT -> {
        request.endpoint.breaker().onAnswer(took); // it answered: it is the data that was refused
        onPermanentFailure(request, outcome);
        return -1;
      }
      default -> {
        if (outcome.throttled()) {
          // Throttling is back-pressure, not failure: the backend answered. Fewer requests in
          // flight and the server's delay slow Levee down; the breaker is not told of a failure.
          request.endpoint.breaker().onAnswer(took);
        } else if (outcome.answered()) {
          // The backend is there: this opens the breaker only when nearly everything fails.
          request.endpoint.breaker().onErrorAnswer(took, outcome.status());
        } else {
          request.endpoint.breaker().onFailure(took, outcome.status());
        }
        adaptive.onFailure();
        return onRetryableFailure(request, outcome);
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
                  + "); they are dropped and counted as rejected. Check the data the backend"
                  + " refuses.");
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

  private long onRetryableFailure(Request request, SendOutcome outcome) {
    stats.retried();
    long backoffDelay = backoff.nextDelayNanos();
    // The server's RetryInfo wins over Levee's own backoff, within a sanity bound.
    long delay =
        outcome.retryAfterNanos() >= 0
            ? Math.min(outcome.retryAfterNanos(), MAX_SERVER_RETRY_DELAY_NANOS)
            : backoffDelay;
    throttled.log(Level.WARNING, "retryable", () -> retryMessage(request, outcome, delay));
    retryLater(request, clock.nanoTime() + delay, outcome.answered());
    return delay;
  }

  /**
   * A failed request waits for its own retry while the rest goes on: a journal request is read
   * again after the delay. A memory request the backend answered with an error waits in memory
   * while some breaker is closed (the backend serves, so it will likely go through soon); one that
   * got no answer (the backend may be down), or any once every breaker is open, goes to the
   * journal, where a crash does not lose it.
   */
  private void retryLater(Request request, long dueNanos, boolean answered) {
    if (request.fromJournal()) {
      journal.failed(dueNanos);
      return;
    }
    if (journal.isOpen() && (!answered || source.everyBreakerOpen())) {
      park(request);
      return;
    }
    if (!journal.isOpen() && retriesExhausted(request)) {
      giveUp(request);
      return;
    }
    source.retryLater(request, dueNanos);
  }

  private String retryMessage(Request request, SendOutcome outcome, long delay) {
    return (outcome.answered() ? "Backend at " : "No answer from backend at ")
        + request.endpoint.target()
        + " ("
        + outcome.status()
        + (outcome.message().isEmpty() ? "" : ": " + outcome.message())
        + (outcome.retryAfterNanos() >= 0
            ? ", the server asked to wait " + outcome.retryAfterNanos() / 1_000_000 + " ms"
            : "")
        + "); retrying that request in "
        + delay / 1_000_000
        + " ms while others go on. "
        + (journal.isOpen()
            ? (outcome.answered()
                ? "It waits in memory; if the breaker opens, what waits goes to the journal."
                : "What fails goes to the journal, to be sent when the backend is back.")
            : "Keeping "
                + signal.itemNoun()
                + " in memory ("
                + mebibytes(buffer.usedBytes())
                + " of "
                + mebibytes(buffer.capacityBytes())
                + (!journalUsable.getAsBoolean()
                    ? "); when memory is full, new data is dropped."
                    : outcome.answered()
                        ? "); should failures go on or memory fill, the journal opens and takes what"
                            + " memory cannot."
                        : ") while the journal opens; then what fails goes there, to be sent when the"
                            + " backend is back."));
  }

  private static String mebibytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
  }

  /**
   * A request that cannot go now: a journal request is left in the journal to be read again; a
   * memory request moves to the journal, freeing memory for new data while the backend is away;
   * without a journal it is kept, to be sent again before anything newer.
   */
  void park(Request request) {
    if (request.fromJournal()) {
      journal.failed(clock.nanoTime());
      return;
    }
    if (!journal.isOpen()) {
      if (retriesExhausted(request)) {
        giveUp(request);
      } else {
        source.retryLater(request, clock.nanoTime());
      }
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
    flush.completed(request.chunks.size());
  }

  private boolean retriesExhausted(Request request) {
    return retryMaxElapsedNanos > 0
        && request.firstSentNanos != Long.MIN_VALUE
        && clock.nanoTime() - request.firstSentNanos >= retryMaxElapsedNanos;
  }

  private void giveUp(Request request) {
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
  }

  /** A request is done with: journal records committed, or memory released. */
  private void complete(Request request) {
    if (request.fromJournal()) {
      journal.commit(request);
      return;
    }
    for (Chunk chunk : request.chunks) {
      request.lane.release(chunk);
    }
    flush.completed(request.chunks.size());
  }
}
