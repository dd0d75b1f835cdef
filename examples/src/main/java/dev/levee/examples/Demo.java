package dev.levee.examples;

import dev.levee.testing.AgentProcess;
import dev.levee.testing.OtlpReceiver;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The Levee demo.
 *
 * <pre>
 * java -jar examples/target/levee-examples.jar [demo] [--iterations N] [--json FILE] [--protocol P]
 *     runs the demo app under the real agent with Levee, sending to a demo receiver over
 *     OTLP/HTTP (the agent's default protocol; --protocol grpc for OTLP/gRPC), and prints what
 *     arrived
 * java -jar examples/target/levee-examples.jar receiver [--port 4317] [--http-port 4318] [--json FILE] [faults]
 *     runs the demo OTLP receiver alone (gRPC and HTTP), printing running counts per signal; faults
 *     (latency, failing statuses with RetryInfo, partial success, flapping) are listed in
 *     {@link FaultyReceiver}
 * java -jar examples/target/levee-examples.jar chaos [options]
 *     steady traffic through a receiver outage, a live progress line, a chart at the end; see
 *     {@link Chaos}
 * java -jar examples/target/levee-examples.jar burst [--agent JAR] [--spans N] [--runs N] [--configs C]
 *     a burst, then exit, under the agent to a healthy receiver, per configuration: delivered
 *     before the process ended, lost before Levee, left in the journal; see {@link BurstTable}
 * </pre>
 */
public final class Demo {
  private Demo() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = options(args);
    String command = options.getOrDefault("command", "demo");
    switch (command) {
      case "demo" -> System.exit(runDemo(options));
      case "receiver" -> runReceiver(options);
      case "chaos" -> System.exit(runChaos(options));
      case "burst" -> System.exit(new BurstTable(options, agentJar(options), extensionJar(options), examplesJar()).run());
      default -> {
        System.err.println("Unknown command '" + command + "'; use demo, chaos, burst or receiver");
        System.exit(2);
      }
    }
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new TreeMap<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].startsWith("--") && i + 1 < args.length) {
        options.put(args[i].substring(2), args[++i]);
      } else {
        options.put("command", args[i]);
      }
    }
    return options;
  }

  private static Path jsonFile(Map<String, String> options) {
    return options.containsKey("json") ? Path.of(options.get("json")) : null;
  }

  private static void runReceiver(Map<String, String> options) throws InterruptedException {
    new FaultyReceiver(options).run();
  }

  private static Path agentJar(Map<String, String> options) throws URISyntaxException {
    Path target = examplesJar().getParent();
    return Path.of(options.getOrDefault("agent", target.resolve("agent/opentelemetry-javaagent.jar").toString()));
  }

  private static Path extensionJar(Map<String, String> options) throws URISyntaxException {
    Path target = examplesJar().getParent();
    return Path.of(
        options.getOrDefault(
            "extension",
            target.resolve("../../otel-config/target/levee-extension.jar").normalize().toString()));
  }

  private static int runChaos(Map<String, String> options) throws Exception {
    return new Chaos(options, agentJar(options), extensionJar(options), examplesJar()).run();
  }

  private static int runDemo(Map<String, String> options) throws Exception {
    Path target = examplesJar().getParent();
    Path agent = agentJar(options);
    Path extension = extensionJar(options);
    String iterations = options.getOrDefault("iterations", "20");

    String protocol = options.getOrDefault("protocol", "http/protobuf");
    try (OtlpReceiver receiver = OtlpReceiver.start(0, 0, true, jsonFile(options))) {
      System.out.println(
          "Demo receiver (official opentelemetry-proto messages and stubs): OTLP/HTTP on "
              + receiver.httpEndpoint()
              + ", OTLP/gRPC on "
              + receiver.endpoint());
      System.out.println(
          "Starting the demo app under opentelemetry-javaagent with "
              + extension.getFileName()
              + ", the agent's defaults but for its endpoint (protocol "
              + protocol
              + ")");
      AgentProcess app =
          AgentProcess.builder()
              .agentJar(agent)
              .extensionJar(extension)
              .classpath(List.of(examplesJar()))
              .mainClass("dev.levee.examples.app.DemoApp")
              .leveeForAllSignals()
              // As a user points the agent at a collector: Levee inherits the OTLP settings.
              .property("otel.exporter.otlp.endpoint", receiver.endpoint(protocol))
              .property("otel.exporter.otlp.protocol", protocol)
              .property("otel.service.name", "levee-demo")
              .property(
                  "otel.exporter.levee.journal.directory",
                  target.resolve("levee-demo-journal").toString())
              .property("otel.metric.export.interval", "1000")
              .arg(iterations)
              .start();
      while (app.isAlive()) {
        System.out.println("  received so far: " + receiver.summary());
        app.awaitExitOrTimeout(Duration.ofSeconds(1));
      }
      int exit = app.awaitExit(Duration.ofSeconds(5));
      System.out.println();
      System.out.println("Demo app exited with " + exit + ". Levee's own accounting:");
      app.output()
          .lines()
          .filter(line -> line.contains("Levee") && line.contains("exporter stopped"))
          .forEach(line -> System.out.println("  " + line.substring(line.indexOf("Levee"))));
      System.out.println();
      System.out.println("What arrived at the receiver: " + receiver.summary());
      printCounts("  span", receiver.spans().stream().map(s -> s.span().getName() + " [" + s.span().getKind() + "]"));
      printCounts("  metric", receiver.metrics().stream().map(m -> m.metric().getName()));
      printCounts("  log", receiver.logs().stream().map(l -> l.scope()));
      receiver.spans().stream().findFirst().ifPresent(s -> System.out.println("  service.name: " + s.serviceName()));
      boolean ok = exit == 0 && receiver.spanCount() > 0 && receiver.dataPointCount() > 0 && receiver.logRecordCount() > 0;
      if (!ok) {
        System.out.println("Something is missing. The app's output:\n" + app.output());
      }
      System.out.println(ok ? "OK: spans, metric points and log records arrived through Levee." : "FAILED");
      return ok ? 0 : 1;
    }
  }

  private static void printCounts(String label, java.util.stream.Stream<String> names) {
    Map<String, Long> counts =
        names.collect(Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()));
    counts.forEach((name, count) -> System.out.println(label + " " + name + " x" + count));
  }

  private static Path examplesJar() throws URISyntaxException {
    Path location = Path.of(Demo.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    if (Files.isDirectory(location)) {
      // Run from target/classes (an IDE): use the packaged jar beside it.
      return location.getParent().resolve("levee-examples.jar");
    }
    return location;
  }
}
