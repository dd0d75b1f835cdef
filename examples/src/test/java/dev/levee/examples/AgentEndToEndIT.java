package dev.levee.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.levee.testing.AgentProcess;
import dev.levee.testing.LeveeAccounting;
import dev.levee.testing.LeveeAccounting.Counts;
import dev.levee.testing.OtlpReceiver;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The demo app under the real {@code opentelemetry-javaagent} in a child JVM, with the shaded
 * Levee extension, against a real OTLP/gRPC receiver. Runs on the build's JDK (17) and on JDK 25.
 */
class AgentEndToEndIT {
  private static final int ITERATIONS = 6;
  private static final Duration CHILD_LIMIT = Duration.ofMinutes(2);

  static Stream<Arguments> jdks() {
    List<Arguments> jdks = new ArrayList<>();
    jdks.add(Arguments.of("17", Path.of(System.getProperty("java.home"))));
    jdks.add(Arguments.of("25", Path.of(System.getProperty("levee.it.jdk25"))));
    return jdks.stream();
  }

  private static void requireJdk(String version, Path javaHome) throws IOException {
    Path java = javaHome.resolve("bin/java");
    // The machines this project builds on have both JDKs; elsewhere the Java 25 run is skipped
    // and says so (set -Dlevee.it.jdk25=... to point at one).
    Assumptions.assumeTrue(
        Files.isExecutable(java), "No JDK " + version + " at " + javaHome + "; skipping that run");
    String release = Files.readString(javaHome.resolve("release"));
    assertThat(release).contains("JAVA_VERSION=\"" + version);
  }

  private static AgentProcess.Builder demoApp(Path javaHome) {
    return AgentProcess.builder()
        .javaHome(javaHome)
        .agentJar(Path.of(System.getProperty("levee.agent.jar")))
        .extensionJar(Path.of(System.getProperty("levee.extension.jar")))
        .classpath(List.of(Path.of(System.getProperty("levee.examples.jar"))))
        .mainClass("dev.levee.examples.app.DemoApp")
        .leveeForAllSignals()
        .property("otel.service.name", "levee-e2e")
        .property("otel.metric.export.interval", "500")
        .arg(String.valueOf(ITERATIONS));
  }

  @ParameterizedTest(name = "Java {0}")
  @MethodSource("jdks")
  void deliversSpansMetricsAndLogsFromTheRealAgent(String version, Path javaHome)
      throws IOException {
    requireJdk(version, javaHome);
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      AgentProcess app =
          demoApp(javaHome)
              // Through the environment, as most deployments configure the agent.
              .env("OTEL_EXPORTER_LEVEE_ENDPOINT", receiver.endpoint())
              .env("OTEL_EXPORTER_LEVEE_METRICS_TEMPORALITY_PREFERENCE", "delta")
              .start();

      assertThat(app.awaitExit(CHILD_LIMIT)).as(app.output()).isZero();
      String output = app.output();

      // Spans: exactly the app's four per iteration, all with the service name. Levee's own
      // gRPC calls made none (they would show up here as extra spans).
      List<Span> spans = receiver.spans().stream().map(s -> s.span()).toList();
      assertThat(spans).as(output).hasSize(4 * ITERATIONS);
      assertThat(receiver.spans()).allSatisfy(s -> assertThat(s.serviceName()).isEqualTo("levee-e2e"));
      assertThat(spans.stream().filter(s -> s.getName().equals("demo-work"))).hasSize(ITERATIONS);
      assertThat(spans.stream().filter(s -> s.getName().equals("demo-step"))).hasSize(ITERATIONS);
      assertThat(
              receiver.spans().stream()
                  .filter(s -> s.span().getKind() == Span.SpanKind.SPAN_KIND_CLIENT)
                  .filter(s -> s.attribute("http.request.method").orElse("").equals("GET")))
          .hasSize(ITERATIONS);
      assertThat(
              receiver.spans().stream()
                  .filter(s -> s.span().getKind() == Span.SpanKind.SPAN_KIND_SERVER))
          .hasSize(ITERATIONS);
      assertThat(receiver.spans())
          .noneMatch(s -> s.attribute("rpc.system").isPresent())
          .noneMatch(s -> s.span().getName().contains("opentelemetry.proto"));
      assertThat(receiver.duplicateSpanCount()).isZero();

      // Metrics: the app's counter, with the temporality asked for through the environment.
      List<Metric> demoRequests =
          receiver.metrics().stream()
              .map(m -> m.metric())
              .filter(m -> m.getName().equals("demo.requests"))
              .toList();
      assertThat(demoRequests).isNotEmpty();
      assertThat(demoRequests)
          .allSatisfy(
              m ->
                  assertThat(m.getSum().getAggregationTemporality())
                      .isEqualTo(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA));
      assertThat(
              demoRequests.stream()
                  .flatMap(m -> m.getSum().getDataPointsList().stream())
                  .mapToLong(p -> p.getAsInt())
                  .sum())
          .isEqualTo(ITERATIONS);
      assertThat(receiver.metrics()).noneMatch(m -> m.metric().getName().startsWith("rpc."));

      // Logs: the app's JUL records, and nothing from Levee or its gRPC client.
      assertThat(
              receiver.logs().stream()
                  .filter(l -> l.log().getBody().getStringValue().startsWith("Handled request")))
          .hasSize(ITERATIONS);
      assertThat(receiver.logs())
          .extracting(l -> l.scope())
          .containsOnly("dev.levee.examples.app.DemoApp");

      // Levee's own accounting reconciles with what the receiver got, exactly.
      Map<String, Counts> accounting = LeveeAccounting.parse(output);
      assertThat(accounting).as(output).containsOnlyKeys("spans", "metrics", "logs");
      assertReconciled(accounting.get("spans"), receiver.spanCount());
      assertReconciled(accounting.get("metrics"), receiver.dataPointCount());
      assertReconciled(accounting.get("logs"), receiver.logRecordCount());

      // No JVM warnings caused by Levee in the host's output.
      assertThat(output).doesNotContain("sun.misc.Unsafe").doesNotContain("restricted method");
    }
  }

  private static void assertReconciled(Counts counts, long received) {
    assertThat(counts.delivered()).isEqualTo(received);
    assertThat(counts.offered()).isEqualTo(counts.delivered() + counts.dropped() + counts.pending());
    assertThat(counts.dropped()).isZero();
    assertThat(counts.pending()).isZero();
  }

  @ParameterizedTest(name = "Java {0}")
  @MethodSource("jdks")
  void shutdownWithTheReceiverDownEndsAndCountsWhatWasNotDelivered(String version, Path javaHome)
      throws IOException {
    requireJdk(version, javaHome);
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    AgentProcess app =
        demoApp(javaHome)
            .property("otel.exporter.levee.endpoint", "http://127.0.0.1:" + closedPort)
            .property("otel.exporter.levee.shutdown.timeout", "1s")
            .start();

    assertThat(app.awaitExit(CHILD_LIMIT)).as(app.output()).isZero();

    Map<String, Counts> accounting = LeveeAccounting.parse(app.output());
    assertThat(accounting).as(app.output()).containsOnlyKeys("spans", "metrics", "logs");
    Counts spans = accounting.get("spans");
    assertThat(spans.offered()).isEqualTo(4 * ITERATIONS);
    accounting.forEach(
        (signal, counts) -> {
          assertThat(counts.delivered()).as(signal).isZero();
          assertThat(counts.pending()).as(signal).isZero();
          assertThat(counts.dropped("shutdown")).as(signal).isEqualTo(counts.offered());
        });
    assertThat(app.output())
        .contains("Levee dropped " + spans.offered() + " spans at shutdown")
        .contains("Backend unavailable at 127.0.0.1:" + closedPort);
  }
}
