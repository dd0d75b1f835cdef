package dev.levee.exporter.internal.dispatch;

import io.opentelemetry.sdk.common.CompletableResultCode;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts memory chunks in and done with, and completes each flush once everything accepted before
 * it is done with (delivered, dropped, or moved to the journal), or fails it at its deadline.
 *
 * <p>{@link #accepted}, {@link #evicted} and {@link #flush} are called on any thread; the rest on
 * the dispatcher thread.
 */
final class FlushTracker {
  private final AtomicLong acceptedChunks = new AtomicLong();
  /** Memory chunks done with; written by the dispatcher thread only. */
  private volatile long completedChunks;
  /** Chunks a producer evicted from memory (drop_oldest); they are done with too. */
  private final AtomicLong evictedChunks = new AtomicLong();
  private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();

  private record Waiter(long targetChunks, long deadlineNanos, CompletableResultCode result) {}

  void accepted() {
    acceptedChunks.incrementAndGet();
  }

  void evicted() {
    evictedChunks.incrementAndGet();
  }

  /** Dispatcher thread: {@code chunks} more memory chunks are done with. */
  void completed(int chunks) {
    completedChunks += chunks;
  }

  CompletableResultCode flush(long nowNanos, long timeoutNanos) {
    long target = acceptedChunks.get();
    if (completedChunks + evictedChunks.get() >= target) {
      return CompletableResultCode.ofSuccess();
    }
    Waiter waiter = new Waiter(target, nowNanos + timeoutNanos, new CompletableResultCode());
    waiters.add(waiter);
    return waiter.result();
  }

  /** Whether a flush is waiting (a lingering request then goes at once). */
  boolean waiting() {
    return !waiters.isEmpty();
  }

  /** Completes the flushes whose chunks are done with; fails those past their deadline. */
  void settle(long nowNanos) {
    if (waiters.isEmpty()) {
      return;
    }
    long completed = completedChunks + evictedChunks.get();
    for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
      Waiter waiter = it.next();
      if (completed >= waiter.targetChunks()) {
        waiter.result().succeed();
        it.remove();
      } else if (nowNanos - waiter.deadlineNanos() >= 0) {
        waiter.result().fail();
        it.remove();
      }
    }
  }

  /** At the end: every flush still waiting fails. */
  void failAll() {
    Waiter waiter;
    while ((waiter = waiters.poll()) != null) {
      waiter.result().fail();
    }
  }
}
