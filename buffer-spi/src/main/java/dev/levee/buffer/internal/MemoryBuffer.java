package dev.levee.buffer.internal;

import dev.levee.buffer.Chunk;
import dev.levee.buffer.ChunkBuffer;
import java.util.concurrent.atomic.AtomicLong;
import org.jctools.queues.atomic.MpscUnboundedAtomicArrayQueue;

/**
 * A bytes-bounded multi-producer, single-consumer chunk queue.
 *
 * <p>The queue is JCTools' atomic (field-updater) variant rather than the Unsafe one: inside the
 * agent on Java 24+ the Unsafe variant makes the JVM print a deprecation warning into the host's
 * output (JEP 498), and Levee must not disturb the host.
 *
 * <p>Producers reserve bytes with a compare-and-set on one counter before they enqueue, so the
 * bound is never exceeded, even for a moment, and a full buffer costs one failed CAS. The queue
 * itself is JCTools' unbounded MPSC array queue: the byte counter is the only bound, and the queue
 * allocates no node per element. It is single-consumer, so {@link #poll} takes a lock: the
 * dispatcher is nearly always the only poller (uncontended, a few nanoseconds), and a producer
 * evicting the oldest chunk is the rare other one.
 */
final class MemoryBuffer implements ChunkBuffer {
  private static final int QUEUE_CHUNK_SIZE = 128;

  private final long capacityBytes;
  private final AtomicLong usedBytes = new AtomicLong();
  private final MpscUnboundedAtomicArrayQueue<Chunk> queue =
      new MpscUnboundedAtomicArrayQueue<>(QUEUE_CHUNK_SIZE);
  private final java.util.concurrent.locks.ReentrantLock consumer = new java.util.concurrent.locks.ReentrantLock();
  private volatile boolean closed;

  MemoryBuffer(long capacityBytes) {
    if (capacityBytes <= 0) {
      throw new IllegalArgumentException("capacityBytes must be positive, was " + capacityBytes);
    }
    this.capacityBytes = capacityBytes;
  }

  @Override
  public boolean offer(Chunk chunk) {
    if (closed || !reserve(chunk.sizeBytes())) {
      return false;
    }
    queue.offer(chunk);
    return true;
  }

  private boolean reserve(long bytes) {
    while (true) {
      long used = usedBytes.get();
      long next = used + bytes;
      if (next > capacityBytes) {
        return false;
      }
      if (usedBytes.compareAndSet(used, next)) {
        return true;
      }
    }
  }

  @Override
  public Chunk poll() {
    consumer.lock();
    try {
      return queue.poll();
    } finally {
      consumer.unlock();
    }
  }

  @Override
  public void release(Chunk chunk) {
    usedBytes.addAndGet(-chunk.sizeBytes());
  }

  @Override
  public long usedBytes() {
    return usedBytes.get();
  }

  @Override
  public long capacityBytes() {
    return capacityBytes;
  }

  @Override
  public boolean isEmpty() {
    return queue.isEmpty();
  }

  @Override
  public int queuedChunks() {
    return queue.size();
  }

  @Override
  public void close() {
    closed = true;
  }
}
