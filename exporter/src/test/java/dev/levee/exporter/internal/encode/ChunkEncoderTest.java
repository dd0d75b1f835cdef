package dev.levee.exporter.internal.encode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.levee.buffer.Chunk;
import dev.levee.buffer.Signal;
import dev.levee.testing.TestData;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkEncoderTest {

  @Test
  void encodesSpansAsAnExactSizeTraceRequest() throws Exception {
    List<SpanData> spans = TestData.spans(3, "op");
    ChunkEncoder<SpanData> encoder = ChunkEncoder.spans();

    Chunk chunk = encoder.encode(spans, encoder.count(spans), 123L);

    ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(chunk.payload());
    assertThat(request.getSerializedSize()).isEqualTo(chunk.sizeBytes());
    List<Span> decoded = request.getResourceSpans(0).getScopeSpans(0).getSpansList();
    assertThat(decoded).extracting(Span::getName).containsExactly("op-0", "op-1", "op-2");
    assertThat(chunk.signal()).isEqualTo(Signal.SPANS);
    assertThat(chunk.itemCount()).isEqualTo(3);
    assertThat(chunk.acceptedAtEpochNanos()).isEqualTo(123L);
  }

  @Test
  void concatenatedChunksAreOneValidRequest() throws Exception {
    ChunkEncoder<SpanData> encoder = ChunkEncoder.spans();
    List<SpanData> first = TestData.spans(2, "a");
    List<SpanData> second = TestData.spans(1, "b");
    byte[] a = encoder.encode(first, 2, 0).payload();
    byte[] b = encoder.encode(second, 1, 0).payload();
    byte[] both = new byte[a.length + b.length];
    System.arraycopy(a, 0, both, 0, a.length);
    System.arraycopy(b, 0, both, a.length, b.length);

    ExportTraceServiceRequest merged = ExportTraceServiceRequest.parseFrom(both);

    assertThat(merged.getResourceSpansCount()).isEqualTo(2);
    assertThat(
            merged.getResourceSpansList().stream()
                .flatMap(rs -> rs.getScopeSpansList().stream())
                .mapToInt(ss -> ss.getSpansCount())
                .sum())
        .isEqualTo(3);
  }

  @Test
  void countsMetricDataPoints() throws Exception {
    Collection<MetricData> metrics = TestData.metrics();
    ChunkEncoder<MetricData> encoder = ChunkEncoder.metrics();

    int points = encoder.count(metrics);
    Chunk chunk = encoder.encode(metrics, points, 0);

    assertThat(points).isEqualTo(3);
    ExportMetricsServiceRequest request = ExportMetricsServiceRequest.parseFrom(chunk.payload());
    assertThat(request.getResourceMetrics(0).getScopeMetrics(0).getMetricsCount()).isEqualTo(2);
  }

  @Test
  void encodesLogRecords() throws Exception {
    ChunkEncoder<io.opentelemetry.sdk.logs.data.LogRecordData> encoder = ChunkEncoder.logs();
    var logs = TestData.logs(4);
    Chunk chunk = encoder.encode(logs, encoder.count(logs), 0);
    ExportLogsServiceRequest request = ExportLogsServiceRequest.parseFrom(chunk.payload());
    assertThat(request.getResourceLogs(0).getScopeLogs(0).getLogRecordsCount()).isEqualTo(4);
    assertThat(chunk.itemCount()).isEqualTo(4);
  }

  @Test
  void encodesCorrectlyFromSeveralThreadsAtOnce() throws Exception {
    ChunkEncoder<SpanData> encoder = ChunkEncoder.spans();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int size = t + 1;
        results.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 200; i++) {
                    List<SpanData> spans = TestData.spans(size, "t" + size);
                    Chunk chunk = encoder.encode(spans, size, 0);
                    List<Span> decoded =
                        ExportTraceServiceRequest.parseFrom(chunk.payload())
                            .getResourceSpans(0)
                            .getScopeSpans(0)
                            .getSpansList();
                    if (decoded.size() != size || !decoded.get(0).getName().equals("t" + size + "-0")) {
                      return false;
                    }
                  }
                  return true;
                }));
      }
      for (java.util.concurrent.Future<Boolean> result : results) {
        assertThat(result.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void downsamplingKeepsOneTraceInNAndEverySpanOfAKeptTrace() {
    ChunkEncoder<io.opentelemetry.sdk.trace.data.SpanData> encoder = ChunkEncoder.spans();
    java.util.Random random = new java.util.Random(7);
    int kept = 0;
    int traces = 10_000;
    for (int i = 0; i < traces; i++) {
      String traceId = String.format("%016x%016x", random.nextLong(), random.nextLong());
      io.opentelemetry.sdk.trace.data.SpanData first = span(traceId);
      io.opentelemetry.sdk.trace.data.SpanData second = span(traceId);
      boolean in = encoder.sampledIn(first, 10);
      org.assertj.core.api.Assertions.assertThat(encoder.sampledIn(second, 10)).isEqualTo(in);
      if (in) {
        kept++;
      }
    }
    org.assertj.core.api.Assertions.assertThat(kept).isBetween(traces / 10 - 150, traces / 10 + 150);
  }

  private static io.opentelemetry.sdk.trace.data.SpanData span(String traceId) {
    return io.opentelemetry.sdk.testing.trace.TestSpanData.builder()
        .setSpanContext(
            io.opentelemetry.api.trace.SpanContext.create(
                traceId,
                dev.levee.testing.TestData.nextSpanId(),
                io.opentelemetry.api.trace.TraceFlags.getSampled(),
                io.opentelemetry.api.trace.TraceState.getDefault()))
        .setName("s")
        .setKind(io.opentelemetry.api.trace.SpanKind.INTERNAL)
        .setStartEpochNanos(1)
        .setEndEpochNanos(2)
        .setStatus(io.opentelemetry.sdk.trace.data.StatusData.ok())
        .setHasEnded(true)
        .build();
  }
}
