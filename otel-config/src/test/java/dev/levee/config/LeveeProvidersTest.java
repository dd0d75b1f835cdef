package dev.levee.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.levee.buffer.Signal;
import dev.levee.config.internal.DiscardingExporters;
import dev.levee.config.internal.ExporterFactory;
import dev.levee.exporter.LeveeLogRecordExporter;
import dev.levee.exporter.LeveeMetricExporter;
import dev.levee.exporter.LeveeSpanExporter;
import dev.levee.exporter.LeveeStats;
import dev.levee.testing.LogCapture;
import dev.levee.testing.OtlpReceiver;
import dev.levee.testing.TestData;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.internal.DefaultConfigProperties;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeveeProvidersTest {
  private LogCapture logged;

  @BeforeEach
  void captureLogs() {
    logged = LogCapture.of("dev.levee");
  }

  @AfterEach
  void releaseLogs() {
    logged.close();
  }

  /** Properties for a test; the journal is off unless the test says otherwise. */
  private static io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties config(Map<String, String> values) {
    Map<String, String> all = new java.util.HashMap<>(values);
    all.putIfAbsent("otel.exporter.levee.journal.mode", "off");
    return DefaultConfigProperties.createFromMap(all);
  }

  private List<String> severeMessages() {
    return logged.messages(Level.SEVERE);
  }

  @Test
  void allThreeProvidersAreNamedLevee() {
    assertThat(new LeveeSpanExporterProvider().getName()).isEqualTo("levee");
    assertThat(new LeveeMetricExporterProvider().getName()).isEqualTo("levee");
    assertThat(new LeveeLogRecordExporterProvider().getName()).isEqualTo("levee");
  }

  @Test
  void aBadValueIsReportedByNameAndTheRestStillApplies() {
    var config =
        config(
            Map.of(
                "otel.exporter.levee.memory.limit", "12XB",
                "otel.exporter.levee.traces.memory.limit", "1MiB",
                "otel.exporter.levee.logs.batch.max.size", "lots"));
    SpanExporter spans = new LeveeSpanExporterProvider().createExporter(config);
    LogRecordExporter logs = new LeveeLogRecordExporterProvider().createExporter(config);
    try {
      assertThat(spans).isInstanceOf(LeveeSpanExporter.class);
      assertThat(((LeveeSpanExporter) spans).stats().memoryLimitBytes()).isEqualTo(1 << 20);
      assertThat(logs).isInstanceOf(LeveeLogRecordExporter.class);
      assertThat(((LeveeLogRecordExporter) logs).stats().memoryLimitBytes())
          .isEqualTo(32L << 20);
      assertThat(severeMessages())
          .containsExactly(
              "Levee configuration error: Invalid value for otel.exporter.levee.memory.limit:"
                  + " '12XB' (expected a size such as 65536, 512KiB, 64MiB or 1GiB); using 32MiB"
                  + " instead",
              "Levee configuration error: Invalid value for"
                  + " otel.exporter.levee.logs.batch.max.size: 'lots' (expected a size such as"
                  + " 65536, 512KiB, 64MiB or 1GiB); using 2MiB instead");
    } finally {
      spans.shutdown().join(10, TimeUnit.SECONDS);
      logs.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aBadEndpointFallsBackToTheDefaultEndpoint() {
    var config =
        config(Map.of("otel.exporter.levee.endpoint", "collector:4317"));
    SpanExporter spans = new LeveeSpanExporterProvider().createExporter(config);
    try {
      assertThat(spans.toString()).contains("endpoints=[http://localhost:4318/v1/traces]");
      assertThat(severeMessages())
          .containsExactly(
              "Levee configuration error: Invalid value for otel.exporter.levee.endpoint:"
                  + " 'collector:4317' (endpoint must be a URL with scheme http or https and a host,"
                  + " was 'collector:4317'); using http://localhost:4318/v1/traces instead");
    } finally {
      spans.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void severalEndpointsAndTheirModeAreRead() {
    var config =
        config(
            Map.of(
                "otel.exporter.levee.endpoints", "http://primary:4318, http://secondary:4318/otlp/",
                "otel.exporter.levee.endpoints.mode", "round_robin"));
    SpanExporter spans = new LeveeSpanExporterProvider().createExporter(config);
    try {
      assertThat(spans.toString())
          .contains("endpoints=[http://primary:4318/v1/traces, http://secondary:4318/otlp/v1/traces]")
          .contains("endpointMode=ROUND_ROBIN");
      assertThat(severeMessages()).isEmpty();
    } finally {
      spans.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void anUnknownBufferProviderKeepsTheMemoryTier() {
    var config =
        config(Map.of("otel.exporter.levee.buffer.provider", "disk"));
    SpanExporter spans = new LeveeSpanExporterProvider().createExporter(config);
    try {
      assertThat(spans).isInstanceOf(LeveeSpanExporter.class);
      assertThat(severeMessages())
          .containsExactly(
              "Levee configuration error: Invalid value for otel.exporter.levee.buffer.provider:"
                  + " 'disk' (No buffer provider named 'disk'; found [memory]); using memory instead");
    } finally {
      spans.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aCertificateFileWithoutCertificatesIsReportedAndNotUsed(@TempDir Path dir) throws Exception {
    Path garbage = dir.resolve("ca.pem");
    Files.writeString(garbage, "not a certificate", StandardCharsets.UTF_8);
    var config =
        config(
            Map.of(
                "otel.exporter.levee.endpoint", "https://collector.example:4317",
                "otel.exporter.levee.certificate", garbage.toString()));

    SpanExporter spans = new LeveeSpanExporterProvider().createExporter(config);
    try {
      assertThat(spans).isInstanceOf(LeveeSpanExporter.class);
      assertThat(spans.toString()).contains("trustedCertificates=default");
      assertThat(severeMessages())
          .singleElement()
          .asString()
          .startsWith(
              "Levee configuration error: Invalid value for otel.exporter.levee.certificate: '"
                  + garbage
                  + "' (trustedCertificates must hold PEM X.509 certificates")
          .endsWith("; using the JDK's trusted certificates instead");
    } finally {
      spans.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void anExporterThatCannotBeBuiltIsReplacedByOneThatDiscardsAndCounts() {
    SpanExporter spans =
        ExporterFactory.create(
            Signal.SPANS,
            config(Map.of()),
            configurer -> {
              throw new NoClassDefFoundError("dev/levee/shaded/io/grpc/Channel");
            },
            DiscardingExporters.Spans::new);

    assertThat(spans).isInstanceOf(DiscardingExporters.Spans.class);
    assertThat(severeMessages())
        .containsExactly(
            "Levee could not start its spans exporter; spans will be discarded (and counted) until"
                + " the configuration is fixed and the application restarted. Cause:"
                + " java.lang.NoClassDefFoundError: dev/levee/shaded/io/grpc/Channel");
    assertThat(spans.export(TestData.spans(3, "span")).isSuccess()).isFalse();
    assertThat(((DiscardingExporters.Spans) spans).discarded()).isEqualTo(3);
  }

  @Test
  void metricTemporalityFollowsTheOtlpPreference() {
    var config =
        config(
            Map.of("otel.exporter.otlp.metrics.temporality.preference", "delta"));
    MetricExporter metrics = new LeveeMetricExporterProvider().createExporter(config);
    try {
      assertThat(metrics).isInstanceOf(LeveeMetricExporter.class);
      assertThat(metrics.getAggregationTemporality(InstrumentType.COUNTER))
          .isEqualTo(AggregationTemporality.DELTA);
      assertThat(metrics.getAggregationTemporality(InstrumentType.UP_DOWN_COUNTER))
          .isEqualTo(AggregationTemporality.CUMULATIVE);
    } finally {
      metrics.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void autoconfigurePicksLeveeUpByName() {
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      AutoConfiguredOpenTelemetrySdk auto =
          AutoConfiguredOpenTelemetrySdk.builder()
              .addPropertiesSupplier(
                  () ->
                      Map.of(
                          "otel.service.name", "autoconfigured",
                          "otel.traces.exporter", "levee",
                          "otel.metrics.exporter", "none",
                          "otel.logs.exporter", "none",
                          // OTLP/HTTP, the default protocol: the base gets /v1/traces
                          "otel.exporter.otlp.endpoint", receiver.httpEndpoint(),
                          "otel.exporter.levee.journal.mode", "off"))
              .disableShutdownHook()
              .build();
      OpenTelemetrySdk sdk = auto.getOpenTelemetrySdk();
      Tracer tracer = sdk.getTracer("test");
      tracer.spanBuilder("via-autoconfigure").startSpan().end();
      assertThat(sdk.getSdkTracerProvider().forceFlush().join(10, TimeUnit.SECONDS).isSuccess())
          .isTrue();
      sdk.shutdown().join(10, TimeUnit.SECONDS);

      assertThat(receiver.spans()).singleElement().satisfies(span -> {
        assertThat(span.span().getName()).isEqualTo("via-autoconfigure");
        assertThat(span.serviceName()).isEqualTo("autoconfigured");
      });
    }
  }

  private static OpenTelemetrySdk autoconfigured(Map<String, String> extra) {
    Map<String, String> properties = new java.util.HashMap<>(extra);
    properties.putIfAbsent("otel.metrics.exporter", "none");
    properties.putIfAbsent("otel.exporter.levee.journal.mode", "off");
    return AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesSupplier(() -> properties)
        .disableShutdownHook()
        .build()
        .getOpenTelemetrySdk();
  }

  @Test
  void leveesProcessorTakesTheBatchProcessorsPlaceAndLosesNothingOfABurst() {
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      OpenTelemetrySdk sdk =
          autoconfigured(
              Map.of(
                  "otel.traces.exporter", "levee",
                  "otel.logs.exporter", "levee",
                  "otel.bsp.max.queue.size", "100",
                  "otel.exporter.levee.endpoint", receiver.httpEndpoint()));
      assertThat(sdk.getSdkTracerProvider().toString()).contains("LeveeSpanProcessor");
      assertThat(sdk.getSdkTracerProvider().toString()).doesNotContain("BatchSpanProcessor");
      assertThat(sdk.getSdkLoggerProvider().toString()).contains("LeveeLogRecordProcessor");
      assertThat(logged.messages(Level.INFO))
          .anyMatch(m -> m.contains("otel.bsp.max.queue.size=100 is replaced by otel.exporter.levee.memory.limit"));
      Tracer tracer = sdk.getTracer("test");
      // Far beyond the batch processor's queue (100 here): none of it may be dropped.
      for (int i = 0; i < 5_000; i++) {
        tracer.spanBuilder("burst-" + i).startSpan().end();
      }
      sdk.getLogsBridge().get("test").logRecordBuilder().setBody("one").emit();
      assertThat(sdk.shutdown().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();

      assertThat(receiver.spanCount()).isEqualTo(5_000);
      assertThat(receiver.logRecordCount()).isEqualTo(1);
    }
  }

  @Test
  void processorBatchKeepsTheSdksBatchProcessor() {
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      OpenTelemetrySdk sdk =
          autoconfigured(
              Map.of(
                  "otel.traces.exporter", "levee",
                  "otel.logs.exporter", "none",
                  "otel.exporter.levee.traces.processor", "batch",
                  "otel.exporter.otlp.protocol", "grpc",
                  "otel.exporter.levee.endpoint", receiver.endpoint()));
      assertThat(sdk.getSdkTracerProvider().toString()).contains("BatchSpanProcessor");
      sdk.getTracer("test").spanBuilder("through-the-batch-processor").startSpan().end();
      assertThat(sdk.shutdown().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      assertThat(receiver.spanCount()).isEqualTo(1);
    }
  }

  @Test
  void aBadProcessorValueIsNamedAndLeveesProcessorStays() {
    OpenTelemetrySdk sdk =
        autoconfigured(
            Map.of(
                "otel.traces.exporter", "levee",
                "otel.logs.exporter", "none",
                "otel.exporter.levee.processor", "bogus",
                "otel.exporter.levee.endpoint", "http://127.0.0.1:1"));
    try {
      assertThat(sdk.getSdkTracerProvider().toString()).contains("LeveeSpanProcessor");
      assertThat(logged.messages(Level.SEVERE))
          .anyMatch(
              m ->
                  m.contains("otel.exporter.levee.processor: 'bogus'")
                      && m.contains("using levee instead"));
    } finally {
      sdk.shutdown().join(10, TimeUnit.SECONDS);
    }
  }
}
