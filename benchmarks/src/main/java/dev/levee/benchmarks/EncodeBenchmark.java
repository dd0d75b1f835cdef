package dev.levee.benchmarks;

import dev.levee.buffer.Chunk;
import dev.levee.exporter.internal.ChunkEncoder;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * (the SDK's reused low-allocation marshaler into an exact-size array), the SDK's stateless
 * marshaler through a growing stream (what the OTLP exporter does per request), and building
 * opentelemetry-proto objects then serializing them.
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
  private final ChunkEncoder<SpanData> levee = ChunkEncoder.spans();

  @Setup
  public void setUp() {
    spans = RealisticSpans.create(BATCH, 42);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public Chunk leveeChunkEncoder() throws IOException {
    return levee.encode(spans, BATCH, 0L);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public byte[] sdkStatelessMarshaler() throws IOException {
    TraceRequestMarshaler request = TraceRequestMarshaler.create(spans);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    request.writeBinaryTo(out);
    return out.toByteArray();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public byte[] protoBuilders() {
    return ProtoSpanEncoder.encode(spans);
  }
}
