package dev.levee.benchmarks;

import dev.levee.exporter.LeveeSpanExporter;
import dev.levee.exporter.LeveeStats;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code LeveeSpanExporter.export()} of a 512-span batch on one and on two producer
 * threads sharing one exporter, while the dispatcher delivers to the demo OTLP receiver in a
 * separate process, on three paths:
 *
 * <ul>
 *   <li>{@code memory}: a memory tier large enough for an iteration (2 GiB), so every batch is
 *       encoded and placed in memory: the path the others are held against;
 *   <li>{@code write_ahead}: {@code journal.mode=write_ahead}, every batch appended to the journal;
 *   <li>{@code spill}: {@code memory.limit=1MiB}, so whatever the backend has not yet taken spills
 *       to the journal (the share that spilled is printed after each iteration).
 * </ul>
 *
 * <p>The score is the wall time of one call (512 spans), sampled, with its percentiles: a stall
 * shows in the high ones. After each iteration each producer also prints the CPU time its calls
 * took per span, so waiting shows as wall time well above CPU time.
 *
 * <p>{@code fsync} is the journal's {@code journal.fsync} ({@code none} or the default {@code
 * interval}; the memory path does not touch the journal). After each iteration the exporter
 * flushes and the journal's backlog is delivered, so every iteration starts with empty memory and
 * an empty backlog (what was pending when the iteration ended is printed). Real Chronicle Queue
 * on a real directory; the journal is open before the first measured call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {
      "-Xmx8g",
      "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
      "--add-opens=java.base/java.nio=ALL-UNNAMED"
    })
public class ExportPathBenchmark {
  @Param({"memory", "write_ahead", "spill"})
  public String path;

  @Param({"none", "interval"})
  public String fsync;

  private ChildReceiver receiver;
  private Path directory;
  private LeveeSpanExporter exporter;
  private LeveeStats before;
  private final AtomicInteger seeds = new AtomicInteger(1);

  /** Each producer thread's own batch, and the CPU time its export() calls took. */
  @State(Scope.Thread)
  public static class Producer {
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    List<SpanData> batch;
    long cpuNanos;
    long spans;

    @Setup
    public void setUp(ExportPathBenchmark shared) {
      batch = RealisticSpans.create(EncodeBenchmark.BATCH, shared.seeds.getAndIncrement());
    }

    CompletableResultCode export(LeveeSpanExporter exporter) {
      long start = threads.getCurrentThreadCpuTime();
      CompletableResultCode result = exporter.export(batch);
      cpuNanos += threads.getCurrentThreadCpuTime() - start;
      spans += batch.size();
      return result;
    }

    @TearDown(Level.Iteration)
    public void report() {
      System.out.printf(" [producer CPU %.0f ns/span]", cpuNanos / (double) Math.max(1, spans));
      cpuNanos = 0;
      spans = 0;
    }
  }

  @Setup
  public void setUp() throws Exception {
    receiver = ChildReceiver.start();
    directory = Files.createTempDirectory("levee-export-path");
    exporter =
        LeveeSpanExporter.builder()
            .setEndpoint(receiver.endpoint())
            .setJournalDirectory(directory)
            .setJournalOpen("at_start")
            .setJournalMode(path.equals("write_ahead") ? "write_ahead" : "overflow")
            .setJournalFsync(fsync)
            .setJournalLimitBytes(64L << 30)
            .setMemoryLimitBytes(path.equals("spill") ? 1L << 20 : path.equals("memory") ? 2L << 30 : 32L << 20)
            .build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!exporter.stats().journalOpen()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the journal did not open in 60 s: " + exporter.stats());
      }
      Thread.sleep(10);
    }
    before = exporter.stats();
  }

  @TearDown(Level.Iteration)
  public void drain() throws InterruptedException {
    exporter.flush().join(300, TimeUnit.SECONDS);
    LeveeStats now = exporter.stats();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
    while (exporter.stats().pending() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(50); // the journal's backlog: delivered before the next iteration starts
    }
    long offered = now.offered() - before.offered();
    System.out.printf(
        " [journaled %.0f%% of %,d spans, dropped %,d, pending %,d]",
        100.0 * (now.journaled() - before.journaled()) / Math.max(1, offered),
        offered,
        now.droppedTotal() - before.droppedTotal(),
        now.pending());
    before = now;
  }

  @TearDown
  public void tearDown() throws Exception {
    exporter.shutdown().join(60, TimeUnit.SECONDS);
    receiver.close();
    JournalBenchmark.deleteTree(directory);
  }

  @Benchmark
  @Threads(1)
  public CompletableResultCode oneProducer(Producer producer) {
    return producer.export(exporter);
  }

  @Benchmark
  @Threads(2)
  public CompletableResultCode twoProducers(Producer producer) {
    return producer.export(exporter);
  }
}
