package dev.levee.exporter.internal.dispatch;

import dev.levee.exporter.internal.flow.RateLimiter;
import dev.levee.exporter.internal.transport.SendOutcome;
import io.opentelemetry.sdk.common.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The requests a dispatcher has sent and not yet settled, oldest first. Sending one counts it
 * against the rate limit, stamps its times and tells the journal feed when it came from the
 * journal; a completed one is handed back, oldest first, to be settled.
 *
 * <p>Threading: the dispatcher thread only. A request completes on its sender's thread, which only
 * runs {@code wake}.
 */
final class InFlight {
  private final List<Request> requests = new ArrayList<>();
  private final RateLimiter limiter;
  private final JournalFeed journal;
  private final Clock clock;
  private final Runnable wake;

  InFlight(RateLimiter limiter, JournalFeed journal, Clock clock, Runnable wake) {
    this.limiter = limiter;
    this.journal = journal;
    this.clock = clock;
    this.wake = wake;
  }

  /** Sends {@code request} to its endpoint; a sender that throws gives a retryable outcome. */
  void send(Request request, long timeoutNanos) {
    limiter.sent(request.items, request.bytes);
    request.startedNanos = clock.nanoTime();
    if (request.firstSentNanos == Long.MIN_VALUE) {
      request.firstSentNanos = request.startedNanos;
    }
    CompletableFuture<SendOutcome> result;
    try {
      result = request.endpoint.sender().sendAsync(request.chunks, timeoutNanos);
    } catch (RuntimeException e) {
      result = CompletableFuture.completedFuture(SendOutcome.retryable("UNKNOWN", String.valueOf(e)));
    }
    request.result = result;
    requests.add(request);
    if (request.fromJournal()) {
      journal.sent();
    }
    result.whenComplete((outcome, failure) -> wake.run());
  }

  /** The oldest request that has completed, no longer in flight; null when none has. */
  Request takeCompleted() {
    for (Iterator<Request> it = requests.iterator(); it.hasNext(); ) {
      Request request = it.next();
      if (request.result.isDone()) {
        it.remove();
        if (request.fromJournal()) {
          journal.settled();
        }
        return request;
      }
    }
    return null;
  }

  /** Every request still in flight, oldest first, no longer counted here (at the finish). */
  List<Request> takeAll() {
    List<Request> all = new ArrayList<>(requests);
    requests.clear();
    return all;
  }

  boolean isEmpty() {
    return requests.isEmpty();
  }

  int size() {
    return requests.size();
  }
}
