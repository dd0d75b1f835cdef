package dev.levee.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link ChunkBuffer} must keep. A provider's test extends this class and
 * implements {@link #createBuffer(long)}.
 */
public abstract class AbstractChunkBufferContractTest {

  private final List<ChunkBuffer> opened = new ArrayList<>();

  /** Returns a new, empty buffer with the given capacity. */
  protected abstract ChunkBuffer createBuffer(long capacityBytes);

  private ChunkBuffer newBuffer(long capacityBytes) {
    ChunkBuffer buffer = createBuffer(capacityBytes);
    opened.add(buffer);
    return buffer;
  }

  @AfterEach
  void closeBuffers() {
    opened.forEach(ChunkBuffer::close);
  }

  protected static Chunk chunk(int bytes, int items) {
    return Chunk.of(Signal.SPANS, new byte[bytes], items, false, 0L);
  }

  @Test
  void startsEmpty() {
    ChunkBuffer buffer = newBuffer(1000);
    assertThat(buffer.isEmpty()).isTrue();
    assertThat(buffer.usedBytes()).isZero();
    assertThat(buffer.capacityBytes()).isEqualTo(1000);
    assertThat(buffer.queuedChunks()).isZero();
    assertThat(buffer.poll()).isNull();
  }

  @Test
  void acceptsUntilTheNextChunkWouldNotFit() {
    ChunkBuffer buffer = newBuffer(1000);
    assertThat(buffer.offer(chunk(400, 1))).isTrue();
    assertThat(buffer.offer(chunk(400, 1))).isTrue();
    assertThat(buffer.offer(chunk(201, 1))).isFalse();
    assertThat(buffer.offer(chunk(200, 1))).isTrue();
    assertThat(buffer.usedBytes()).isEqualTo(1000);
    assertThat(buffer.offer(chunk(1, 1))).isFalse();
    assertThat(buffer.queuedChunks()).isEqualTo(3);
  }

  @Test
  void rejectsChunkLargerThanCapacity() {
    ChunkBuffer buffer = newBuffer(100);
    assertThat(buffer.offer(chunk(101, 1))).isFalse();
    assertThat(buffer.usedBytes()).isZero();
    assertThat(buffer.isEmpty()).isTrue();
  }

  @Test
  void pollsInOfferOrder() {
    ChunkBuffer buffer = newBuffer(1000);
    Chunk first = chunk(10, 1);
    Chunk second = chunk(20, 2);
    Chunk third = chunk(30, 3);
    buffer.offer(first);
    buffer.offer(second);
    buffer.offer(third);
    assertThat(buffer.poll()).isSameAs(first);
    assertThat(buffer.poll()).isSameAs(second);
    assertThat(buffer.poll()).isSameAs(third);
    assertThat(buffer.poll()).isNull();
  }

  @Test
  void polledChunksCountUntilReleased() {
    ChunkBuffer buffer = newBuffer(100);
    buffer.offer(chunk(60, 1));
    Chunk taken = buffer.poll();
    assertThat(buffer.isEmpty()).isTrue();
    assertThat(buffer.usedBytes()).isEqualTo(60);
    assertThat(buffer.offer(chunk(60, 1))).isFalse();

    buffer.release(taken);

    assertThat(buffer.usedBytes()).isZero();
    assertThat(buffer.offer(chunk(60, 1))).isTrue();
  }

  @Test
  void acceptsNothingAfterCloseButKeepsWhatItHolds() {
    ChunkBuffer buffer = newBuffer(100);
    Chunk held = chunk(10, 1);
    buffer.offer(held);
    buffer.close();
    buffer.close();
    assertThat(buffer.offer(chunk(10, 1))).isFalse();
    assertThat(buffer.poll()).isSameAs(held);
  }

  @Test
  void twoPollersTakeEveryChunkExactlyOnce() throws Exception {
    int chunks = 50_000;
    ChunkBuffer buffer = newBuffer((long) chunks * 10);
    java.util.Set<Chunk> offered = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (int i = 0; i < chunks; i++) {
      Chunk chunk = chunk(10, 1);
      offered.add(chunk);
      assertThat(buffer.offer(chunk)).isTrue();
    }
    List<Chunk> first = new ArrayList<>();
    List<Chunk> second = new ArrayList<>();
    CountDownLatch start = new CountDownLatch(1);
    Thread other =
        new Thread(
            () -> {
              try {
                start.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
              }
              Chunk chunk;
              while ((chunk = buffer.poll()) != null) {
                second.add(chunk);
              }
            });
    other.start();
    start.countDown();
    Chunk chunk;
    while ((chunk = buffer.poll()) != null) {
      first.add(chunk);
    }
    other.join();

    java.util.Set<Chunk> taken = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    taken.addAll(first);
    taken.addAll(second);
    assertThat(first.size() + second.size()).isEqualTo(chunks);
    assertThat(taken).hasSize(chunks).isEqualTo(offered);
  }

  @Test
  void concurrentProducersNeverExceedCapacityAndLoseNothing() throws Exception {
    int producers = 4;
    int perProducer = 20_000;
    long capacity = 64 * 100;
    ChunkBuffer buffer = newBuffer(capacity);
    AtomicInteger accepted = new AtomicInteger();
    AtomicInteger maxSeen = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      Thread thread =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
                for (int i = 0; i < perProducer; i++) {
                  if (buffer.offer(chunk(100, 1))) {
                    accepted.incrementAndGet();
                  }
                  maxSeen.accumulateAndGet((int) buffer.usedBytes(), Math::max);
                }
              });
      thread.start();
      threads.add(thread);
    }
    int consumed = 0;
    start.countDown();
    boolean producing = true;
    while (producing) {
      producing = threads.stream().anyMatch(Thread::isAlive);
      Chunk chunk;
      while ((chunk = buffer.poll()) != null) {
        buffer.release(chunk);
        consumed++;
      }
    }
    for (Thread thread : threads) {
      thread.join();
    }
    Chunk chunk;
    while ((chunk = buffer.poll()) != null) {
      buffer.release(chunk);
      consumed++;
    }

    assertThat(consumed).isEqualTo(accepted.get());
    assertThat(maxSeen.get()).isLessThanOrEqualTo((int) capacity);
    assertThat(buffer.usedBytes()).isZero();
  }
}
