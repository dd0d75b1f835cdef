package dev.levee.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.levee.testing.AgentProcess;
import dev.levee.testing.LeveeAccounting;
import dev.levee.testing.LeveeAccounting.Counts;
import dev.levee.testing.OtlpReceiver;
import dev.levee.testing.Ports;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
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
 * Levee extension, against a real OTLP/gRPC receiver: every agent of the compatibility matrix on
 * the build's JDK (17), the newer ones on JDK 25 too.
 */
class AgentEndToEndIT {
  private static final int ITERATIONS = 6;
  private static final Duration CHILD_LIMIT = Duration.ofMinutes(2);

  /** The agent SDK each matrix agent bundles (read from the agent jar's version.properties). */
  private static final Map<String, String> AGENT_SDK =
      Map.of(
          "2.9.0", "1.43.0",
          "2.10.0", "1.44.1",
          "2.16.0", "1.50.0",
          "2.20.1", "1.54.1",
          "2.26.1", "1.60.1",
          "2.33.1", "1.67.0");

  /**
   * Every agent of the matrix on Java 17, and those that start on it on Java 25, with the agent's
   * default protocol (OTLP/HTTP); and OTLP/gRPC on the oldest and the newest on Java 17.
   */
  static Stream<Arguments> agentsAndJdks() {
    List<Arguments> cells = new ArrayList<>();
    String[] agents = System.getProperty("levee.it.agents").split(",");
    Path jdk17 = Path.of(System.getProperty("java.home"));
    for (String agent : agents) {
      cells.add(Arguments.of(agent, "17", jdk17, "http/protobuf"));
    }
    for (String agent : System.getProperty("levee.it.agents.jdk25").split(",")) {
      cells.add(Arguments.of(agent, "25", Path.of(System.getProperty("levee.it.jdk25")), "http/protobuf"));
    }
    cells.add(Arguments.of(agents[0], "17", jdk17, "grpc"));
    cells.add(Arguments.of(agents[agents.length - 1], "17", jdk17, "grpc"));
    return cells.stream();
  }

  /** The oldest and the newest agent on Java 17, and the newest on Java 25. */
  static Stream<Arguments> oldestAndNewest() {
    String[] agents = System.getProperty("levee.it.agents").split(",");
    Path jdk17 = Path.of(System.getProperty("java.home"));
    return Stream.of(
        Arguments.of(agents[0], "17", jdk17),
        Arguments.of(agents[agents.length - 1], "17", jdk17),
        Arguments.of(agents[agents.length - 1], "25", Path.of(System.getProperty("levee.it.jdk25"))));
  }

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

  @org.junit.jupiter.api.io.TempDir Path tempDir;

  private AgentProcess.Builder demoApp(Path javaHome) {
    return demoApp(javaHome, tempDir.resolve("journal"), ITERATIONS);
  }

  private static AgentProcess.Builder demoApp(Path javaHome, Path journal, int iterations) {
    return demoApp(DemoApps.underTheAgent(javaHome), journal, iterations);
  }

  private static AgentProcess.Builder demoApp(
      String agent, Path javaHome, Path journal, int iterations) {
    return demoApp(DemoApps.underTheAgent(javaHome, agent), journal, iterations);
  }

  private static AgentProcess.Builder demoApp(
      AgentProcess.Builder underTheAgent, Path journal, int iterations) {
    return underTheAgent
        .leveeForAllSignals()
        .property("otel.service.name", "levee-e2e")
        .property("otel.metric.export.interval", "500")
        .property("otel.exporter.levee.journal.directory", journal.toString())
        .arg(String.valueOf(iterations));
  }

  @ParameterizedTest(name = "agent {0}, Java {1}, {3}")
  @MethodSource("agentsAndJdks")
  void deliversSpansMetricsAndLogsFromTheRealAgent(
      String agent, String version, Path javaHome, String protocol) throws IOException {
    requireJdk(version, javaHome);
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      AgentProcess.Builder builder = demoApp(agent, javaHome, tempDir.resolve("journal"), ITERATIONS);
      // Through the environment, as most deployments configure the agent: over HTTP only the
      // agent's own endpoint variable (the protocol is the agent's default, http/protobuf).
      if (protocol.equals("grpc")) {
        builder.env("OTEL_EXPORTER_LEVEE_ENDPOINT", receiver.endpoint()).env("OTEL_EXPORTER_LEVEE_PROTOCOL", "grpc");
      } else {
        builder.env("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.httpEndpoint());
      }
      AgentProcess app =
          builder
              .env("OTEL_EXPORTER_LEVEE_METRICS_TEMPORALITY_PREFERENCE", "delta")
              // Spans and logs exported within 100 ms, and the app lingers 2.5 s after its work:
              // a metric collection (every 500 ms) sees them all delivered.
              .property("otel.bsp.schedule.delay", "100")
              .property("otel.blrp.schedule.delay", "100")
              .arg("2500")
              .start();

      assertThat(app.awaitExit(CHILD_LIMIT)).as(app.output()).isZero();
      String output = app.output();

      // One line says which agent and SDK Levee runs on, and what of the newer API is off.
      String host = "Levee on OpenTelemetry Java agent " + agent + " (SDK " + AGENT_SDK.get(agent) + ")";
      assertThat(output).contains(host).doesNotContain("Levee does not support");
      assertThat(output.lines().filter(line -> line.contains("Levee on OpenTelemetry"))).hasSize(1);
      if (agent.equals("2.10.0")) {
        assertThat(output)
            .contains(host + ": off here: log event names (SDK 1.50+), resource entity references"
                + " (SDK 1.67+), the levee component in declarative configuration files (SDK 1.54+).");
      }
      if (agent.equals("2.33.1")) {
        assertThat(output).contains(host + ": every feature on.");
      }

      // Spans: exactly the app's four per iteration, all with the service name. Levee's own
      // gRPC calls made none (they would show up here as extra spans).
      List<Span> spans = receiver.spans().stream().map(s -> s.span()).toList();
      assertThat(spans).as(output).hasSize(spansPerIteration(agent) * ITERATIONS);
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
          .hasSize((spansPerIteration(agent) - 3) * ITERATIONS);
      // Nor did its HTTP requests, made with the JDK's client, which the agent instruments: no
      // span for them, and no trace context sent with them.
      assertThat(receiver.spans())
          .noneMatch(s -> s.attribute("rpc.system").isPresent())
          .noneMatch(s -> s.span().getName().contains("opentelemetry.proto"))
          .noneMatch(s -> s.attribute("http.request.method").orElse("").equals("POST"))
          .noneMatch(s -> s.attribute("url.full").orElse("").contains("/v1/"));
      assertThat(receiver.lastHeader("traceparent")).isEmpty();
      assertThat(receiver.duplicateSpanCount()).isZero();

      // Metrics: the app's counter, with the temporality asked for through the environment.
      List<Metric> demoRequests = deltaDemoRequests(receiver);
      assertThat(
              demoRequests.stream()
                  .flatMap(m -> m.getSum().getDataPointsList().stream())
                  .mapToLong(p -> p.getAsInt())
                  .sum())
          .isEqualTo(ITERATIONS);
      assertThat(receiver.metrics()).noneMatch(m -> m.metric().getName().startsWith("rpc."));

      // Levee's self-metrics, registered on the agent's own meter provider once the SDK was
      // built, came through the application's metrics pipeline (here Levee itself).
      List<Metric> spansExported =
          receiver.metrics().stream()
              .filter(m -> m.scope().equals("dev.levee.exporter"))
              .map(m -> m.metric())
              .filter(m -> m.getName().equals("otel.sdk.exporter.span.exported"))
              .toList();
      assertThat(spansExported).as(output).isNotEmpty();
      List<io.opentelemetry.proto.metrics.v1.NumberDataPoint> exportedPoints =
          spansExported.stream().flatMap(m -> m.getSum().getDataPointsList().stream()).toList();
      assertThat(exportedPoints)
          .allSatisfy(
              p -> {
                assertThat(OtlpReceiver.stringAttribute(p.getAttributesList(), "otel.component.type"))
                    .contains("levee_span_exporter");
                assertThat(OtlpReceiver.stringAttribute(p.getAttributesList(), "server.address"))
                    .contains("127.0.0.1");
              });
      // Delta points add up to what had been delivered by the last collection; the app lingered
      // long enough for one to come after every span arrived: they match the receiver's count.
      long reportedExported =
          exportedPoints.stream()
              .filter(p -> OtlpReceiver.stringAttribute(p.getAttributesList(), "error.type").isEmpty())
              .mapToLong(p -> p.getAsInt())
              .sum();
      assertThat(reportedExported).isEqualTo(receiver.spanCount());
      assertThat(receiver.metrics().stream().map(m -> m.metric().getName()))
          .contains("otel.sdk.exporter.log.inflight", "levee.memory.used", "levee.breaker.state");
      // Request durations carry the transport's status attribute.
      String statusKey = protocol.equals("grpc") ? "rpc.grpc.status_code" : "http.response.status_code";
      long okStatus = protocol.equals("grpc") ? 0 : 200;
      List<io.opentelemetry.proto.metrics.v1.HistogramDataPoint> durations =
          receiver.metrics().stream()
              .filter(m -> m.metric().getName().equals("otel.sdk.exporter.operation.duration"))
              .flatMap(m -> m.metric().getHistogram().getDataPointsList().stream())
              .toList();
      assertThat(durations).as(output).isNotEmpty();
      assertThat(durations)
          .allSatisfy(
              p ->
                  assertThat(p.getAttributesList())
                      .anySatisfy(
                          kv -> {
                            assertThat(kv.getKey()).isEqualTo(statusKey);
                            assertThat(kv.getValue().getIntValue()).isEqualTo(okStatus);
                          }));

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

      assertNoWarningsFromLevee(output, version);
    }
  }

  /**
   * The demo app's spans per iteration: its work, its step, an HTTP client call and, where the agent
   * instruments the JDK's HTTP server (2.10.0 does not), the server's span.
   */
  static int spansPerIteration(String agent) {
    return agent.equals("2.10.0") || agent.equals("2.9.0") ? 3 : 4;
  }

  /**
   * Levee puts no JVM warning into the host's output, with one exception it cannot avoid without
   * a JVM flag: on Java 24+ the JVM warns once that Chronicle Queue (the journal) uses
   * sun.misc.Unsafe (JEP 498).
   */
  private static void assertNoWarningsFromLevee(String output, String version) {
    assertThat(output).doesNotContain("restricted method").doesNotContain("SLF4J");
    assertThat(output).doesNotContain("duplicate metric definition");
    assertThat(output).doesNotContain("chronicle.software").doesNotContain("Chronicle core loaded");
    List<String> unsafe =
        output.lines().filter(line -> line.contains("has been called by")).toList();
    if (version.equals("17")) {
      assertThat(unsafe).isEmpty();
    } else {
      // The JVM names only the first caller: Chronicle's, or the agent's own (2.20.1's bytebuddy).
      assertThat(unsafe)
          .allMatch(
              line ->
                  line.contains("net.openhft.chronicle")
                      || line.contains("/opentelemetry-javaagent"));
    }
  }

  /**
   * The same app configured by a declarative YAML file ({@code otel.config.file}) that names
   * Levee for all three providers (the {@code levee} span processor, the {@code levee} exporter
   * behind the meter reader and the batch log record processor): Levee's ComponentProviders read
   * its keys,
   * the self-metrics register on the global meter provider (the SDK built from a file calls no
   * {@code afterAutoConfigure}), and a misspelt key is reported by name.
   */
  @org.junit.jupiter.api.Test
  void aDeclarativeConfigurationFileChoosesLeveeForAllThreeSignals() throws IOException {
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      Path journal = tempDir.resolve("journal");
      String exporter =
          "          levee:\n"
              + "            endpoint: " + receiver.endpoint() + "\n"
              + "            journal:\n"
              + "              directory: " + journal + "\n";
      Path yaml = tempDir.resolve("otel.yaml");
      Files.writeString(
          yaml,
          "file_format: \"1.2\"\n"
              + "resource:\n"
              + "  attributes:\n"
              + "    - name: service.name\n"
              + "      value: levee-yaml\n"
              + "tracer_provider:\n"
              + "  processors:\n"
              // Levee's processor: the exporter's keys, no batch processor in front.
              + "    - levee:\n"
              + "        endpoint: " + receiver.endpoint() + "\n"
              + "        journal:\n"
              + "          directory: " + journal + "\n"
              + "        memroy_limit: 8MiB\n"
              + "meter_provider:\n"
              + "  readers:\n"
              + "    - periodic:\n"
              + "        interval: 500\n"
              + "        exporter:\n"
              + exporter
              + "            temporality_preference: delta\n"
              + "logger_provider:\n"
              + "  processors:\n"
              + "    - batch:\n"
              + "        schedule_delay: 100\n"
              + "        exporter:\n"
              + exporter);
      AgentProcess app =
          DemoApps.underTheAgent()
              .property("otel.config.file", yaml.toString())
              .arg(String.valueOf(ITERATIONS))
              .arg("2500")
              .start();

      assertThat(app.awaitExit(CHILD_LIMIT)).as(app.output()).isZero();
      String output = app.output();

      assertThat(receiver.spans()).as(output).hasSize(4 * ITERATIONS);
      assertThat(receiver.spans()).allSatisfy(s -> assertThat(s.serviceName()).isEqualTo("levee-yaml"));
      deltaDemoRequests(receiver);
      assertThat(
              receiver.logs().stream()
                  .filter(l -> l.log().getBody().getStringValue().startsWith("Handled request")))
          .hasSize(ITERATIONS);
      assertThat(Files.isDirectory(journal.resolve("traces"))).isTrue();

      // Self-metrics through the global meter provider: delivered spans reported as exported.
      long reportedExported =
          receiver.metrics().stream()
              .filter(m -> m.scope().equals("dev.levee.exporter"))
              .map(m -> m.metric())
              .filter(m -> m.getName().equals("otel.sdk.exporter.span.exported"))
              .flatMap(m -> m.getSum().getDataPointsList().stream())
              .filter(p -> OtlpReceiver.stringAttribute(p.getAttributesList(), "error.type").isEmpty())
              .mapToLong(p -> p.getAsInt())
              .sum();
      assertThat(reportedExported).as(output).isEqualTo(receiver.spanCount());

      assertThat(output)
          .contains(
              "Levee ignores unknown keys of its spans exporter in the declarative configuration:"
                  + " memroy.limit");
      Map<String, Counts> accounting = LeveeAccounting.parse(output);
      assertThat(accounting).as(output).containsOnlyKeys("spans", "metrics", "logs");
      assertReconciled(accounting.get("spans"), receiver.spanCount());
      assertReconciled(accounting.get("metrics"), receiver.dataPointCount());
      assertReconciled(accounting.get("logs"), receiver.logRecordCount());
      assertNoWarningsFromLevee(output, "17");
    }
  }

  private static void assertReconciled(Counts counts, long received) {
    assertThat(counts.delivered()).isEqualTo(received);
    assertThat(counts.offered() + counts.recovered())
        .isEqualTo(counts.delivered() + counts.dropped() + counts.pending());
    assertThat(counts.dropped()).isZero();
    assertThat(counts.pending()).isZero();
  }

  /** The app's {@code demo.requests} counter as received: present, and all delta. */
  private static List<Metric> deltaDemoRequests(OtlpReceiver receiver) {
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
    return demoRequests;
  }

  @org.junit.jupiter.api.Test
  void fanoutThroughTheAgentDeliversEverythingToEveryEndpoint() throws IOException {
    try (OtlpReceiver a = OtlpReceiver.start();
        OtlpReceiver b = OtlpReceiver.start()) {
      AgentProcess app =
          demoApp(Path.of(System.getProperty("java.home")))
              .property("otel.exporter.levee.endpoints", a.httpEndpoint() + "," + b.httpEndpoint())
              .property("otel.exporter.levee.endpoints.mode", "fanout")
              .property("otel.exporter.levee.metrics.compaction", "latest")
              .property("otel.bsp.schedule.delay", "100")
              .property("otel.blrp.schedule.delay", "100")
              .arg("1500")
              .start();
      assertThat(app.awaitExit(CHILD_LIMIT)).as(app.output()).isZero();
      String output = app.output();
      assertThat(output).doesNotContain("Levee configuration error");

      assertThat(a.spanIds()).as(output).hasSize(4 * ITERATIONS).isEqualTo(b.spanIds());
      assertThat(a.duplicateSpanCount()).isZero();
      assertThat(b.duplicateSpanCount()).isZero();
      assertThat(a.logRecordCount()).isPositive().isEqualTo(b.logRecordCount());
      for (OtlpReceiver each : List.of(a, b)) {
        assertThat(each.metrics()).anyMatch(m -> m.metric().getName().equals("demo.requests"));
      }
      // One pipeline per endpoint, each with its own final accounting line.
      for (OtlpReceiver each : List.of(a, b)) {
        assertThat(output)
            .contains("Levee spans exporter to 127.0.0.1:" + each.httpPort() + " stopped: offered=" + 4 * ITERATIONS)
            .contains("Levee logs exporter to 127.0.0.1:" + each.httpPort() + " stopped:");
      }
    }
  }

  @ParameterizedTest(name = "Java {0}")
  @MethodSource("jdks")
  void memoryOnlyShutdownWithTheReceiverDownEndsAndCountsWhatWasNotDelivered(
      String version, Path javaHome)
      throws IOException {
    requireJdk(version, javaHome);
    int closedPort = Ports.closedPort();
    AgentProcess app =
        demoApp(javaHome)
            .property("otel.exporter.levee.endpoint", "http://127.0.0.1:" + closedPort)
            .property("otel.exporter.levee.shutdown.timeout", "1s")
            .property("otel.exporter.levee.journal.mode", "off")
            .start();

    assertThat(app.awaitExit(CHILD_LIMIT)).as(app.output()).isZero();

    Map<String, Counts> accounting = LeveeAccounting.parse(app.output());
    assertThat(accounting).as(app.output()).containsOnlyKeys("spans", "metrics", "logs");
    Counts spans = accounting.get("spans");
    assertThat(spans.offered()).isEqualTo(4 * ITERATIONS);
    accounting.forEach(
        (signal, counts) -> {
          assertThat(counts.delivered()).as(signal + "\n" + app.output()).isZero();
          assertThat(counts.pending()).as(signal + "\n" + app.output()).isZero();
          assertThat(counts.dropped("shutdown")).as(signal + "\n" + app.output()).isEqualTo(counts.offered());
        });
    assertThat(app.output())
        .contains("Levee dropped " + spans.offered() + " spans at shutdown")
        .contains("No answer from backend at 127.0.0.1:" + closedPort);
  }

  @ParameterizedTest(name = "agent {0}, Java {1}")
  @MethodSource("oldestAndNewest")
  void whatTheBackendCouldNotTakeIsDeliveredByTheNextRun(
      String agent, String version, Path javaHome) throws IOException {
    requireJdk(version, javaHome);
    Path journal = tempDir.resolve("journal");
    int port = Ports.closedPort();
    // Run 1: the receiver is down; a clean stop moves what memory holds to the journal.
    Path home = java.nio.file.Files.createDirectories(tempDir.resolve("home"));
    Path connects = tempDir.resolve("connects.txt");
    AgentProcess first =
        demoApp(agent, javaHome, journal, ITERATIONS)
            .wrapper(Connects.tracer(connects))
            .property("user.home", home.toString())
            .property("otel.exporter.levee.journal.compression", "lz4")
            .property("otel.exporter.levee.endpoint", "http://127.0.0.1:" + port)
            .property("otel.exporter.levee.shutdown.timeout", "1s")
            // The agent's debug log names every class it rewrites, and the loaders it adds to.
            .property("otel.javaagent.debug", "true")
            .start();
    assertThat(first.awaitExit(CHILD_LIMIT)).as(first.output()).isZero();
    // The journal opened (below), and the agent left Levee's two class loaders (Levee's own and
    // the journal's) alone while it rewrote the app's classes (IgnoredTypes): no instrumentation
    // applied or helper injected there. The oldest agent still adds its fields to three Runnable
    // and Thread classes (a transformer of its own that heeds no ignore rule); the newest touches
    // nothing there.
    assertThat(first.output()).contains("Transformed ");
    List<String> leveeLoaderLines =
        first.output().lines()
            .filter(line -> line.contains("JournalLoader$JournalClassLoader") || line.contains("agent.LeveeClassLoader"))
            .toList();
    assertThat(leveeLoaderLines)
        .noneMatch(line -> line.contains("Applying instrumentation") || line.contains("Injecting classes"));
    if (!agent.startsWith("2.10.")) {
      assertThat(leveeLoaderLines).isEmpty();
    }
    Map<String, Counts> before = LeveeAccounting.parse(first.output());
    assertThat(before).as(first.output()).containsOnlyKeys("spans", "metrics", "logs");
    before.forEach(
        (signal, counts) -> {
          assertThat(counts.dropped()).as(signal).isZero();
          assertThat(counts.delivered()).as(signal).isZero();
          assertThat(counts.pending()).as(signal).isEqualTo(counts.offered());
          assertThat(counts.journaled()).as(signal).isEqualTo(counts.offered());
        });
    assertThat(before.get("spans").offered()).isEqualTo(spansPerIteration(agent) * ITERATIONS);
    // Chronicle's analytics, when present, leave ~/.chronicle.analytics.* behind; Levee has none.
    try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(home)) {
      assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.startsWith(".chronicle"));
    }
    // And the process, journal busy, tried no connection off this machine (Connects says how
    // that is seen; the JDK's own DNS queries to the system resolver are the one exception).
    assertThat(Connects.toPort(connects, port)).as("the trace saw Levee's own attempts").isNotEmpty();
    assertThat(Connects.offMachine(connects)).isEmpty();

    // Run 2, same journal, receiver up, no new work: the backlog arrives, once.
    try (OtlpReceiver receiver = OtlpReceiver.start(0, port, true, null)) {
      AgentProcess second =
          demoApp(agent, javaHome, journal, 0)
              .property("otel.exporter.levee.endpoint", receiver.httpEndpoint())
              .start();
      assertThat(second.awaitExit(CHILD_LIMIT)).as(second.output()).isZero();

      Map<String, Counts> after = LeveeAccounting.parse(second.output());
      Counts spans = after.get("spans");
      assertThat(spans.recovered()).isEqualTo(spansPerIteration(agent) * ITERATIONS);
      assertThat(spans.offered()).isZero();
      assertReconciled(spans, receiver.spanCount());
      assertThat(receiver.spanIds()).hasSize(spansPerIteration(agent) * ITERATIONS);
      assertThat(receiver.duplicateSpanCount()).isZero();
      assertThat(after.get("logs").recovered()).isEqualTo(before.get("logs").offered());
      assertThat(after.get("metrics").recovered()).isEqualTo(before.get("metrics").offered());
      assertNoWarningsFromLevee(second.output(), version);
    }
  }

  /**
   * An agent older than Levee supports: one SEVERE line naming it, its SDK and the supported
   * range; the app runs as usual, and Levee's exporters discard what they are given and count it.
   */
  @org.junit.jupiter.api.Test
  void anAgentOlderThanSupportedGetsOneClearLineAndDiscardingExporters() throws IOException {
    String agent = System.getProperty("levee.it.unsupported.agent");
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      AgentProcess app =
          demoApp(agent, Path.of(System.getProperty("java.home")), tempDir.resolve("journal"), 2)
              .property("otel.exporter.levee.endpoint", receiver.endpoint())
              .property("otel.bsp.schedule.delay", "100")
              .start();

      assertThat(app.awaitExit(CHILD_LIMIT)).as(app.output()).isZero();
      String output = app.output();

      assertThat(output.lines().filter(line -> line.contains("Levee does not support")))
          .as(output)
          .singleElement()
          .asString()
          .contains(
              "Levee does not support OpenTelemetry Java agent "
                  + agent
                  + " (SDK "
                  + AGENT_SDK.get(agent)
                  + "); it supports OpenTelemetry Java agent 2.10.0 and later (SDK 1.44 and"
                  + " later).");
      assertThat(output)
          .contains("Levee fallback exporter discarded " + spansPerIteration(agent) * 2 + " spans.")
          .contains("Levee fallback exporter discarded 2 log records.")
          .doesNotContain("Exception")
          .doesNotContain("Levee on OpenTelemetry");
      assertThat(receiver.spanCount()).isZero();
      assertThat(Files.exists(tempDir.resolve("journal"))).isFalse();
    }
  }
}
