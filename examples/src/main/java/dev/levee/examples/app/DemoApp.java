package dev.levee.examples.app;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.logging.Logger;

/**
 * A small application to run under the OpenTelemetry agent. It produces the three signals: spans
 * (its own and the agent's for an HTTP call it makes to itself), a counter, and JUL log records.
 * It knows nothing of Levee.
 *
 * <p>Usage: {@code DemoApp [iterations] [linger ms]} (default 20 and 0): the linger keeps the app
 * alive after its work, so that periodic exports happen before it exits.
 */
public final class DemoApp {
  private static final Logger logger = Logger.getLogger(DemoApp.class.getName());
  private static final AttributeKey<Long> ITERATION = AttributeKey.longKey("demo.iteration");

  private DemoApp() {}

  public static void main(String[] args) throws Exception {
    long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
    // The CPU every thread used until now (the JVM's, the agent's, the exporters'): steadier than
    // the wall-clock time on a busy machine.
    long cpuNanos =
        ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os
            ? os.getProcessCpuTime()
            : -1_000_000;
    System.out.println(
        "demo app: main started at JVM uptime " + uptime + " ms, process CPU " + cpuNanos / 1_000_000 + " ms");
    if (Boolean.getBoolean("levee.demo.threadCpu")) {
      printThreadCpu(); // where the start-up's CPU went, thread by thread
    }
    int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    long lingerMillis = args.length > 1 ? Long.parseLong(args[1]) : 0;
    Tracer tracer = GlobalOpenTelemetry.getTracer("levee-demo");
    LongCounter requests =
        GlobalOpenTelemetry.getMeter("levee-demo")
            .counterBuilder("demo.requests")
            .setDescription("Requests the demo app made")
            .setUnit("{request}")
            .build();

    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/hello",
        exchange -> {
          byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    URI hello = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hello");
    HttpClient client = HttpClient.newHttpClient();
    try {
      for (int i = 0; i < iterations; i++) {
        Span span =
            tracer.spanBuilder("demo-work").setAttribute(ITERATION, (long) i).startSpan();
        try (Scope ignored = span.makeCurrent()) {
          HttpResponse<String> response =
              client.send(HttpRequest.newBuilder(hello).GET().build(), HttpResponse.BodyHandlers.ofString());
          requests.add(1, Attributes.of(AttributeKey.stringKey("outcome"), "ok"));
          logger.info("Handled request " + i + " with status " + response.statusCode());
          Span child = tracer.spanBuilder("demo-step").startSpan();
          child.end();
        } catch (IOException e) {
          span.recordException(e);
          logger.warning("Request " + i + " failed: " + e);
        } finally {
          span.end();
        }
      }
    } finally {
      server.stop(0);
    }
    if (lingerMillis > 0) {
      Thread.sleep(lingerMillis);
    }
    System.out.println("demo app: done, " + iterations + " iterations");
  }

  /** Each live thread's CPU so far, most first, grouped by name with digits as N. */
  private static void printThreadCpu() {
    java.util.Map<String, Long> byName = new java.util.TreeMap<>();
    java.nio.file.Path tasks = java.nio.file.Path.of("/proc/self/task");
    if (java.nio.file.Files.isDirectory(tasks)) {
      // Every thread of the JVM, its compiler and GC threads too (CPU in 10 ms clock ticks; the
      // names are the system's, cut to 15 characters, and `main` is "java").
      try (var each = java.nio.file.Files.newDirectoryStream(tasks)) {
        for (java.nio.file.Path task : each) {
          String stat = java.nio.file.Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
          byName.merge(name.replaceAll("\\d+$", "N"), ticks * 10, Long::sum);
        }
      } catch (java.io.IOException | RuntimeException e) {
        System.out.println("demo app: cannot read /proc/self/task: " + e);
      }
    } else {
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
        if (info != null) {
          long cpu = threads.getThreadCpuTime(info.getThreadId());
          byName.merge(info.getThreadName().replaceAll("\\d+", "N"), Math.max(0, cpu) / 1_000_000, Long::sum);
        }
      }
    }
    byName.entrySet().stream()
        .sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> System.out.println("demo app: thread CPU " + e.getValue() + " ms " + e.getKey()));
    printMemory();
  }

  /**
   * The collections before {@code main} and their pauses, the heap in use, what {@code main}'s own
   * thread allocated, and the metaspace: where a start-up's collections come from (a collection
   * before {@code main} pauses it).
   */
  private static void printMemory() {
    long collections = 0;
    long collectionMillis = 0;
    for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      collections += Math.max(0, gc.getCollectionCount());
      collectionMillis += Math.max(0, gc.getCollectionTime());
    }
    Runtime runtime = Runtime.getRuntime();
    String mainAllocated =
        ManagementFactory.getThreadMXBean()
                instanceof com.sun.management.ThreadMXBean threads
            ? ", main thread allocated " + threads.getCurrentThreadAllocatedBytes() / 1024 + " KiB"
            : "";
    System.out.println(
        "demo app: heap used "
            + (runtime.totalMemory() - runtime.freeMemory()) / 1024
            + " KiB, collections "
            + collections
            + " ("
            + collectionMillis
            + " ms)"
            + mainAllocated);
    for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getName().equals("Metaspace")) {
        System.out.println(
            "demo app: metaspace used "
                + pool.getUsage().getUsed() / 1024
                + " KiB, committed "
                + pool.getUsage().getCommitted() / 1024
                + " KiB, classes loaded "
                + ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount());
      }
    }
  }

}
