package dev.levee.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.levee.testing.OtlpReceiver;
import dev.levee.testing.Ports;
import dev.levee.testing.TestData;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.time.TestClock;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The self-metrics read the exporter's own counters, with the semantic-convention attributes. */
class LeveeMetricsTest {
  private final OtlpReceiver receiver = OtlpReceiver.start();
  private final InMemoryMetricReader reader = InMemoryMetricReader.create();
  private final SdkMeterProvider meterProvider = SdkMeterProvider.builder().registerMetricReader(reader).build();

  @AfterEach
  void close() {
    meterProvider.close();
    receiver.close();
  }

  private static long value(Collection<MetricData> metrics, String name, Attributes where) {
    return metrics.stream()
        .filter(m -> m.getName().equals(name))
        .flatMap(m -> m.getData().getPoints().stream())
        .filter(p -> p.getAttributes().asMap().entrySet().containsAll(where.asMap().entrySet()))
        .mapToLong(p -> ((LongPointData) p).getValue())
        .sum();
  }

  @Test
  void theThreeExportersShareLeveesInstrumentsWithoutAConflictingDefinition() {
    LeveeSpanExporter spans = LeveeSpanExporter.builder().setEndpoint(receiver.endpoint()).build();
    LeveeLogRecordExporter logs =
        LeveeLogRecordExporter.builder().setEndpoint(receiver.endpoint()).build();
    LeveeMetricExporter metricExporter =
        LeveeMetricExporter.builder().setEndpoint(receiver.endpoint()).build();
    try (dev.levee.testing.LogCapture sdkLog =
            dev.levee.testing.LogCapture.of("io.opentelemetry.sdk.metrics");
        LeveeMetrics a = spans.registerMetrics(meterProvider);
        LeveeMetrics b = logs.registerMetrics(meterProvider);
        LeveeMetrics c = metricExporter.registerMetrics(meterProvider)) {
      Collection<MetricData> metrics = reader.collectAllMetrics();
      assertThat(sdkLog.messages(java.util.logging.Level.WARNING))
          .noneMatch(message -> message.contains("duplicate metric definition"));
      MetricData dropped =
          metrics.stream().filter(m -> m.getName().equals("levee.dropped")).findFirst().orElseThrow();
      assertThat(dropped.getUnit()).isEqualTo("{item}");
      assertThat(
              dropped.getLongSumData().getPoints().stream()
                  .map(p -> p.getAttributes().get(AttributeKey.stringKey("otel.component.type")))
                  .distinct())
          .containsExactlyInAnyOrder(
              "levee_span_exporter", "levee_log_exporter", "levee_metric_exporter");
    } finally {
      spans.shutdown().join(10, TimeUnit.SECONDS);
      logs.shutdown().join(10, TimeUnit.SECONDS);
      metricExporter.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void exportedInflightAndDropsMatchTheStats() {
    LeveeSpanExporter exporter =
        LeveeSpanExporter.builder()
            .setEndpoint(receiver.endpoint())
            .setRateLimit(10, 0, Duration.ofSeconds(1))
            .setRateLimitPolicy("drop")
            .build();
    try (LeveeMetrics registered = exporter.registerMetrics(meterProvider)) {
      exporter.export(TestData.spans(10, "within"));
      exporter.export(TestData.spans(5, "over")); // over the limit: rate_limited
      assertThat(exporter.flush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();

      Collection<MetricData> metrics = reader.collectAllMetrics();

      Attributes component =
          Attributes.of(
              AttributeKey.stringKey("otel.component.type"), "levee_span_exporter",
              AttributeKey.stringKey("server.address"), "127.0.0.1");
      LeveeStats stats = exporter.stats();
      MetricData exported =
          metrics.stream().filter(m -> m.getName().equals("otel.sdk.exporter.span.exported")).findFirst().orElseThrow();
      assertThat(exported.getUnit()).isEqualTo("{span}");
      assertThat(exported.getDescription()).isNotEmpty();
      assertThat(value(metrics, "otel.sdk.exporter.span.exported", component)).isEqualTo(15);
      assertThat(
              value(
                  metrics,
                  "otel.sdk.exporter.span.exported",
                  Attributes.of(AttributeKey.stringKey("error.type"), "rate_limited")))
          .isEqualTo(5);
      assertThat(stats.delivered()).isEqualTo(10);
      assertThat(value(metrics, "otel.sdk.exporter.span.inflight", component)).isZero();
      assertThat(value(metrics, "levee.dropped", Attributes.of(AttributeKey.stringKey("levee.drop.reason"), "rate_limited")))
          .isEqualTo(5);
      assertThat(value(metrics, "levee.memory.limit", component)).isEqualTo(32L << 20);
      assertThat(value(metrics, "levee.breaker.state", Attributes.of(AttributeKey.stringKey("levee.breaker.state"), "closed")))
          .isEqualTo(1);
      MetricData durations =
          metrics.stream()
              .filter(m -> m.getName().equals("otel.sdk.exporter.operation.duration"))
              .findFirst()
              .orElseThrow();
      assertThat(durations.getUnit()).isEqualTo("s");
      assertThat(durations.getHistogramData().getPoints())
          .allSatisfy(
              p -> {
                assertThat(p.getAttributes().get(AttributeKey.longKey("rpc.grpc.status_code"))).isZero();
                assertThat(p.getAttributes().get(AttributeKey.stringKey("error.type"))).isNull();
                assertThat(p.getAttributes().get(AttributeKey.stringKey("otel.component.type")))
                    .isEqualTo("levee_span_exporter");
              });
      assertThat(durations.getHistogramData().getPoints().stream().mapToLong(p -> p.getCount()).sum())
          .isPositive();
      assertThat(metrics).allSatisfy(m -> assertThat(m.getDescription()).as(m.getName()).isNotEmpty());
      assertThat(metrics)
          .allSatisfy(m -> assertThat(m.getInstrumentationScopeInfo().getName()).isEqualTo("dev.levee.exporter"));
    } finally {
      exporter.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aFailedRequestIsTimedWithItsStatusAndErrorType() {
    receiver.failNext(1, io.grpc.Status.UNAVAILABLE, Duration.ofMillis(10));
    LeveeSpanExporter exporter = LeveeSpanExporter.builder().setEndpoint(receiver.endpoint()).build();
    try (LeveeMetrics registered = exporter.registerMetrics(meterProvider)) {
      exporter.export(TestData.spans(2, "retried"));
      assertThat(exporter.flush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();

      MetricData durations =
          reader.collectAllMetrics().stream()
              .filter(m -> m.getName().equals("otel.sdk.exporter.operation.duration"))
              .findFirst()
              .orElseThrow();
      assertThat(durations.getHistogramData().getPoints())
          .anySatisfy(
              p -> {
                assertThat(p.getAttributes().get(AttributeKey.longKey("rpc.grpc.status_code"))).isEqualTo(14L);
                assertThat(p.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("UNAVAILABLE");
                assertThat(p.getCount()).isEqualTo(1);
              })
          .anySatisfy(p -> assertThat(p.getAttributes().get(AttributeKey.longKey("rpc.grpc.status_code"))).isZero());
    } finally {
      exporter.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void registeredWhenNeededTheyAreMadeByTheFirstRequestWhichTheyRecord() {
    TestClock clock = TestClock.create(); // stands still: only the request can register them
    LeveeSpanExporter exporter =
        LeveeSpanExporter.builder().setEndpoint(receiver.endpoint()).setClock(clock).build();
    try {
      exporter.registerMetricsWhenNeeded(meterProvider);
      assertThat(reader.collectAllMetrics()).isEmpty();

      exporter.export(TestData.spans(3, "first"));
      assertThat(exporter.flush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();

      Collection<MetricData> metrics = reader.collectAllMetrics();
      assertThat(value(metrics, "otel.sdk.exporter.span.exported", Attributes.empty())).isEqualTo(3);
      MetricData durations =
          metrics.stream()
              .filter(m -> m.getName().equals("otel.sdk.exporter.operation.duration"))
              .findFirst()
              .orElseThrow();
      // Every request, the first (which registered them) included.
      assertThat(durations.getHistogramData().getPoints().stream().mapToLong(p -> p.getCount()).sum())
          .isEqualTo(receiver.requestCount());
    } finally {
      exporter.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void registeredWhenNeededAnIdleExportersAreMadeAsTimePassesWithoutARequest() {
    TestClock clock = TestClock.create();
    LeveeSpanExporter exporter =
        LeveeSpanExporter.builder().setEndpoint(Ports.closedPortEndpoint()).setClock(clock).build();
    try {
      exporter.registerMetricsWhenNeeded(meterProvider);
      assertThat(reader.collectAllMetrics()).isEmpty();
      // Time passes on the exporter's clock (a second per poll); the dispatcher's ticks make them
      // (when exactly: WatchRegistrationTest).
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                clock.advance(Duration.ofSeconds(1));
                return value(reader.collectAllMetrics(), "levee.memory.limit", Attributes.empty()) == 32L << 20;
              });
      assertThat(exporter.stats().offered()).isZero();
    } finally {
      exporter.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void closingTheRegistrationRemovesTheInstruments() {
    LeveeSpanExporter exporter = LeveeSpanExporter.builder().setEndpoint(Ports.closedPortEndpoint()).build();
    try {
      LeveeMetrics registered = exporter.registerMetrics(meterProvider);
      assertThat(reader.collectAllMetrics()).isNotEmpty();
      registered.close();
      assertThat(reader.collectAllMetrics()).isEmpty();
    } finally {
      exporter.shutdown().join(10, TimeUnit.SECONDS);
    }
  }
}
