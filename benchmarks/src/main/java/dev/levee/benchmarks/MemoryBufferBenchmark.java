package dev.levee.benchmarks;

import dev.levee.buffer.BufferProviders;
import dev.levee.buffer.BufferSettings;
import dev.levee.buffer.Chunk;
import dev.levee.buffer.ChunkBuffer;
import dev.levee.buffer.Signal;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The memory tier's offer and poll. In the group benchmarks only the producers' scores count
 * and their {@code accepted} counter (offers the tier took; {@code refused} ones found it full);
 * the consumer's score includes empty polls.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MemoryBufferBenchmark {
  private static final Chunk CHUNK = Chunk.of(Signal.SPANS, new byte[64 * 1024], 512, false, 0L);

  private ChunkBuffer buffer;

  @Setup(Level.Iteration)
  public void setUp() {
    buffer =
        BufferProviders.find("memory", getClass().getClassLoader())
            .create(new BufferSettings(Signal.SPANS, 64L << 20));
  }

  @TearDown(Level.Iteration)
  public void tearDown() {
    buffer.close();
  }

  /** One thread offers and takes back: the uncontended cost of a round trip. */
  @Benchmark
  public Chunk offerThenPollSingleThread() {
    buffer.offer(CHUNK);
    return drainOne();
  }

  /** Accepted offers per microsecond with one producer racing one consumer. */
  @Benchmark
  @Group("oneProducer")
  @GroupThreads(1)
  public void offerOneProducer(Counters counters) {
    offerCounted(counters);
  }

  @Benchmark
  @Group("oneProducer")
  @GroupThreads(1)
  public Chunk pollOneProducer() {
    return drainOne();
  }

  /** Accepted offers per microsecond with two producers racing one consumer. */
  @Benchmark
  @Group("twoProducers")
  @GroupThreads(2)
  public void offerTwoProducers(Counters counters) {
    offerCounted(counters);
  }

  @Benchmark
  @Group("twoProducers")
  @GroupThreads(1)
  public Chunk pollTwoProducers() {
    return drainOne();
  }

  private void offerCounted(Counters counters) {
    if (buffer.offer(CHUNK)) {
      counters.accepted++;
    } else {
      counters.refused++;
    }
  }

  /** Per-producer counts, reported by JMH beside the raw call rate. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Counters {
    public long accepted;
    public long refused;

    @Setup(Level.Iteration)
    public void clear() {
      accepted = 0;
      refused = 0;
    }
  }

  private Chunk drainOne() {
    Chunk chunk = buffer.poll();
    if (chunk != null) {
      buffer.release(chunk);
    }
    return chunk;
  }
}
