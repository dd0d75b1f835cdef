package dev.levee.benchmarks;

import dev.levee.exporter.LeveeSpanExporter;
import dev.levee.exporter.LeveeSpanExporterBuilder;
import dev.levee.exporter.LeveeSpanProcessor;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Spans delivered per second to an OTLP/gRPC receiver in another process, by the SDK's {@code
 * BatchSpanProcessor} in front of the upstream {@code OtlpGrpcSpanExporter} (default settings, and
 * tuned) and in front of Levee (as under the agent), with the receiver at loopback speed and with
 * added latency. Producer threads create realistic spans (10 attributes, 2 events) at a fixed
 * offered rate; what the processor or exporter drops is what never arrives.
 *
 * <pre>
 * java -cp benchmarks/target/levee-benchmarks.jar dev.levee.benchmarks.DeliverySideBySide \
 *     [--seconds 10] [--latencies 0,20] [--rate 200000] [--threads 1] [--repeats 1]
 * </pre>
 *
 * The last line prints {@code name=value} pairs.
 */
public final class DeliverySideBySide {
  private DeliverySideBySide() {}

  /** One system under test: how it exports, behind which processor. */
  interface System_ {
    String name();

    SpanExporter exporter(String endpoint);

    SpanProcessor processor(SpanExporter exporter);
  }

  /**
   * One run.
   *
   * @param kept items still in Levee's journal at the end (delivered by the next run, not lost)
   */
  record Result(double deliveredPerSecond, long generated, long delivered, long kept, double cpuMicrosPerSpan) {
    long lost() {
      return generated - delivered - kept;
    }
  }

  public static void main(String[] args) throws Exception {
    if (JournalSideBySide.relaunchWithChronicleFlags(DeliverySideBySide.class, args)) {
      return;
    }
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    int seconds = Integer.parseInt(options.getOrDefault("seconds", "10"));
    int threads = Integer.parseInt(options.getOrDefault("threads", "1"));
    long rate = Long.parseLong(options.getOrDefault("rate", "200000"));
    int repeats = Integer.parseInt(options.getOrDefault("repeats", "1"));
    List<Integer> latencies = new ArrayList<>();
    for (String latency : options.getOrDefault("latencies", "0,20").split(",")) {
      latencies.add(Integer.parseInt(latency.trim()));
    }
    List<System_> systems =
        List.of(upstream("upstream (BSP defaults)", false), upstream("upstream (BSP tuned)", true), levee());

    Map<String, Map<Integer, List<Result>>> results = new LinkedHashMap<>();
    for (int r = 0; r < repeats; r++) {
      for (int latency : latencies) {
        for (System_ system : systems) {
          Result result = run(system, latency, seconds, threads, rate);
          results.computeIfAbsent(system.name(), k -> new LinkedHashMap<>())
              .computeIfAbsent(latency, k -> new ArrayList<>())
              .add(result);
          System.out.printf(
              Locale.ROOT,
              "%-24s latency %3d ms: %,12.0f spans/s delivered, %,d generated, %,d lost, %,d kept in the journal,"
                  + " %.2f µs CPU per span%n",
              system.name(),
              latency,
              result.deliveredPerSecond(),
              result.generated(),
              result.lost(),
              result.kept(),
              result.cpuMicrosPerSpan());
        }
      }
    }

    System.out.printf(
        Locale.ROOT,
        "%n%,d spans/s offered, %d s per run, %d producer thread(s), %d repeat(s) (median); JDK %s, %d cores%n%n",
        rate,
        seconds,
        threads,
        repeats,
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors());
    StringBuilder header = new StringBuilder("| system |");
    StringBuilder rule = new StringBuilder("|---|");
    for (int latency : latencies) {
      header.append(" delivered spans/s, ").append(latency).append(" ms | lost, ").append(latency).append(" ms |");
      rule.append("---|---|");
    }
    System.out.println(header);
    System.out.println(rule);
    for (Map.Entry<String, Map<Integer, List<Result>>> entry : results.entrySet()) {
      StringBuilder row = new StringBuilder("| " + entry.getKey() + " |");
      for (int latency : latencies) {
        List<Result> runs = entry.getValue().get(latency);
        row.append(String.format(Locale.ROOT, " %,.0f |", medianRate(runs)));
        row.append(String.format(Locale.ROOT, " %,d |", runs.stream().mapToLong(Result::lost).max().orElse(0)));
      }
      System.out.println(row);
    }
    StringBuilder last = new StringBuilder();
    for (int latency : latencies) {
      double levee = medianRate(results.get("levee").get(latency));
      double upstream = medianRate(results.get("upstream (BSP defaults)").get(latency));
      double tuned = medianRate(results.get("upstream (BSP tuned)").get(latency));
      last.append(
          String.format(
              Locale.ROOT,
              "%slevee_vs_upstream_%dms=%.1f levee_vs_tuned_%dms=%.1f levee_lost_%dms=%d",
              last.length() == 0 ? "" : " ",
              latency,
              levee / upstream,
              latency,
              levee / tuned,
              latency,
              results.get("levee").get(latency).stream().mapToLong(Result::lost).max().orElse(0)));
    }
    System.out.println();
    System.out.println(last);
  }

  private static double medianRate(List<Result> runs) {
    return JournalSideBySide.median(runs.stream().mapToDouble(Result::deliveredPerSecond).toArray());
  }

  static System_ upstream(String name, boolean tuned) {
    return upstream(name, tuned, "grpc");
  }

  /**
   * The SDK's batch processor and the upstream OTLP exporter over {@code protocol}: {@code
   * OtlpGrpcSpanExporter}, or {@code OtlpHttpSpanExporter} (its default sender, OkHttp).
   */
  static System_ upstream(String name, boolean tuned, String protocol) {
    return new System_() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public SpanExporter exporter(String endpoint) {
        return protocol.equals("grpc")
            ? OtlpGrpcSpanExporter.builder().setEndpoint(endpoint).build()
            : io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter.builder()
                .setEndpoint(endpoint + "/v1/traces")
                .build();
      }

      @Override
      public SpanProcessor processor(SpanExporter exporter) {
        if (!tuned) {
          return BatchSpanProcessor.builder(exporter).build();
        }
        // What a user can do without another exporter: a deep queue, big batches, short delay.
        return BatchSpanProcessor.builder(exporter)
            .setMaxQueueSize(65_536)
            .setMaxExportBatchSize(8_192)
            .setScheduleDelay(Duration.ofMillis(100))
            .build();
      }
    };
  }

  private static System_ levee() {
    return levee("levee", "overflow");
  }

  /** Levee as under the agent: defaults, the journal in {@code mode}, in a directory of its own. */
  static System_ levee(String name, String journalMode) {
    return levee(name, journalMode, 0);
  }

  /**
   * Levee as under the agent: its own processor in place of the batch processor, defaults, the
   * journal in {@code journalMode} in a directory of its own, {@code memory.limit} when positive.
   */
  static System_ levee(String name, String journalMode, long memoryLimitBytes) {
    return levee(name, journalMode, memoryLimitBytes, "grpc");
  }

  /** As above, over {@code protocol}. */
  static System_ levee(String name, String journalMode, long memoryLimitBytes, String protocol) {
    return new System_() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public SpanExporter exporter(String endpoint) {
        // As under the agent: defaults, the journal (overflow) in a directory of its own.
        LeveeSpanExporterBuilder builder =
            LeveeSpanExporter.builder()
                .setProtocol(protocol)
                .setEndpoint(endpoint)
                .setJournalDirectory(ScratchDirectories.create("levee-delivery-bench"))
                .setJournalMode(journalMode)
                .setShutdownTimeout(Duration.ofSeconds(30));
        if (memoryLimitBytes > 0) {
          builder.setMemoryLimitBytes(memoryLimitBytes);
        }
        return builder.build();
      }

      @Override
      public SpanProcessor processor(SpanExporter exporter) {
        // As the agent builds it now: Levee's processor in place of the batch processor.
        return exporter instanceof LeveeSpanExporter levee
            ? LeveeSpanProcessor.create(levee)
            : BatchSpanProcessor.builder(exporter).build();
      }
    };
  }

  private static Result run(System_ system, int latencyMs, int seconds, int threads, long rate)
      throws Exception {
    List<String> receiverOptions = latencyMs > 0 ? List.of("--latency", latencyMs + "ms") : List.of();
    try (ChildReceiver receiver = ChildReceiver.start(receiverOptions)) {
      SpanExporter exporter = system.exporter(receiver.endpoint());
      SdkTracerProvider provider =
          SdkTracerProvider.builder()
              .setResource(RealisticSpans.RESOURCE.merge(Resource.empty()))
              .addSpanProcessor(system.processor(exporter))
              .build();
      Tracer tracer = provider.get("io.opentelemetry.servlet-5.0", "2.33.1");
      AtomicBoolean running = new AtomicBoolean(true);
      AtomicLong generated = new AtomicLong();
      List<Thread> producers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        long perThread = Math.max(1, rate / threads);
        AtomicLong threadRate = new AtomicLong(perThread);
        Thread producer = new Thread(() -> produce(tracer, running, generated, threadRate), "producer-" + t);
        producer.start();
        producers.add(producer);
      }
      com.sun.management.OperatingSystemMXBean os =
          (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      Thread.sleep(2000); // warm-up, not measured
      long cpuStart = os.getProcessCpuTime();
      long generatedStart = generated.get();
      long deliveredStart = receiver.spans();
      long start = System.nanoTime();
      Thread.sleep(seconds * 1000L);
      long deliveredEnd = receiver.spans();
      long elapsed = System.nanoTime() - start;
      long cpuUsed = os.getProcessCpuTime() - cpuStart;
      long generatedInWindow = generated.get() - generatedStart;
      running.set(false);
      for (Thread producer : producers) {
        producer.join();
      }
      provider.forceFlush().join(60, TimeUnit.SECONDS);
      provider.shutdown().join(60, TimeUnit.SECONDS);
      long kept = 0;
      if (exporter instanceof LeveeSpanExporter levee) {
        // What reached Levee (the processor in front drops what its queue cannot hold).
        dev.levee.exporter.LeveeStats stats = levee.stats();
        System.out.println(
            "  levee: "
                + stats.summary()
                + " batch_bytes="
                + stats.batchBytes()
                + " concurrency="
                + stats.concurrency());
        kept = stats.pending(); // in the journal: the next run delivers it
      }
      long delivered = awaitStable(receiver);
      return new Result(
          (deliveredEnd - deliveredStart) / (elapsed / 1e9),
          generated.get(),
          delivered,
          kept,
          cpuUsed / 1000.0 / Math.max(1, generatedInWindow));
    } finally {
      ScratchDirectories.deleteAll(); // the system has stopped: its journal or files go too
    }
  }

  private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");

  /**
   * Creates spans at {@code perSecond} (which may change while it runs), catching up in bursts
   * when it falls behind.
   */
  static void produce(Tracer tracer, AtomicBoolean running, AtomicLong generated, AtomicLong perSecond) {
    long i = 0;
    double due = 0;
    long last = System.nanoTime();
    while (running.get()) {
      long now = System.nanoTime();
      due += (now - last) * (double) perSecond.get() / 1_000_000_000L;
      last = now;
      if (i >= due) {
        // Until the next span is due (50 µs to 10 ms): a fixed 50 µs wait woke this thread 20,000
        // times a second whatever the rate, which at 2k spans/s was most of the process's CPU
        // per span for every system alike.
        long rate = Math.max(1, perSecond.get());
        long untilDue = (long) ((i + 1 - due) * 1_000_000_000L / rate);
        java.util.concurrent.locks.LockSupport.parkNanos(Math.max(50_000, Math.min(10_000_000, untilDue)));
        continue;
      }
      Span span =
          tracer
              .spanBuilder("GET /api/orders/{id}")
              .setSpanKind(SpanKind.SERVER)
              .setAttribute("http.request.method", "GET")
              .setAttribute(ROUTE, "/api/orders/{id}")
              .setAttribute("url.path", "/api/orders/" + (i % 1000))
              .setAttribute("http.response.status_code", 200L)
              .setAttribute("server.address", "checkout.internal")
              .setAttribute("server.port", 8080L)
              .setAttribute("client.address", "10.0.0." + (i % 250))
              .setAttribute("user_agent.original", "Mozilla/5.0 (X11; Linux x86_64)")
              .setAttribute("network.protocol.version", "1.1")
              .setAttribute("app.tenant", "tenant-" + (i % 17))
              .startSpan();
      span.addEvent("cache.lookup", Attributes.of(AttributeKey.stringKey("cache.key"), "order:" + i));
      span.addEvent("db.query", Attributes.of(AttributeKey.longKey("db.rows"), 1L));
      span.end();
      generated.incrementAndGet();
      i++;
    }
  }

  /** Waits until the receiver's count has not moved for a second, and returns it. */
  static long awaitStable(ChildReceiver receiver) throws InterruptedException {
    long last = -1;
    long stableSince = System.nanoTime();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      long now = receiver.spans();
      if (now != last) {
        last = now;
        stableSince = System.nanoTime();
      } else if (System.nanoTime() - stableSince > TimeUnit.SECONDS.toNanos(1)) {
        return now;
      }
      Thread.sleep(50);
    }
    return last;
  }
}
