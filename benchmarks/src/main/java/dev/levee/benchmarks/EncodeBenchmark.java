package dev.levee.benchmarks;

import dev.levee.buffer.Chunk;
import dev.levee.exporter.internal.encode.ChunkEncoder;
import io.opentelemetry.exporter.internal.marshal.Marshaler;
import io.opentelemetry.exporter.internal.otlp.logs.LowAllocationLogsRequestMarshaler;
import io.opentelemetry.exporter.internal.otlp.metrics.LowAllocationMetricsRequestMarshaler;
import io.opentelemetry.exporter.internal.otlp.metrics.MetricsRequestMarshaler;
import io.opentelemetry.exporter.internal.otlp.traces.LowAllocationTraceRequestMarshaler;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encoding one SDK batch of 512 realistic spans into OTLP request bytes, per span: what Levee does
 * (its one-pass backward writer, into an exact-size array), the SDK's low-allocation marshaler
 * reused into an exact-size array (Levee's encoder before), the SDK's marshaler through a growing
 * stream (what the OTLP exporter does per request), and building opentelemetry-proto objects then
 * serializing them. The same for 512 log records, and for 512 metric data points of a real meter
 * provider's collection (sums, histograms, exponential histograms: {@link RealisticMetrics}):
 * Levee's writer, the SDK's low-allocation marshaler reused, and the SDK's marshaler as the OTLP
 * exporter uses it per request.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EncodeBenchmark {
  static final int BATCH = 512;

  private List<SpanData> spans;
  private List<LogRecordData> logs;
  private List<MetricData> metrics;
  private final ChunkEncoder<MetricData> leveeMetrics = ChunkEncoder.metrics();
  private final LowAllocationMetricsRequestMarshaler sdkMetricsReused =
      new LowAllocationMetricsRequestMarshaler();
  private final ChunkEncoder<SpanData> levee = ChunkEncoder.spans();
  private final ChunkEncoder<LogRecordData> leveeLogs = ChunkEncoder.logs();
  private final LowAllocationTraceRequestMarshaler sdkReused = new LowAllocationTraceRequestMarshaler();
  private final LowAllocationLogsRequestMarshaler sdkLogsReused = new LowAllocationLogsRequestMarshaler();

  @Setup
  public void setUp() {
    spans = RealisticSpans.create(BATCH, 42);
    logs = RealisticSpans.logRecords(BATCH, 42);
    metrics = RealisticMetrics.create(BATCH / 4, 42);
    if (RealisticMetrics.points(metrics) != BATCH) {
      throw new IllegalStateException("expected " + BATCH + " points");
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public Chunk leveeMetricsEncoder() throws IOException {
    return leveeMetrics.encode(metrics, BATCH, 0L);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public byte[] sdkLowAllocationMetricsMarshaler() throws IOException {
    sdkMetricsReused.initialize(metrics);
    return exactThenReset(sdkMetricsReused, sdkMetricsReused::reset);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public byte[] sdkMetricsMarshaler() throws IOException {
    return throughStream(MetricsRequestMarshaler.create(metrics));
  }

  /** The request through a growing stream, as the upstream OTLP exporter writes one. */
  private static byte[] throughStream(Marshaler request) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    request.writeBinaryTo(out);
    return out.toByteArray();
  }

  /**
   * Spans made anew for each encode, as an application makes them: attribute keys given as
   * strings ({@code setAttribute("url.path", ...)}) are new key objects in every span, so no UTF-8
   * bytes are kept in them from an earlier encode (the fields above reuse one batch, whose keys
   * keep theirs after the first).
   */
  @State(Scope.Thread)
  public static class FreshSpans {
    private long seed = 7;
    List<SpanData> spans;

    @Setup(Level.Invocation)
    public void make() {
      spans = RealisticSpans.create(BATCH, seed++);
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public Chunk leveeChunkEncoderFreshSpans(FreshSpans fresh) throws IOException {
    return levee.encode(fresh.spans, BATCH, 0L);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public byte[] sdkLowAllocationMarshalerFreshSpans(FreshSpans fresh) throws IOException {
    sdkReused.initialize(fresh.spans);
    return exactThenReset(sdkReused, sdkReused::reset);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public byte[] sdkLowAllocationMarshaler() throws IOException {
    sdkReused.initialize(spans);
    return exactThenReset(sdkReused, sdkReused::reset);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public Chunk leveeLogsEncoder() throws IOException {
    return leveeLogs.encode(logs, BATCH, 0L);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public byte[] sdkLowAllocationLogsMarshaler() throws IOException {
    sdkLogsReused.initialize(logs);
    return exactThenReset(sdkLogsReused, sdkLogsReused::reset);
  }

  /** The request into an exact-size array, as Levee's encoder did; then the reused marshaler reset. */
  private static byte[] exactThenReset(Marshaler request, Runnable reset) throws IOException {
    try {
      byte[] bytes = new byte[request.getBinarySerializedSize()];
      request.writeBinaryTo(new FixedArrayOutputStream(bytes));
      return bytes;
    } finally {
      reset.run();
    }
  }

  /** Writes into a preallocated array, as Levee's encoder does. */
  private static final class FixedArrayOutputStream extends java.io.OutputStream {
    private final byte[] target;
    private int position;

    FixedArrayOutputStream(byte[] target) {
      this.target = target;
    }

    @Override
    public void write(int b) {
      target[position++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      System.arraycopy(b, off, target, position, len);
      position += len;
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public Chunk leveeChunkEncoder() throws IOException {
    return levee.encode(spans, BATCH, 0L);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public byte[] sdkStatelessMarshaler() throws IOException {
    return throughStream(TraceRequestMarshaler.create(spans));
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public byte[] protoBuilders() {
    return ProtoSpanEncoder.encode(spans);
  }
}
