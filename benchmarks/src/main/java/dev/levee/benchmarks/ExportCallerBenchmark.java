package dev.levee.benchmarks;

import dev.levee.exporter.LeveeSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Time on the SDK's thread per span: {@code LeveeSpanExporter.export()} of a 512-span batch
 * (encode, offer, wake the dispatcher) while the dispatcher delivers to the demo OTLP receiver in
 * a separate process, as in production. After each iteration the exporter flushes, so the memory
 * tier never fills and the figure is the accept path, not the drop path. The allocation figure of
 * {@code -prof gc} counts the whole JVM: the dispatcher's gRPC work is in it.
 *
 * <p>The score is wall time, which on a machine with few cores includes the moments the caller
 * waits for a core that the dispatcher, gRPC and the receiver are using. At the end of each
 * iteration the benchmark also prints the caller thread's CPU time per span (what export() costs the
 * SDK's thread, whatever the machine is doing), from {@code ThreadMXBean}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ExportCallerBenchmark {
  private ChildReceiver receiver;
  private LeveeSpanExporter exporter;
  private List<SpanData> batch;
  private long refused;
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private long cpuNanos;
  private long spans;

  @Setup
  public void setUp() {
    receiver = ChildReceiver.start();
    exporter =
        LeveeSpanExporter.builder()
            .setEndpoint(receiver.endpoint())
            .setMemoryLimitBytes(512L << 20)
            .build();
    batch = RealisticSpans.create(EncodeBenchmark.BATCH, 7);
  }

  @TearDown(Level.Iteration)
  public void drain() {
    exporter.flush().join(60, TimeUnit.SECONDS);
    System.out.printf(" [caller thread CPU %.0f ns/span]", cpuNanos / (double) Math.max(1, spans));
    cpuNanos = 0;
    spans = 0;
  }

  @TearDown
  public void tearDown() {
    exporter.shutdown().join(30, TimeUnit.SECONDS);
    receiver.close();
    if (refused > 0) {
      System.out.println("memory tier refused " + refused + " batches: figures include the drop path");
    }
  }

  @Benchmark
  @OperationsPerInvocation(EncodeBenchmark.BATCH)
  public CompletableResultCode exportBatch() {
    long cpuStart = threads.getCurrentThreadCpuTime();
    CompletableResultCode result = exporter.export(batch);
    cpuNanos += threads.getCurrentThreadCpuTime() - cpuStart;
    spans += batch.size();
    if (!result.isSuccess()) {
      refused++;
    }
    return result;
  }
}
