package dev.levee.testing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.logs.TestLogRecordData;
import io.opentelemetry.sdk.testing.trace.TestSpanData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** SDK data for tests: realistic spans, real metric data from a real meter, log records. */
public final class TestData {
  public static final Resource RESOURCE =
      Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "levee-test"));
  private static final AtomicLong ids = new AtomicLong(1);

  private TestData() {}

  public static String nextSpanId() {
    return String.format("%016x", ids.getAndIncrement());
  }

  public static List<SpanData> spans(int count, String name) {
    List<SpanData> spans = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      spans.add(span(name + "-" + i));
    }
    return spans;
  }

  public static SpanData span(String name) {
    return TestSpanData.builder()
        .setResource(RESOURCE)
        .setSpanContext(
            SpanContext.create(
                "0af7651916cd43dd8448eb211c80319c",
                nextSpanId(),
                TraceFlags.getSampled(),
                TraceState.getDefault()))
        .setName(name)
        .setKind(SpanKind.SERVER)
        .setStartEpochNanos(1_000_000_000L)
        .setEndEpochNanos(2_000_000_000L)
        .setAttributes(
            Attributes.of(
                AttributeKey.stringKey("http.request.method"),
                "GET",
                AttributeKey.longKey("http.response.status_code"),
                200L))
        .setStatus(StatusData.ok())
        .setHasEnded(true)
        .setTotalRecordedEvents(0)
        .setTotalRecordedLinks(0)
        .build();
  }

  public static Collection<MetricData> metrics() {
    InMemoryMetricReader reader = InMemoryMetricReader.create();
    try (SdkMeterProvider provider =
        SdkMeterProvider.builder().setResource(RESOURCE).registerMetricReader(reader).build()) {
      var counter = provider.get("test").counterBuilder("test.requests").build();
      counter.add(1, Attributes.of(AttributeKey.stringKey("route"), "/a"));
      counter.add(2, Attributes.of(AttributeKey.stringKey("route"), "/b"));
      provider.get("test").histogramBuilder("test.latency").build().record(12.5);
      return reader.collectAllMetrics();
    }
  }

  public static List<LogRecordData> logs(int count) {
    List<LogRecordData> logs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      logs.add(
          TestLogRecordData.builder()
              .setResource(RESOURCE)
              .setSeverity(Severity.INFO)
              .setBody("log " + i)
              .setTimestamp(1_000_000_000L, java.util.concurrent.TimeUnit.NANOSECONDS)
              .build());
    }
    return logs;
  }
}
