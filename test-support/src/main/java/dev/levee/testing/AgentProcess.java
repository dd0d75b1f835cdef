package dev.levee.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a Java program under the real OpenTelemetry Java agent with the Levee extension, in a
 * child JVM, and captures what it printed.
 */
public final class AgentProcess {

  private final Process process;
  private final Path output;
  private final List<String> command;

  private AgentProcess(Process process, Path output, List<String> command) {
    this.process = process;
    this.output = output;
    this.command = command;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Waits for the program to end; kills it if it takes longer than {@code limit}. */
  public int awaitExit(Duration limit) {
    try {
      if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new IllegalStateException(
            "The child JVM did not exit within " + limit + "; its output:\n" + output());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IllegalStateException("Interrupted while waiting for the child JVM", e);
    }
  }

  /** Waits up to {@code limit} for the program to end; returns whether it has. */
  public boolean awaitExitOrTimeout(Duration limit) {
    try {
      return process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  /** Asks the program to stop, as {@code kill} (SIGTERM) does: its shutdown hooks run. */
  public void terminate() {
    process.destroy();
  }

  /** Stops the program the way {@code kill -9} does. */
  public void kill() {
    process.destroyForcibly();
  }

  /** Everything the program wrote to stdout and stderr so far. */
  public String output() {
    try {
      return Files.readString(output, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public List<String> command() {
    return command;
  }

  /** Builds the child JVM's command line. */
  public static final class Builder {
    private Path javaHome = Path.of(System.getProperty("java.home"));
    private Path agentJar;
    private Path extensionJar;
    private final List<Path> classpath = new ArrayList<>();
    private String mainClass;
    private final Map<String, String> properties = new LinkedHashMap<>();
    private final List<String> args = new ArrayList<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private Path outputFile;
    private final List<String> wrapper = new ArrayList<>();
    private final List<String> jvmOptions = new ArrayList<>();

    public Builder javaHome(Path javaHome) {
      this.javaHome = javaHome;
      return this;
    }

    public Builder agentJar(Path agentJar) {
      this.agentJar = agentJar;
      return this;
    }

    /** The extension jar; {@code null} runs the agent without Levee. */
    public Builder extensionJar(Path extensionJar) {
      this.extensionJar = extensionJar;
      return this;
    }

    public Builder classpath(List<Path> entries) {
      classpath.addAll(entries);
      return this;
    }

    public Builder mainClass(String mainClass) {
      this.mainClass = mainClass;
      return this;
    }

    /** A {@code -Dkey=value} for the child JVM. */
    public Builder property(String key, String value) {
      properties.put(key, value);
      return this;
    }

    /** Selects Levee for all three signals. */
    public Builder leveeForAllSignals() {
      property("otel.traces.exporter", "levee");
      property("otel.metrics.exporter", "levee");
      property("otel.logs.exporter", "levee");
      return this;
    }

    /** An environment variable for the child JVM. */
    public Builder env(String name, String value) {
      environment.put(name, value);
      return this;
    }

    public Builder arg(String arg) {
      args.add(arg);
      return this;
    }

    /** An option for the child JVM itself, e.g. {@code -Xlog:...}, before the agent's. */
    public Builder jvmOption(String option) {
      jvmOptions.add(option);
      return this;
    }

    /** A command the JVM runs under, e.g. {@code strace -f -o FILE}. */
    public Builder wrapper(List<String> command) {
      wrapper.addAll(command);
      return this;
    }

    /** Where the child's stdout and stderr go; a temporary file by default. */
    public Builder outputFile(Path outputFile) {
      this.outputFile = outputFile;
      return this;
    }

    public AgentProcess start() {
      if (agentJar == null || !Files.isRegularFile(agentJar)) {
        throw new IllegalStateException("Agent jar not found: " + agentJar);
      }
      if (extensionJar != null && !Files.isRegularFile(extensionJar)) {
        throw new IllegalStateException("Extension jar not found: " + extensionJar);
      }
      List<String> command = new ArrayList<>(wrapper);
      command.add(javaHome.resolve("bin").resolve("java").toString());
      command.addAll(jvmOptions);
      command.add("-javaagent:" + agentJar.toAbsolutePath());
      if (extensionJar != null) {
        command.add("-Dotel.javaagent.extensions=" + extensionJar.toAbsolutePath());
      }
      properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
      command.add("-cp");
      command.add(
          String.join(
              java.io.File.pathSeparator,
              classpath.stream().map(p -> p.toAbsolutePath().toString()).toList()));
      command.add(mainClass);
      command.addAll(args);
      try {
        Path out = outputFile != null ? outputFile : Files.createTempFile("levee-child", ".log");
        ProcessBuilder builder =
            new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        return new AgentProcess(process, out, List.copyOf(command));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot start " + command, e);
      }
    }
  }
}
