package dev.levee.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.levee.testing.LogCapture;
import dev.levee.testing.OtlpReceiver;
import dev.levee.testing.TestData;
import io.opentelemetry.sdk.autoconfigure.spi.internal.DefaultConfigProperties;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The protocol and endpoints, read as the OTLP exporter specification says. */
class ProtocolConfigTest {
  private LogCapture logged;

  @BeforeEach
  void captureLogs() {
    logged = LogCapture.of("dev.levee");
  }

  @AfterEach
  void releaseLogs() {
    logged.close();
  }

  private static io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties config(Map<String, String> values) {
    Map<String, String> all = new java.util.HashMap<>(values);
    all.putIfAbsent("otel.exporter.levee.journal.mode", "off");
    return DefaultConfigProperties.createFromMap(all);
  }

  /** What each signal's exporter says of itself, for these properties. */
  private static List<String> described(Map<String, String> values) {
    var config = config(values);
    List<String> described = new java.util.ArrayList<>();
    var spans = new LeveeSpanExporterProvider().createExporter(config);
    var metrics = new LeveeMetricExporterProvider().createExporter(config);
    var logs = new LeveeLogRecordExporterProvider().createExporter(config);
    described.add(spans.toString());
    described.add(metrics.toString());
    described.add(logs.toString());
    spans.shutdown().join(10, TimeUnit.SECONDS);
    metrics.shutdown().join(10, TimeUnit.SECONDS);
    logs.shutdown().join(10, TimeUnit.SECONDS);
    return described;
  }

  @Test
  void withNothingSetItIsOtlpHttpToTheLocalCollectorAsTheAgentDefaults() {
    assertThat(described(Map.of()))
        .satisfiesExactly(
            spans -> assertThat(spans).contains("protocol=http/protobuf, endpoints=[http://localhost:4318/v1/traces]"),
            metrics -> assertThat(metrics).contains("protocol=http/protobuf, endpoints=[http://localhost:4318/v1/metrics]"),
            logs -> assertThat(logs).contains("protocol=http/protobuf, endpoints=[http://localhost:4318/v1/logs]"));
    assertThat(logged.messages(Level.WARNING)).isEmpty();
  }

  @Test
  void theOtlpProtocolIsInheritedAndGrpcDefaultsToPort4317() {
    assertThat(described(Map.of("otel.exporter.otlp.protocol", "grpc")))
        .allSatisfy(each -> assertThat(each).contains("protocol=grpc, endpoints=[http://localhost:4317]"));
    // Per signal, and Levee's own key before the OTLP exporter's.
    assertThat(
            described(
                Map.of(
                    "otel.exporter.otlp.protocol", "grpc",
                    "otel.exporter.otlp.metrics.protocol", "http/protobuf",
                    "otel.exporter.levee.logs.protocol", "http/protobuf")))
        .satisfiesExactly(
            spans -> assertThat(spans).contains("protocol=grpc"),
            metrics -> assertThat(metrics).contains("protocol=http/protobuf, endpoints=[http://localhost:4318/v1/metrics]"),
            logs -> assertThat(logs).contains("protocol=http/protobuf, endpoints=[http://localhost:4318/v1/logs]"));
  }

  @Test
  void aGeneralEndpointGetsTheSignalsPathAndAPerSignalOneIsUsedAsGiven() {
    assertThat(
            described(
                Map.of(
                    "otel.exporter.otlp.endpoint", "https://gateway.example/otlp/",
                    "otel.exporter.otlp.traces.endpoint", "https://traces.example/ingest",
                    "otel.exporter.levee.logs.endpoint", "http://logs.example:4318")))
        .satisfiesExactly(
            spans -> assertThat(spans).contains("endpoints=[https://traces.example/ingest]"),
            metrics -> assertThat(metrics).contains("endpoints=[https://gateway.example/otlp/v1/metrics]"),
            // A per-signal URL without a path gets the signal's: nothing else could be meant.
            logs -> assertThat(logs).contains("endpoints=[http://logs.example:4318/v1/logs]"));
    // Over gRPC the path means nothing and is left alone.
    assertThat(
            described(
                Map.of("otel.exporter.otlp.protocol", "grpc", "otel.exporter.levee.endpoint", "http://collector:4317")))
        .allSatisfy(each -> assertThat(each).contains("endpoints=[http://collector:4317]"));
  }

  @Test
  void aBadProtocolIsNamedAndTheDefaultKept() {
    assertThat(described(Map.of("otel.exporter.otlp.protocol", "http/json")))
        .allSatisfy(each -> assertThat(each).contains("protocol=http/protobuf"));
    assertThat(logged.messages(Level.SEVERE))
        .hasSize(3)
        .allSatisfy(
            message ->
                assertThat(message)
                    .isEqualTo(
                        "Levee configuration error: Invalid value for otel.exporter.otlp.protocol: 'http/json'"
                            + " (expected grpc or http/protobuf); using http/protobuf instead"));
  }

  @Test
  void theOtherProtocolsPortIsNamedOnceForAllSignals() {
    described(Map.of("otel.exporter.otlp.endpoint", "http://collector:4317"));
    described(Map.of("otel.exporter.otlp.endpoint", "http://collector:4317"));
    assertThat(logged.messages(Level.WARNING))
        .containsExactly(
            "Levee sends OTLP/HTTP (the default protocol, http/protobuf) to port 4317, where OTLP"
                + " receivers listen for grpc (otel.exporter.otlp.endpoint=http://collector:4317). If"
                + " requests fail, set the protocol to grpc or the endpoint to port 4318.");
    // No conflict, no line.
    described(Map.of("otel.exporter.otlp.protocol", "grpc", "otel.exporter.otlp.endpoint", "http://collector:4317"));
    assertThat(logged.messages(Level.WARNING)).hasSize(1);
  }

  @Test
  void eachSignalIsDeliveredOverHttpWithTheAgentsDefaults() {
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      var config = config(Map.of("otel.exporter.otlp.endpoint", receiver.httpEndpoint(), "otel.exporter.otlp.compression", "gzip"));
      var spans = new LeveeSpanExporterProvider().createExporter(config);
      var metrics = new LeveeMetricExporterProvider().createExporter(config);
      var logs = new LeveeLogRecordExporterProvider().createExporter(config);
      try {
        assertThat(spans.export(TestData.spans(3, "http")).join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
        assertThat(metrics.export(TestData.metrics()).join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
        assertThat(logs.export(TestData.logs(2)).join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
        assertThat(spans.flush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
        assertThat(metrics.flush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
        assertThat(logs.flush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
        assertThat(receiver.spanCount()).isEqualTo(3);
        assertThat(receiver.dataPointCount()).isPositive();
        assertThat(receiver.logRecordCount()).isEqualTo(2);
        assertThat(receiver.lastHeader("content-encoding")).contains("gzip");
      } finally {
        spans.shutdown().join(10, TimeUnit.SECONDS);
        metrics.shutdown().join(10, TimeUnit.SECONDS);
        logs.shutdown().join(10, TimeUnit.SECONDS);
      }
    }
  }
}
