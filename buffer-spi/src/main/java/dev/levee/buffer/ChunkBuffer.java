package dev.levee.buffer;

/**
 * A buffer of {@link Chunk}s bounded by bytes, not by count.
 *
 * <p>Threading contract: {@link #offer} may be called by any number of threads at once and never
 * blocks. {@link #poll} is mostly called by one consumer (the dispatcher), but a producer may also
 * poll to evict the oldest chunk (the {@code drop_oldest} overflow policy), so it must be safe from
 * several threads. {@link #release} may be called from any thread, once per polled chunk. The
 * other methods may be called from any thread and return a recent value.
 *
 * <p>Accounting: a chunk's {@link Chunk#sizeBytes()} counts against {@link #capacityBytes()} from a
 * successful {@link #offer} until the consumer {@link #release}s it, so chunks taken out for
 * delivery still count until they are delivered or dropped. The bound therefore covers everything
 * the buffer has handed out and not yet been told is gone.
 */
public interface ChunkBuffer extends AutoCloseable {

  /**
   * Adds a chunk if it fits in the remaining capacity.
   *
   * @return {@code true} if the buffer took the chunk, {@code false} if it is full, the chunk alone
   *     is larger than the capacity, or the buffer is closed. Never blocks, never throws for a full
   *     buffer.
   */
  boolean offer(Chunk chunk);

  /**
   * Takes the oldest chunk out of the queue. Its bytes stay counted until {@link #release}.
   *
   * @return the chunk, or {@code null} if the buffer is empty
   */
  Chunk poll();

  /** Gives back the capacity of a chunk earlier returned by {@link #poll}. Call once per chunk. */
  void release(Chunk chunk);

  /** Bytes of chunks offered and not yet released (queued plus taken out). */
  long usedBytes();

  /** The bound on {@link #usedBytes()}. */
  long capacityBytes();

  /** Whether the queue holds no chunk (chunks taken out and not released are not counted). */
  boolean isEmpty();

  /** Chunks in the queue (taken-out chunks are not counted). */
  int queuedChunks();

  /**
   * Stops taking chunks: later offers return {@code false}. Queued chunks can still be polled so
   * the owner can account for them. Idempotent.
   */
  @Override
  void close();
}
