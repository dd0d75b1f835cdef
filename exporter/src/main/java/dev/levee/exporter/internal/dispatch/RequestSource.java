package dev.levee.exporter.internal.dispatch;

import dev.levee.buffer.Chunk;
import dev.levee.buffer.ChunkBuffer;
import dev.levee.exporter.internal.flow.Adaptive;
import dev.levee.exporter.internal.transport.Endpoints;
import io.opentelemetry.sdk.common.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Where the next request comes from: a failed memory request whose retry is due first, then the
 * priority lane, then the journal's backlog and live data in memory taking turns, so the backlog
 * drains while live data keeps flowing and stays fresh. A retry waits for its own delay while the
 * rest goes on, unless order is kept ({@code max.concurrency=1}): then nothing newer goes before
 * it. Requests from memory are filled up to the adaptive size, and a smaller one lingers while its
 * oldest chunk is younger than {@code batch.linger} (stretched while the backend fails or
 * throttles, see {@link Adaptive}).
 *
 * <p>Confined to the dispatcher thread.
 */
final class RequestSource {
  private final ChunkBuffer buffer;
  /** The priority lane (overflow.policy=priority), sent before anything else; or null. */
  private final ChunkBuffer priorityBuffer;
  private final Adaptive adaptive;
  private final JournalFeed journal;
  private final Endpoints endpoints;
  private final FlushTracker flush;
  private final Clock clock;
  private final long lingerNanos;

  /** Memory requests that failed, waiting for their retry, in the order they failed. */
  private final ArrayDeque<Request> retries = new ArrayDeque<>();
  /** Chunks taken from memory for the next request, still filling (linger). */
  private final List<Chunk> filling = new ArrayList<>();
  private long fillingBytes;
  /** A chunk taken from memory that did not fit the last request. */
  private Chunk carry;
  /** Whether the journal's backlog has the next turn when memory holds live data too. */
  private boolean journalTurn;

  RequestSource(
      ChunkBuffer buffer,
      ChunkBuffer priorityBuffer,
      Adaptive adaptive,
      JournalFeed journal,
      Endpoints endpoints,
      FlushTracker flush,
      Clock clock,
      long lingerNanos) {
    this.buffer = buffer;
    this.priorityBuffer = priorityBuffer;
    this.adaptive = adaptive;
    this.journal = journal;
    this.endpoints = endpoints;
    this.flush = flush;
    this.clock = clock;
    this.lingerNanos = lingerNanos;
  }

  /** A memory request to send again, not before {@code dueNanos}. */
  void retryLater(Request request, long dueNanos) {
    request.retryDueNanos = dueNanos;
    retries.addLast(request);
  }

  /** Every waiting retry is due now: shutdown tries each once at once. */
  void retryAllNow(long nowNanos) {
    for (Request retry : retries) {
      retry.retryDueNanos = Math.min(retry.retryDueNanos, nowNanos);
    }
  }

  /** The oldest waiting retry that is due, taken; null when none is. */
  private Request dueRetry(long nowNanos) {
    for (Iterator<Request> it = retries.iterator(); it.hasNext(); ) {
      Request retry = it.next();
      if (retry.retryDueNanos - nowNanos <= 0) {
        it.remove();
        return retry;
      }
    }
    return null;
  }

  /**
   * How long until the next waiting retry, of memory or of the journal, is due (at least 1), or
   * {@code Long.MAX_VALUE}.
   */
  long retryDueInNanos() {
    long now = clock.nanoTime();
    long soonest = journal.retryDueInNanos();
    for (Request retry : retries) {
      soonest = Math.min(soonest, Math.max(1, retry.retryDueNanos - now));
    }
    return soonest;
  }

  /** Whether every endpoint's breaker is open. */
  boolean everyBreakerOpen() {
    return endpoints.allOpen();
  }

  /** Takes the oldest request waiting for a retry, or null. */
  Request pollRetry() {
    return retries.pollFirst();
  }

  /** Whether nothing is waiting: no retry, nothing filling, both memory lanes empty. */
  boolean isEmpty() {
    return retries.isEmpty()
        && filling.isEmpty()
        && carry == null
        && buffer.isEmpty()
        && (priorityBuffer == null || priorityBuffer.isEmpty());
  }

  /**
   * The next request, or null when there is nothing to send yet (or the request is lingering). At
   * shutdown ({@code stopping}) the journal's backlog goes too, until a journal request fails.
   */
  Request next(boolean stopping) {
    if (!retries.isEmpty()) {
      Request retry = dueRetry(clock.nanoTime());
      if (retry != null) {
        return retry;
      }
      if (adaptive.maxConcurrency() == 1) {
        return null; // order is kept: nothing newer goes before the retry
      }
    }
    Request urgent = takePriority();
    if (urgent != null) {
      return urgent;
    }
    // While every breaker is open the backlog stays where it is (reading it only to put it back
    // would be wasted work); live data is still taken, to be parked in the journal. At shutdown
    // the breakers are not asked: the backlog goes while the backend takes it.
    journal.rewindIfDue();
    boolean journalReadable =
        journal.readable() && (stopping ? journal.draining() : !endpoints.allOpen());
    if (journalReadable && journalTurn) {
      Request fromJournal = readJournal();
      if (fromJournal != null) {
        journalTurn = false;
        return fromJournal;
      }
    }
    Request fromMemory = takeMemory(stopping);
    if (fromMemory != null) {
      journalTurn = true;
      return fromMemory;
    }
    if (journalReadable) {
      // Memory has nothing ready (empty, or a request lingering): the backlog need not wait for
      // it. With a stretched linger it waited up to a second a request, and a journal filled by
      // a burst drained that slowly (side-by-side, degraded burst, memory.limit=1MiB).
      journalTurn = false;
      return readJournal();
    }
    return null;
  }

  /** A request from the journal's backlog up to the adaptive size; full when over half of it. */
  private Request readJournal() {
    long target = adaptive.batchBytes();
    Request request = journal.read(target);
    if (request != null) {
      request.full = request.bytes >= target / 2;
    }
    return request;
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
    return chunks.isEmpty() ? null : Request.fromMemory(chunks, priorityBuffer);
  }

  /**
   * Fills a request from memory up to the adaptive size. A request smaller than that waits while
   * its oldest chunk is younger than the linger time, unless a flush or shutdown is waiting.
   */
  private Request takeMemory(boolean stopping) {
    long target = memoryTarget();
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
    if (!full && lingerNanos > 0 && !stopping && !flush.waiting()) {
      if (lingeredNanos() < adaptive.lingerNanos(lingerNanos)) {
        return null; // lingering: more may come to fill the request
      }
    }
    return cut();
  }

  /**
   * What a request from memory fills up to: the adaptive size, but at most half the memory tier,
   * so that a request lingering for more cannot hold the memory full. With {@code
   * memory.limit=1MiB} the adaptive size grew past it, every request lingered until memory was
   * full, and the burst spilled to the journal (side-by-side, degraded burst, 2026-12-04).
   */
  private long memoryTarget() {
    return Math.min(adaptive.batchBytes(), Math.max(1, buffer.capacityBytes() / 2));
  }

  private long lingeredNanos() {
    return clock.now() - filling.get(0).acceptedAtEpochNanos();
  }

  private void addToFilling(Chunk chunk) {
    filling.add(chunk);
    fillingBytes += chunk.sizeBytes();
  }

  private Request cut() {
    Request request = Request.fromMemory(new ArrayList<>(filling), buffer);
    request.full = carry != null || fillingBytes >= memoryTarget() * 9 / 10;
    filling.clear();
    fillingBytes = 0;
    return request;
  }

  /** How long until a lingering request is due (at least 1), or {@code Long.MAX_VALUE}. */
  long lingerDueNanos() {
    if (filling.isEmpty() || lingerNanos <= 0) {
      return Long.MAX_VALUE;
    }
    return Math.max(1, adaptive.lingerNanos(lingerNanos) - lingeredNanos());
  }

  /** At the end: everything ordinary memory still holds, filling and carried chunks first. */
  List<Chunk> takeAllOrdinary() {
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
    return held;
  }

  /** At the end: everything the priority lane still holds (empty without one). */
  List<Chunk> takeAllUrgent() {
    List<Chunk> urgent = new ArrayList<>();
    if (priorityBuffer != null) {
      Chunk chunk;
      while ((chunk = priorityBuffer.poll()) != null) {
        urgent.add(chunk);
      }
    }
    return urgent;
  }
}
