package dev.levee.benchmarks;

import dev.levee.benchmarks.DeliverySideBySide.System_;
import dev.levee.exporter.DropReason;
import dev.levee.exporter.LeveeSpanExporter;
import dev.levee.exporter.LeveeStats;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The side-by-side harness: every system against the same OTLP receiver (a separate process),
 * over gRPC or, with {@code --protocol http/protobuf}, HTTP (A then uses the upstream {@code
 * OtlpHttpSpanExporter}, Levee its HTTP transport), in every scenario, in one run on one machine; writes its section of BENCHMARKS.md and
 * prints the key ratios as {@code name=value} pairs on its last line.
 *
 * <p>Systems: A, the SDK's {@code BatchSpanProcessor} with the upstream {@code
 * OtlpGrpcSpanExporter} (default settings, and tuned); B, the same processor in front of contrib
 * disk-buffering's {@code SpanToDiskExporter}, read back and exported upstream ({@link
 * DiskBufferingDelivery}), when its classpath is given with {@code --disk-buffering} (it is not
 * served by the Maven repository this project builds from; see BENCHMARKS.md); C, Levee with the
 * journal for overflow (its default); D, Levee in write-ahead mode; E, Levee with {@code
 * memory.limit=1MiB}. Levee runs behind its own processor, in place of the batch processor, as the
 * agent builds it.
 *
 * <p>Scenarios: the receiver at loopback speed; with 20 ms added latency; an outage (the receiver
 * stopped, then started on the same port, while traffic goes on); a degraded receiver (20 ms,
 * 20% UNAVAILABLE, 10% throttled), steady and with bursts; a slow one (2 s); bursts at 10× the
 * steady rate.
 *
 * <pre>
 * java -cp benchmarks/target/levee-benchmarks.jar dev.levee.benchmarks.SideBySide \
 *     [--mode quick|full] [--out BENCHMARKS.md] [--scenarios loopback,...] [--systems A,C]
 *     [--disk-buffering CLASSPATH] [--protocol grpc|http/protobuf] [--warmup N] [--seconds N]
 *     [--repeats N] [--jvm-per-run true]
 * </pre>
 *
 * {@code --systems} takes letters ({@code At}: the tuned A alone); {@code --jvm-per-run true} runs
 * each system's each run in a JVM started for it ({@link ForkedRun}).
 *
 * quick: about 2 minutes, one run per cell; full: about 30 minutes, each system running 5 s before
 * its window, the steady scenarios twice and a 60 s outage.
 */
public final class SideBySide {
  private SideBySide() {}

  /** The degraded backend's faults: a backend up and serving 70% of calls, as behind a busy load balancer. */
  static final String DEGRADED_FAULTS = "UNAVAILABLE:20%,RESOURCE_EXHAUSTED:10%:200ms";

  /** A scenario: what the receiver does and what the producer offers. */
  record Scenario(
      String name,
      String description,
      long rate,
      List<String> receiverOptions,
      int warmupSeconds,
      int seconds,
      int repeats,
      long burstRate) {}

  /** One run of one system in one scenario. */
  record Run(
      double deliveredPerSecond,
      long generated,
      long delivered,
      long kept,
      double cpuMicrosPerSpan,
      double cpuMicrosPerDeliveredSpan,
      double cpuMicrosPerDeliveredSpanBacklogIncluded,
      double cpuMicrosPerDeliveredSpanWholeRun,
      double heapPeakMiB,
      Map<String, Long> leveeDrops,
      double callerMicrosPerSpan,
      double callerCpuMicrosPerSpan,
      double journaledPerSecond,
      DrainWatch.Drain drain,
      long reachedExporter) {
    long lost() {
      return Math.max(0, generated - delivered - kept);
    }

    /** Ended spans that never reached the exporter: dropped by a processor's queue. */
    long lostBeforeExporter() {
      return Math.max(0, generated - reachedExporter);
    }
  }

  static final String LEVEE_TRANSPORT = "otel.exporter.levee.transport";

  public static void main(String[] args) throws Exception {
    if (JournalSideBySide.relaunchWithChronicleFlags(SideBySide.class, args)) {
      return;
    }
    // Levee sends as it does inside the agent, with OkHttp (the upstream exporter's client too),
    // unless told otherwise (-Dotel.exporter.levee.transport=builtin: grpc-java, the JDK's client).
    if (System.getProperty(LEVEE_TRANSPORT) == null) {
      System.setProperty(LEVEE_TRANSPORT, "okhttp");
    }
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    boolean full = options.getOrDefault("mode", "quick").equals("full");
    Path out = Path.of(options.getOrDefault("out", "BENCHMARKS.md"));
    int steady = full ? 8 : 3;
    // Seconds from a system's start to its window: in full mode long enough for a steady state
    // (the first requests answered and retried, a slow backend's first answers back, memory and
    // the journal at their working level, the adaptive batching settled; a burst cycle is 4 s), so
    // that the window measures the system at work rather than its start.
    int settle = full ? 5 : 1;
    int repeats = full ? 2 : 1;
    int outage = full ? 60 : 5;
    List<Scenario> allScenarios =
        List.of(
            new Scenario("loopback", "receiver at loopback speed, 100k spans/s offered", 100_000, List.of(), settle, steady, repeats, 0),
            new Scenario(
                "latency_20ms",
                "receiver answers 20 ms late, 100k spans/s offered",
                100_000,
                List.of("--latency", "20ms"),
                settle,
                steady,
                repeats,
                0),
            new Scenario(
                "outage",
                "receiver down for "
                    + outage
                    + " s from 2 s into the run, then back for "
                    + (outage / 2)
                    + " s, 20k spans/s offered throughout",
                20_000,
                List.of("--outage", "2s/" + outage + "s"),
                0,
                2 + outage + outage / 2,
                1,
                0),
            new Scenario(
                "degraded",
                "receiver answers 20 ms late, fails 20% of calls UNAVAILABLE and throttles 10% (RESOURCE_EXHAUSTED, RetryInfo 200 ms), 2k spans/s offered",
                2_000,
                List.of("--latency", "20ms", "--faults", DEGRADED_FAULTS),
                settle,
                steady,
                repeats,
                0),
            new Scenario(
                "degraded_burst",
                "the degraded receiver, 2k spans/s with a 1 s burst at 50k spans/s every 4 s",
                2_000,
                List.of("--latency", "20ms", "--faults", DEGRADED_FAULTS),
                settle,
                full ? 12 : 4,
                repeats,
                50_000),
            new Scenario(
                "slow",
                "receiver answers 2 s late, 2k spans/s offered",
                2_000,
                List.of("--latency", "2s"),
                settle,
                full ? 12 : 8,
                repeats,
                0),
            new Scenario(
                "burst",
                "10k spans/s with a 1 s burst at 100k spans/s every 4 s",
                10_000,
                List.of(),
                settle,
                full ? 12 : 4,
                repeats,
                100_000));
    String protocol = options.getOrDefault("protocol", "grpc");
    List<System_> allSystems = new ArrayList<>();
    allSystems.add(DeliverySideBySide.upstream("A: upstream, BSP defaults", false, protocol));
    allSystems.add(DeliverySideBySide.upstream("A: upstream, BSP tuned", true, protocol));
    String diskBuffering = options.get("disk-buffering");
    if (diskBuffering != null) {
      allSystems.add(new DiskBufferingDelivery(diskBuffering));
    } else {
      System.out.println("B (disk-buffering): not measured, no --disk-buffering CLASSPATH given");
    }
    allSystems.add(DeliverySideBySide.levee("C: Levee, journal overflow", "overflow", 0, protocol));
    allSystems.add(DeliverySideBySide.levee("D: Levee, write-ahead", "write_ahead", 0, protocol));
    allSystems.add(DeliverySideBySide.levee("E: Levee, memory.limit=1MiB", "overflow", 1L << 20, protocol));
    // --scenarios loopback,outage and --systems A,C narrow a run (to look into one cell).
    List<String> onlyScenarios = List.of(options.getOrDefault("scenarios", "").split(","));
    List<String> onlySystems = List.of(options.getOrDefault("systems", "").split(","));
    // --warmup N (seconds between a system's start and its window), --seconds N (the window) and
    // --repeats N, for every scenario but the outage (whose timeline starts with the system);
    // otherwise each scenario's own. A longer window and more runs narrow a low-rate cell, where
    // a few milliseconds of CPU move the figure per span.
    List<Scenario> scenarios =
        allScenarios.stream()
            .filter(s -> onlyScenarios.equals(List.of("")) || onlyScenarios.contains(s.name()))
            .map(s -> s.name().equals("outage") ? s : overridden(s, options))
            .toList();
    // In the order given (--systems C,A runs C first in each round: whether a system's figures
    // depend on its place in the round, on what ran before it in this JVM). "At" is the tuned A
    // alone, to run it in a JVM of its own.
    List<System_> systems =
        onlySystems.equals(List.of(""))
            ? allSystems
            : onlySystems.stream()
                .flatMap(
                    letter ->
                        allSystems.stream()
                            .filter(
                                s ->
                                    letter.equals("At")
                                        ? s.name().equals("A: upstream, BSP tuned")
                                        : s.name().startsWith(letter + ":")))
                .toList();

    String childSystem = options.get("child-system");
    if (childSystem != null) {
      // A child of --jvm-per-run: one run, its figures on one line for the parent.
      Scenario scenario =
          scenarios.stream().filter(s -> s.name().equals(options.get("child-scenario"))).findFirst().orElseThrow();
      System_ system = allSystems.stream().filter(s -> s.name().equals(childSystem)).findFirst().orElseThrow();
      System.out.println(ForkedRun.PREFIX + ForkedRun.encode(run(system, scenario, protocol)));
      return;
    }
    // --jvm-per-run true: each run in a JVM of its own, started for it, so that no system's
    // figures depend on what ran before it in the same JVM.
    boolean jvmPerRun = Boolean.parseBoolean(options.getOrDefault("jvm-per-run", "false"));

    long began = System.nanoTime();
    Map<String, Map<String, List<Run>>> results = new LinkedHashMap<>();
    for (Scenario scenario : scenarios) {
      for (int r = 0; r < scenario.repeats(); r++) {
        for (System_ system : systems) {
          Run run =
              jvmPerRun
                  ? ForkedRun.run(scenario.name(), system.name(), options)
                  : run(system, scenario, protocol);
          results
              .computeIfAbsent(scenario.name(), k -> new LinkedHashMap<>())
              .computeIfAbsent(system.name(), k -> new ArrayList<>())
              .add(run);
          System.out.printf(
              Locale.ROOT,
              "%-13s %-28s %,10.0f spans/s delivered, %,d generated, %,d lost, %,d kept, %.2f µs CPU/span, %.2f µs CPU/delivered span, live heap peak %.0f MiB %s%n",
              scenario.name(),
              system.name(),
              run.deliveredPerSecond(),
              run.generated(),
              run.lost(),
              run.kept(),
              run.cpuMicrosPerSpan(),
              run.cpuMicrosPerDeliveredSpan(),
              run.heapPeakMiB(),
              run.leveeDrops().isEmpty() ? "" : "drops " + run.leveeDrops());
        }
      }
    }
    double minutes = (System.nanoTime() - began) / 60e9;

    String section = SideBySideReport.section(full, protocol, scenarios, systems, results, minutes, jvmPerRun);
    System.out.println();
    System.out.println(section);
    SideBySideReport.writeSection(out, protocol, section);
    System.out.println("Wrote " + out.toAbsolutePath());
    System.out.println(SideBySideReport.ratios(results));
  }

  private static Scenario overridden(Scenario s, Map<String, String> options) {
    return new Scenario(
        s.name(),
        s.description(),
        s.rate(),
        s.receiverOptions(),
        Integer.parseInt(options.getOrDefault("warmup", String.valueOf(s.warmupSeconds()))),
        Integer.parseInt(options.getOrDefault("seconds", String.valueOf(s.seconds()))),
        Integer.parseInt(options.getOrDefault("repeats", String.valueOf(s.repeats()))),
        s.burstRate());
  }

  private static Run run(System_ system, Scenario scenario, String protocol) throws Exception {
    List<String> receiverOptions = new ArrayList<>(scenario.receiverOptions());
    try (ChildReceiver receiver = ChildReceiver.start(receiverOptions)) {
      SpanExporter exporter = system.exporter(receiver.endpoint(protocol));
      TimedExporter timed = new TimedExporter(exporter);
      // Levee's processor takes Levee's exporter itself (its export() runs on Levee's thread);
      // the others are timed on the SDK's export thread.
      SpanProcessor processor =
          system.processor(exporter instanceof LeveeSpanExporter ? exporter : timed);
      SdkTracerProvider provider =
          SdkTracerProvider.builder()
              .setResource(RealisticSpans.RESOURCE.merge(Resource.empty()))
              .addSpanProcessor(processor)
              .build();
      Tracer tracer = provider.get("io.opentelemetry.servlet-5.0", "2.33.1");
      AtomicBoolean running = new AtomicBoolean(true);
      AtomicLong generated = new AtomicLong();
      AtomicLong rate = new AtomicLong(scenario.rate());
      Thread producer =
          new Thread(() -> DeliverySideBySide.produce(tracer, running, generated, rate), "producer");
      System.gc();
      HeapWatch heap = new HeapWatch();
      com.sun.management.OperatingSystemMXBean os =
          (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      // From before the first span to the last delivered: nothing held at either end, so no system
      // is credited with spans made before its window or charged for ones made before it.
      long cpuAtFirstSpan = os.getProcessCpuTime();
      producer.start();
      Thread.sleep(scenario.warmupSeconds() * 1000L);
      Map<String, Long> threadsStart = ThreadCpu.byGroup();
      Map<String, Long> switchesStart = ThreadCpu.switchesByName();
      Map<String, Long> kernelStart = ThreadCpu.cpuByKernelName();
      long cpuStart = os.getProcessCpuTime();
      long generatedStart = generated.get();
      long deliveredStart = receiver.spans();
      java.util.function.LongSupplier journaledSoFar =
          exporter instanceof LeveeSpanExporter levee ? () -> levee.stats().journaled() : () -> 0;
      long journaledStart = journaledSoFar.getAsLong();
      long start = System.nanoTime();
      java.util.function.LongSupplier backlog = backlogOf(exporter);
      DrainWatch drain = new DrainWatch(scenario.rate());
      for (int second = 0; second < scenario.seconds(); second++) {
        if (scenario.burstRate() > 0) {
          rate.set(second % 4 == 3 ? scenario.burstRate() : scenario.rate());
        }
        for (int tick = 0; tick < 10; tick++) {
          Thread.sleep(100);
          if (backlog != null && scenario.name().equals("outage")) {
            drain.sample(System.nanoTime() - start, receiver.spans(), backlog.getAsLong());
          }
        }
      }
      long deliveredEnd = receiver.spans();
      long journaledInWindow = journaledSoFar.getAsLong() - journaledStart;
      long elapsed = System.nanoTime() - start;
      long cpuUsed = os.getProcessCpuTime() - cpuStart;
      System.out.println(
          "  CPU in the window by thread group, µs per delivered span: "
              + ThreadCpu.perItem(threadsStart, ThreadCpu.byGroup(), cpuUsed, receiver.spans() - deliveredStart));
      System.out.println(
          "  CPU in the window by thread name (the kernel's), µs per delivered span: "
              + ThreadCpu.perItemByName(kernelStart, ThreadCpu.cpuByKernelName(), receiver.spans() - deliveredStart));
      System.out.println(
          "  wakeups a second in the window by thread: "
              + ThreadCpu.perSecond(switchesStart, ThreadCpu.switchesByName(), elapsed / 1e9));
      long generatedInWindow = generated.get() - generatedStart;
      running.set(false);
      producer.join();
      provider.forceFlush().join(120, TimeUnit.SECONDS);
      provider.shutdown().join(120, TimeUnit.SECONDS);
      Map<String, Long> drops = new LinkedHashMap<>();
      long kept = 0;
      long reachedExporter = timed.spans();
      if (exporter instanceof LeveeSpanExporter levee) {
        LeveeStats stats = levee.stats();
        reachedExporter = stats.offered();
        for (DropReason reason : DropReason.values()) {
          if (stats.dropped(reason) > 0) {
            drops.put(reason.label(), stats.dropped(reason));
          }
        }
        kept = stats.pending(); // in the journal: the next run delivers it
      }
      long delivered = DeliverySideBySide.awaitStable(receiver);
      // The window's CPU and the drain's (what the system still held at its end, delivered after
      // it), over everything delivered from the window's start: the cost per span that arrived,
      // for a system that holds what it cannot send at once as for one that drops it.
      long cpuNow = os.getProcessCpuTime();
      long cpuWithBacklog = cpuNow - cpuStart;
      long cpuWholeRun = cpuNow - cpuAtFirstSpan;
      if (exporter instanceof DiskBufferingDelivery.Backlog diskBuffering) {
        kept = diskBuffering.stopAndCountKept(); // on disk, not yet delivered
      }
      double heapPeak = heap.stop();
      boolean steady = scenario.burstRate() == 0 && !scenario.name().equals("outage");
      return new Run(
          steady ? (deliveredEnd - deliveredStart) / (elapsed / 1e9) : delivered / (elapsed / 1e9),
          generated.get(),
          delivered,
          kept,
          cpuUsed / 1000.0 / Math.max(1, generatedInWindow),
          cpuUsed / 1000.0 / Math.max(1, deliveredEnd - deliveredStart),
          cpuWithBacklog / 1000.0 / Math.max(1, delivered - deliveredStart),
          cpuWholeRun / 1000.0 / Math.max(1, delivered),
          heapPeak,
          drops,
          timed.microsPerSpan(),
          timed.cpuMicrosPerSpan(),
          journaledInWindow / (elapsed / 1e9),
          drain.result(),
          reachedExporter);
    } finally {
      ScratchDirectories.deleteAll(); // the system has stopped: its journal or files go too
    }
  }

  /** What a system holds undelivered now, if it holds anything (A does not: it drops). */
  private static java.util.function.LongSupplier backlogOf(SpanExporter exporter) {
    if (exporter instanceof LeveeSpanExporter levee) {
      return () -> levee.stats().pending();
    }
    if (exporter instanceof DiskBufferingDelivery.Backlog diskBuffering) {
      return diskBuffering::pending;
    }
    return null;
  }

  /**
   * The backlog drain after an outage, while live traffic goes on: the backlog when the receiver
   * starts answering again (the first sample after 2 s without deliveries that sees some), and how
   * long until it is down to what live traffic keeps in flight (half a second of it, or 5% of the
   * backlog if more).
   */
  static final class DrainWatch {
    /** Spans drained per second, how many, in how long; {@code drained} false if the run ended first. */
    record Drain(double perSecond, long spans, long left, double seconds, boolean drained) {}

    private final long rate;
    private long lastDelivered = -1;
    private long quietSince = -1;
    private long recoveredAt = -1;
    private long backlogAtRecovery;
    private long lastNanos;
    private long lastBacklog;
    private Drain result;

    DrainWatch(long rate) {
      this.rate = rate;
    }

    void sample(long nanos, long delivered, long backlog) {
      if (result != null && result.drained()) {
        return;
      }
      lastNanos = nanos;
      lastBacklog = backlog;
      if (recoveredAt < 0) {
        if (delivered != lastDelivered) {
          boolean wasQuiet = quietSince >= 0 && nanos - quietSince > TimeUnit.SECONDS.toNanos(2);
          lastDelivered = delivered;
          quietSince = nanos;
          if (wasQuiet) {
            recoveredAt = nanos;
            backlogAtRecovery = backlog;
          }
        }
        return;
      }
      long settled = Math.max(rate / 2, backlogAtRecovery / 20);
      if (backlog <= settled) {
        double seconds = (nanos - recoveredAt) / 1e9;
        result =
            new Drain((backlogAtRecovery - backlog) / seconds, backlogAtRecovery, backlog, seconds, true);
      }
    }

    Drain result() {
      if (result != null) {
        return result;
      }
      if (recoveredAt < 0) {
        return null;
      }
      double seconds = (lastNanos - recoveredAt) / 1e9;
      return new Drain(
          (backlogAtRecovery - lastBacklog) / seconds, backlogAtRecovery, lastBacklog, seconds, false);
    }
  }

  /**
   * Times the processor's calls into the exporter: the time the SDK's export thread spends in
   * {@code export()} per span (encoding and handing over; neither system waits for the network
   * there).
   */
  private static final class TimedExporter implements SpanExporter {
    private final SpanExporter delegate;
    private final AtomicLong nanos = new AtomicLong();
    private final AtomicLong cpuNanos = new AtomicLong();
    private final AtomicLong spans = new AtomicLong();
    private final java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    TimedExporter(SpanExporter delegate) {
      this.delegate = delegate;
    }

    @Override
    public io.opentelemetry.sdk.common.CompletableResultCode export(
        java.util.Collection<io.opentelemetry.sdk.trace.data.SpanData> batch) {
      long cpuStart = threads.getCurrentThreadCpuTime();
      long start = System.nanoTime();
      io.opentelemetry.sdk.common.CompletableResultCode result = delegate.export(batch);
      nanos.addAndGet(System.nanoTime() - start);
      cpuNanos.addAndGet(threads.getCurrentThreadCpuTime() - cpuStart);
      spans.addAndGet(batch.size());
      return result;
    }

    @Override
    public io.opentelemetry.sdk.common.CompletableResultCode flush() {
      return delegate.flush();
    }

    @Override
    public io.opentelemetry.sdk.common.CompletableResultCode shutdown() {
      return delegate.shutdown();
    }

    double microsPerSpan() {
      return nanos.get() / 1000.0 / Math.max(1, spans.get());
    }

    double cpuMicrosPerSpan() {
      return cpuNanos.get() / 1000.0 / Math.max(1, spans.get());
    }

    long spans() {
      return spans.get();
    }
  }

  /**
   * The peak of the heap a collection left in use (summed over the heap pools), in MiB: live data,
   * not the collector's pace. Heard from the collectors' notifications, with no thread of its own
   * polling, so that watching costs the cells nothing between collections (a poll every 50 ms was
   * 1.3-2 µs of CPU per span at 2k spans/s, for every system alike).
   */
  private static final class HeapWatch {
    private final AtomicLong peak = new AtomicLong();
    private final List<javax.management.NotificationEmitter> emitters = new ArrayList<>();
    private final javax.management.NotificationListener listener =
        (notification, handback) -> {
          if (!com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            return;
          }
          com.sun.management.GarbageCollectionNotificationInfo info =
              com.sun.management.GarbageCollectionNotificationInfo.from(
                  (javax.management.openmbean.CompositeData) notification.getUserData());
          java.util.Map<String, java.lang.management.MemoryUsage> after = info.getGcInfo().getMemoryUsageAfterGc();
          peak.accumulateAndGet(heapInUse(pool -> after.get(pool.getName())), Math::max);
        };

    HeapWatch() {
      // The heap in use after the last collection (the one just before the run), as the start.
      peak.set(heapInUse(java.lang.management.MemoryPoolMXBean::getCollectionUsage));
      for (java.lang.management.GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        if (gc instanceof javax.management.NotificationEmitter emitter) {
          emitter.addNotificationListener(listener, null, null);
          emitters.add(emitter);
        }
      }
    }

    double stop() {
      for (javax.management.NotificationEmitter emitter : emitters) {
        try {
          emitter.removeNotificationListener(listener);
        } catch (javax.management.ListenerNotFoundException e) {
          // Not registered: nothing to remove.
        }
      }
      return peak.get() / (double) (1 << 20);
    }

    /** Bytes in use summed over the heap pools, each pool's usage given by {@code usage} (or null). */
    private static long heapInUse(
        java.util.function.Function<java.lang.management.MemoryPoolMXBean, java.lang.management.MemoryUsage> usage) {
      long live = 0;
      for (java.lang.management.MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        java.lang.management.MemoryUsage used = usage.apply(pool);
        if (pool.getType() == java.lang.management.MemoryType.HEAP && used != null) {
          live += used.getUsed();
        }
      }
      return live;
    }
  }
}
