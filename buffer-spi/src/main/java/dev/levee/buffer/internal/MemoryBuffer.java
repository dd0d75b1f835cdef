package dev.levee.buffer.internal;

import dev.levee.buffer.Chunk;
import dev.levee.buffer.ChunkBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bytes-bounded multi-producer chunk queue.
 *
 * <p>Producers reserve bytes with a compare-and-set on one counter before they enqueue, so the
 * bound is never exceeded, even for a moment, and a full buffer costs one failed CAS. The queue
 * itself is the JDK's lock-free {@link ConcurrentLinkedQueue}: the byte counter is the only bound,
 * and any thread may poll (the dispatcher, or a producer evicting the oldest chunk).
 *
 * <p>Not JCTools' MPSC array queue, which this was until 2026-12-05: under the agent each of its
 * classes is read and relocated by the extension's class loader and its field updaters made at
 * the first exporter's build, about 20 ms of the application's start (of the 120-160 ms the first
 * exporter took), for a queue that moves a chunk per batch (hundreds of items), a few thousand a
 * second at most. The JDK's queue is already loaded and compiled by then; its node per chunk (24
 * bytes) is nothing beside a chunk's payload.
 */
final class MemoryBuffer implements ChunkBuffer {
  private final long capacityBytes;
  private final AtomicLong usedBytes = new AtomicLong();
  private final ConcurrentLinkedQueue<Chunk> queue = new ConcurrentLinkedQueue<>();
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
    return queue.poll();
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
    return queue.size(); // counts the nodes: for tests and tools, not the data path
  }

  @Override
  public void close() {
    closed = true;
  }
}
