package dev.levee.springboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.levee.testing.OtlpReceiver;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * An application with the OpenTelemetry Spring Boot starter and no agent: Levee is chosen by name
 * in its Spring properties ({@code otel.traces.exporter=levee}, and the {@code
 * otel.exporter.levee.*} keys), and what the application traces and logs reaches a real receiver
 * through Levee, journal included.
 */
class SpringStarterTest {
  @TempDir Path journal;

  /** The application: nothing but the starter's auto-configuration. */
  @SpringBootApplication
  static class App {}

  @Test
  void theStarterPicksLeveeByNameFromSpringProperties() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      SpringApplication application = new SpringApplication(App.class);
      application.setWebApplicationType(WebApplicationType.NONE);
      application.setDefaultProperties(
          Map.of(
              "spring.application.name", "levee-spring",
              "otel.traces.exporter", "levee",
              "otel.metrics.exporter", "levee",
              "otel.logs.exporter", "levee",
              "otel.metric.export.interval", "200",
              "otel.bsp.schedule.delay", "50",
              "otel.exporter.levee.endpoint", receiver.httpEndpoint(),
              "otel.exporter.levee.journal.directory", journal.toString()));
      try (ConfigurableApplicationContext context = application.run()) {
        OpenTelemetry openTelemetry = context.getBean(OpenTelemetry.class);
        Tracer tracer = openTelemetry.getTracer("spring-check");
        for (int i = 0; i < 5; i++) {
          Span span = tracer.spanBuilder("spring-work-" + i).startSpan();
          span.end();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.spanCount() >= 5);
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.dataPointCount() > 0);
        // The starter's Logback appender sends the application's log lines as log records.
        org.slf4j.LoggerFactory.getLogger(SpringStarterTest.class).info("levee-spring log line");
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    receiver.logs().stream()
                        .anyMatch(l -> l.log().getBody().getStringValue().equals("levee-spring log line")));
      }
      assertThat(receiver.spans())
          .filteredOn(s -> s.span().getName().startsWith("spring-work-"))
          .hasSize(5)
          .allSatisfy(s -> assertThat(s.serviceName()).isEqualTo("levee-spring"));
      // The journal was opened for each signal: the starter built Levee with its journal.
      assertThat(journal.resolve("traces")).isDirectory();
      assertThat(journal.resolve("metrics")).isDirectory();
      assertThat(receiver.duplicateSpanCount()).isZero();
    }
  }
}
