package dev.levee.benchmarks;

import dev.levee.testing.AgentProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * What an exporter costs a service with nothing to send: {@code IdleApp} under the real agent
 * (a thousand spans and some log records, then idle), with the agent's own OTLP exporters and with
 * Levee for all signals, each pointed at a receiver in its own JVM. Prints the idle process's CPU
 * a second and each exporter thread's CPU and wakeups a second.
 *
 * <p>Run from the repository root after {@code mvn -DskipTests package}: {@code java -cp
 * benchmarks/target/levee-benchmarks.jar dev.levee.benchmarks.IdleOverhead [seconds] [protocol]}
 * (default 20 s, {@code http/protobuf}).
 */
public final class IdleOverhead {
  private IdleOverhead() {}

  public static void main(String[] args) throws Exception {
    String seconds = args.length > 0 ? args[0] : "20";
    String protocol = args.length > 1 ? args[1] : "http/protobuf";
    BuiltJars jars = BuiltJars.require();
    Path extension = jars.extension();
    try (ChildReceiver receiver = ChildReceiver.start()) {
      Map<String, UnaryOperator<AgentProcess.Builder>> setups = new LinkedHashMap<>();
      setups.put("agent, OTLP exporters (" + protocol + ")", b -> b);
      setups.put("agent + Levee", b -> b.extensionJar(extension).leveeForAllSignals());
      for (Map.Entry<String, UnaryOperator<AgentProcess.Builder>> setup : setups.entrySet()) {
        AgentProcess.Builder builder =
            jars.app("dev.levee.examples.app.IdleApp", "idle")
                .property("otel.exporter.otlp.protocol", protocol)
                .property("otel.exporter.otlp.endpoint", receiver.endpoint(protocol))
                .arg(seconds);
        AgentProcess process = setup.getValue().apply(builder).start();
        int exit = process.awaitExit(Duration.ofMinutes(5));
        if (exit != 0) {
          throw new IllegalStateException(setup.getKey() + " exited with " + exit + ":\n" + process.output());
        }
        System.out.println("== " + setup.getKey());
        process.output().lines()
            .filter(line -> line.startsWith("idle app: process")
                || (line.startsWith("idle app: thread") && isExporterThread(line)))
            .forEach(System.out::println);
      }
    }
  }

  /** Levee's threads, the SDK's processors and readers, and the HTTP clients' threads. */
  private static boolean isExporterThread(String line) {
    String lower = line.toLowerCase(java.util.Locale.ROOT);
    return lower.contains("levee") || lower.contains("batch") || lower.contains("periodicmetric")
        || lower.contains("httpclient") || lower.contains("okhttp") || lower.contains("okio")
        || lower.contains("grpc");
  }
}
