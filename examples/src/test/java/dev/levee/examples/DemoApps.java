package dev.levee.examples;

import dev.levee.testing.AgentProcess;
import java.nio.file.Path;
import java.util.List;

/** The demo app under the real agent with the Levee extension, as the end-to-end tests start it. */
final class DemoApps {
  private DemoApps() {}

  /** The agent and extension jars the build resolved, the examples jar, and the demo's main. */
  static AgentProcess.Builder underTheAgent(Path javaHome) {
    return AgentProcess.builder()
        .javaHome(javaHome)
        .agentJar(Path.of(System.getProperty("levee.agent.jar")))
        .extensionJar(Path.of(System.getProperty("levee.extension.jar")))
        .classpath(List.of(Path.of(System.getProperty("levee.examples.jar"))))
        .mainClass("dev.levee.examples.app.DemoApp");
  }

  /** The demo app under agent {@code agentVersion} of the compatibility matrix. */
  static AgentProcess.Builder underTheAgent(Path javaHome, String agentVersion) {
    return underTheAgent(javaHome).agentJar(agentJar(agentVersion));
  }

  /** The jar of agent {@code version}, as the build copied it. */
  static Path agentJar(String version) {
    return Path.of(System.getProperty("levee.agents.dir"))
        .resolve("opentelemetry-javaagent-" + version + ".jar");
  }

  /** The same on the JDK running the test. */
  static AgentProcess.Builder underTheAgent() {
    return underTheAgent(Path.of(System.getProperty("java.home")));
  }
}
