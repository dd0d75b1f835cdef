package dev.levee.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The demo OTLP receiver (gRPC and HTTP) in its own JVM, so that a benchmark measures the sender's side only.
 * Found at {@code -Dlevee.examples.jar}, else at {@code examples/target/levee-examples.jar} beside
 * this module.
 */
final class ChildReceiver implements AutoCloseable {
  private final Process process;
  private final int port;
  private final int httpPort;
  private final java.util.concurrent.atomic.AtomicLong spans = new java.util.concurrent.atomic.AtomicLong();
  private static final java.util.regex.Pattern SPANS = java.util.regex.Pattern.compile("received: spans=(\\d+)");

  private ChildReceiver(Process process, int port, int httpPort) {
    this.process = process;
    this.port = port;
    this.httpPort = httpPort;
  }

  static ChildReceiver start() {
    return start(List.of());
  }

  /** Starts the receiver with extra options of its {@code receiver} command, e.g. a latency. */
  static ChildReceiver start(List<String> options) {
    Path jar = examplesJar();
    try {
      int port;
      int httpPort;
      try (ServerSocket socket = new ServerSocket(0);
          ServerSocket http = new ServerSocket(0)) {
        port = socket.getLocalPort();
        httpPort = http.getLocalPort();
      }
      List<String> command =
          new java.util.ArrayList<>(
              List.of(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-jar",
                  jar.toString(),
                  "receiver",
                  "--port",
                  String.valueOf(port),
                  "--http-port",
                  String.valueOf(httpPort),
                  "--report-every",
                  "100ms"));
      command.addAll(options);
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      BufferedReader out =
          new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      if (line == null || !line.contains("listening")) {
        process.destroyForcibly();
        throw new IllegalStateException("The receiver did not start: " + line);
      }
      ChildReceiver receiver = new ChildReceiver(process, port, httpPort);
      Thread drain =
          new Thread(
              () -> {
                try {
                  String next;
                  while ((next = out.readLine()) != null) {
                    java.util.regex.Matcher matcher = SPANS.matcher(next);
                    if (matcher.find()) {
                      receiver.spans.set(Long.parseLong(matcher.group(1)));
                    }
                  }
                } catch (IOException e) {
                  // the receiver ended
                }
              },
              "receiver-output");
      drain.setDaemon(true);
      drain.start();
      return receiver;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path examplesJar() {
    String configured = System.getProperty("levee.examples.jar");
    if (configured != null) {
      return Path.of(configured);
    }
    for (Path candidate :
        List.of(
            Path.of("examples/target/levee-examples.jar"),
            Path.of("../examples/target/levee-examples.jar"))) {
      if (Files.isRegularFile(candidate)) {
        return candidate.toAbsolutePath();
      }
    }
    throw new IllegalStateException(
        "levee-examples.jar not found; build with mvn -DskipTests package or set -Dlevee.examples.jar");
  }

  /** Spans received so far, as the receiver last reported (every 100 ms). */
  long spans() {
    return spans.get();
  }

  /** The OTLP/gRPC endpoint. */
  String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** The OTLP/HTTP base endpoint (requests go to its /v1/traces, ...). */
  String httpEndpoint() {
    return "http://127.0.0.1:" + httpPort;
  }

  /** The endpoint for {@code grpc} or {@code http/protobuf}. */
  String endpoint(String protocol) {
    return protocol.equals("grpc") ? endpoint() : httpEndpoint();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process.destroyForcibly();
  }
}
