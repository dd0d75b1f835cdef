package dev.levee.benchmarks;

import dev.levee.testing.AgentProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The jars a measurement under the real agent runs, as {@code mvn -DskipTests package} leaves them
 * (paths from the repository root): the agent, Levee's extension and the example applications.
 * The agent is the newest Levee is tested with, or the jar {@code -Dlevee.bench.agent} names (the
 * build leaves every tested release under {@code examples/target/agents/}).
 */
record BuiltJars(Path agent, Path extension, Path examples) {

  /** The built jars; fails with what to run when one is missing. */
  static BuiltJars require() {
    BuiltJars jars =
        new BuiltJars(
            Path.of(System.getProperty("levee.bench.agent", "examples/target/agent/opentelemetry-javaagent.jar")),
            Path.of("otel-config/target/levee-extension.jar"),
            Path.of("examples/target/levee-examples.jar"));
    for (Path path : List.of(jars.agent, jars.extension, jars.examples)) {
      if (!Files.isRegularFile(path)) {
        throw new IllegalStateException(path + " not found; run mvn -DskipTests package first");
      }
    }
    return jars;
  }

  /** One of the example applications under the agent, as {@code serviceName}; no exporter chosen. */
  AgentProcess.Builder app(String mainClass, String serviceName) {
    return AgentProcess.builder()
        .agentJar(agent)
        .classpath(List.of(examples))
        .mainClass(mainClass)
        .property("otel.service.name", serviceName);
  }
}
