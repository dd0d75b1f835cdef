package dev.levee.benchmarks;

import dev.levee.buffer.Chunk;
import dev.levee.buffer.Signal;
import dev.levee.exporter.internal.encode.ChunkEncoder;
import dev.levee.exporter.internal.transport.GrpcSender;
import dev.levee.exporter.internal.transport.HttpSender;
import dev.levee.exporter.internal.transport.SendOutcome;
import dev.levee.exporter.internal.transport.Sender;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Sender overhead per request: one OTLP request of {@code spans} realistic spans to the demo
 * receiver in a separate process (loopback), from the call to the server's answer, over {@code
 * protocol}: gRPC (grpc-java for Levee and upstream) or HTTP (the JDK's client for Levee, OkHttp
 * for the upstream {@code OtlpHttpSpanExporter}).
 *
 * <ul>
 *   <li>{@code leveeSender}: Levee's {@code GrpcSender} sending chunks already encoded (as the
 *       dispatcher does; the chunks of a request are streamed to gRPC as they are, not copied into
 *       one message first). The request is made of {@code chunks} chunks of equal size.
 *   <li>{@code upstreamExporter}: the upstream {@code OtlpGrpcSpanExporter}'s export of the same
 *       spans, waited for. It marshals inside its request (as its caller thread does not), so the
 *       difference to {@code leveeSender} is about one encoding of the batch: compare with {@code
 *       EncodeBenchmark}.
 * </ul>
 *
 * <p>Both include the receiver's parsing of the request and the loopback round trip; with two
 * cores the receiver's parse competes with the sender. {@code -prof gc} gives the sender's
 * allocation per request (netty's pooled buffers aside).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SenderBenchmark {
  @Param({"512"})
  int spans;

  @Param({"1", "8"})
  int chunks;

  @Param({"grpc", "http/protobuf"})
  String protocol;

  private ChildReceiver receiver;
  private Sender sender;
  private io.opentelemetry.sdk.trace.export.SpanExporter upstream;
  private List<Chunk> request;
  private List<SpanData> batch;

  @Setup
  public void setUp() throws IOException {
    receiver = ChildReceiver.start();
    if (protocol.equals("grpc")) {
      sender = GrpcSender.createPlaintext(Signal.SPANS, URI.create(receiver.endpoint()));
      upstream = OtlpGrpcSpanExporter.builder().setEndpoint(receiver.endpoint()).build();
    } else {
      String traces = receiver.httpEndpoint() + "/v1/traces";
      sender = HttpSender.createPlaintext(URI.create(traces));
      upstream = OtlpHttpSpanExporter.builder().setEndpoint(traces).build();
    }
    batch = RealisticSpans.create(spans, 11);
    ChunkEncoder<SpanData> encoder = ChunkEncoder.spans();
    request = new ArrayList<>();
    int per = spans / chunks;
    for (int i = 0; i < chunks; i++) {
      List<SpanData> part = batch.subList(i * per, i == chunks - 1 ? spans : (i + 1) * per);
      request.add(encoder.encode(part, part.size(), 0L));
    }
  }

  @TearDown
  public void tearDown() {
    sender.close(TimeUnit.SECONDS.toNanos(5));
    upstream.shutdown().join(5, TimeUnit.SECONDS);
    receiver.close();
  }

  @Benchmark
  public SendOutcome leveeSender() {
    SendOutcome outcome = sender.send(request, TimeUnit.SECONDS.toNanos(10));
    if (outcome.kind() != SendOutcome.Kind.SUCCESS) {
      throw new IllegalStateException("The receiver refused a request: " + outcome);
    }
    return outcome;
  }

  @Benchmark
  public CompletableResultCode upstreamExporter() {
    CompletableResultCode result = upstream.export(batch).join(10, TimeUnit.SECONDS);
    if (!result.isSuccess()) {
      throw new IllegalStateException("The receiver refused a request");
    }
    return result;
  }
}
