package dev.levee.oldestsdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.levee.testing.LogCapture;
import dev.levee.testing.OtlpReceiver;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application on the oldest SDK Levee supports (1.44.1) with SDK autoconfigure and no agent:
 * {@code otel.*.exporter=levee} picks Levee for all three signals; spans, metric points and log
 * records reach a real receiver through it, journal included, and Levee's self-metrics come
 * through the SDK's own meter provider.
 */
class OldestSdkAutoconfigureTest {
  @TempDir Path journal;

  @Test
  void autoconfigureOnSdk144ChoosesLeveeForAllThreeSignals() {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        LogCapture logged = LogCapture.of("dev.levee")) {
      OpenTelemetrySdk sdk =
          AutoConfiguredOpenTelemetrySdk.builder()
              .addPropertiesSupplier(
                  () ->
                      Map.of(
                          "otel.service.name", "levee-sdk-144",
                          "otel.traces.exporter", "levee",
                          "otel.metrics.exporter", "levee",
                          "otel.logs.exporter", "levee",
                          "otel.metric.export.interval", "200",
                          "otel.bsp.schedule.delay", "50",
                          "otel.blrp.schedule.delay", "50",
                          "otel.exporter.levee.endpoint", receiver.httpEndpoint(),
                          "otel.exporter.levee.journal.directory", journal.toString()))
              .build()
              .getOpenTelemetrySdk();
      try {
        Tracer tracer = sdk.getTracer("sdk-144-check");
        for (int i = 0; i < 5; i++) {
          Span span = tracer.spanBuilder("work-" + i).startSpan();
          span.end();
        }
        sdk.getMeter("sdk-144-check")
            .counterBuilder("checks")
            .build()
            .add(3, Attributes.of(AttributeKey.stringKey("kind"), "oldest"));
        sdk.getLogsBridge()
            .get("sdk-144-check")
            .logRecordBuilder()
            .setSeverity(Severity.WARN)
            .setBody("levee on sdk 1.44")
            .emit();

        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.spanCount() >= 5);
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> receiver.metrics().stream().anyMatch(m -> m.metric().getName().equals("checks")));
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.logRecordCount() >= 1);
        // Self-metrics, registered when the SDK called afterAutoConfigure on the providers.
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    receiver.metrics().stream()
                        .anyMatch(
                            m ->
                                m.scope().equals("dev.levee.exporter")
                                    && m.metric().getName().equals("otel.sdk.exporter.span.exported")));
      } finally {
        sdk.close();
      }

      assertThat(receiver.spans())
          .filteredOn(s -> s.span().getName().startsWith("work-"))
          .hasSize(5)
          .allSatisfy(s -> assertThat(s.serviceName()).isEqualTo("levee-sdk-144"));
      assertThat(receiver.logs())
          .anySatisfy(l -> assertThat(l.log().getBody().getStringValue()).isEqualTo("levee on sdk 1.44"));
      assertThat(receiver.duplicateSpanCount()).isZero();
      assertThat(journal.resolve("traces")).isDirectory();
      assertThat(logged.messages(Level.INFO))
          .contains(
              "Levee on OpenTelemetry SDK 1.44.1: off here: log event names (SDK 1.50+), resource"
                  + " entity references (SDK 1.67+), the levee component in declarative"
                  + " configuration files (SDK 1.54+).");
      assertThat(logged.messages(Level.SEVERE)).isEmpty();
    }
  }
}
