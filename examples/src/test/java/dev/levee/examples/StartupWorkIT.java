package dev.levee.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.levee.testing.AgentProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What Levee's build makes the agent do on the application's {@code main} thread before
 * {@code main}: the agent builds its SDK (and so Levee's exporters) before it installs its class
 * transformer, then retransforms every class already loaded that one of its instrumentations
 * matches, tens of milliseconds each on two cores. Levee's build must load no such class the
 * agent's own OTLP exporters do not load too.
 *
 * <p>The one class more, {@code java.net.HttpURLConnection}, is the agent's own: it is loaded by
 * the JDK's class path lookup for the extension's URL while the agent looks for service providers
 * (its stack under {@code -XX:LogClassLoadingCauseFor} on Java 25), for any extension.
 */
class StartupWorkIT {
  private static final String EXTENSION_LOOKUP = "java.net.HttpURLConnection";

  @TempDir Path tempDir;

  static Stream<String> oldestAndNewestAgents() {
    String[] agents = System.getProperty("levee.it.agents").split(",");
    return Stream.of(agents[0], agents[agents.length - 1]);
  }

  @ParameterizedTest(name = "agent {0}")
  @MethodSource("oldestAndNewestAgents")
  void leveeMakesTheAgentRetransformNoClassItsOwnExportersDoNot(String agent)
      throws IOException {
    Set<String> withItsOwn = retransformed(agent, false);
    Set<String> withLevee = retransformed(agent, true);

    // The agent's own retransformations happened (the log is read as meant) ...
    assertThat(withItsOwn).contains("java.util.concurrent.ThreadPoolExecutor");
    // ... and Levee adds none but the extension lookup's. While the connection's builder made a
    // CompletableFuture as the exporter was built, CompletableFuture$Completion and ForkJoinPool
    // were among them (and CompletableFuture$ThreadPerTaskExecutor, some runs on two cores).
    Set<String> added = new TreeSet<>(withLevee);
    added.removeAll(withItsOwn);
    added.remove(EXTENSION_LOOKUP);
    assertThat(added).as("classes retransformed only with Levee, agent " + agent).isEmpty();
  }

  /** The classes the agent retransformed while the demo app started under it, with or without Levee. */
  private Set<String> retransformed(String agent, boolean levee) throws IOException {
    Path log = tempDir.resolve((levee ? "levee-" : "otlp-") + agent + ".log");
    AgentProcess.Builder builder =
        DemoApps.underTheAgent(Path.of(System.getProperty("java.home")), agent)
            .jvmOption("-Xlog:class+load=info:file=" + log)
            .arg("0");
    if (levee) {
      builder
          .leveeForAllSignals()
          .property("otel.exporter.levee.journal.directory", tempDir.resolve("journal").toString());
    } else {
      builder.extensionJar(null);
    }
    AgentProcess app = builder.start();
    assertThat(app.awaitExit(Duration.ofMinutes(2))).as(app.output()).isZero();
    assertThat(app.output()).contains("main started at JVM uptime");

    Set<String> classes = new TreeSet<>();
    try (Stream<String> lines = Files.lines(log)) {
      lines
          .filter(line -> line.endsWith("source: __VM_RedefineClasses__"))
          .forEach(line -> classes.add(line.split(" ")[1]));
    }
    return classes;
  }
}
