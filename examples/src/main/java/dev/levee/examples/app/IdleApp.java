package dev.levee.examples.app;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * A service with nothing to do: an application to run under the OpenTelemetry agent that ends a
 * thousand spans and logs a few records, waits eight seconds, then does nothing for {@code
 * seconds} and prints what the process spent meanwhile: its CPU, and each thread's CPU and
 * wakeups (voluntary context switches, from {@code /proc}; Linux only) a second. It knows nothing
 * of Levee.
 *
 * <p>Usage: {@code IdleApp [seconds]} (default 20).
 */
public final class IdleApp {
  private static final Logger logger = Logger.getLogger(IdleApp.class.getName());

  private IdleApp() {}

  public static void main(String[] args) throws Exception {
    long seconds = args.length > 0 ? Long.parseLong(args[0]) : 20;
    logger.setUseParentHandlers(false);
    Tracer tracer = GlobalOpenTelemetry.getTracer("levee-idle");
    for (int i = 0; i < 1000; i++) {
      tracer.spanBuilder("warm-up").startSpan().end();
      if (i % 100 == 0) {
        logger.info("warm-up " + i);
      }
    }
    Thread.sleep(8_000);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    Map<String, Long> cpuBefore = threadCpu(threads);
    Map<String, Long> wakeupsBefore = wakeups();
    long processBefore = os.getProcessCpuTime();
    Thread.sleep(seconds * 1000);
    long processAfter = os.getProcessCpuTime();
    Map<String, Long> cpuAfter = threadCpu(threads);
    Map<String, Long> wakeupsAfter = wakeups();
    System.out.printf(
        Locale.ROOT, "idle app: process CPU %.2f ms a second over %d s%n", (processAfter - processBefore) / 1e6 / seconds, seconds);
    for (Map.Entry<String, Long> entry : cpuAfter.entrySet()) {
      long cpu = entry.getValue() - cpuBefore.getOrDefault(entry.getKey(), 0L);
      if (cpu > 0) {
        System.out.printf(Locale.ROOT, "idle app: thread %-45s CPU %.3f ms a second%n", entry.getKey(), cpu / 1e6 / seconds);
      }
    }
    for (Map.Entry<String, Long> entry : wakeupsAfter.entrySet()) {
      long woken = entry.getValue() - wakeupsBefore.getOrDefault(entry.getKey(), 0L);
      if (woken > 0) {
        System.out.printf(Locale.ROOT, "idle app: thread %-45s wakeups %.1f a second%n", entry.getKey(), (double) woken / seconds);
      }
    }
  }

  /** CPU nanoseconds by thread name (threads of one name summed). */
  private static Map<String, Long> threadCpu(ThreadMXBean threads) {
    Map<String, Long> cpu = new TreeMap<>();
    for (ThreadInfo info : threads.dumpAllThreads(false, false)) {
      long nanos = threads.getThreadCpuTime(info.getThreadId());
      if (nanos > 0) {
        cpu.merge(info.getThreadName(), nanos, Long::sum);
      }
    }
    return cpu;
  }

  /** Voluntary context switches by thread name as the kernel knows it (15 characters); empty off Linux. */
  private static Map<String, Long> wakeups() {
    Map<String, Long> switches = new TreeMap<>();
    Path tasks = Path.of("/proc/self/task");
    if (!Files.isDirectory(tasks)) {
      return switches;
    }
    try (Stream<Path> list = Files.list(tasks)) {
      for (Path task : (Iterable<Path>) list::iterator) {
        try {
          String name = Files.readString(task.resolve("comm")).trim();
          for (String line : Files.readAllLines(task.resolve("status"))) {
            if (line.startsWith("voluntary_ctxt_switches:")) {
              switches.merge(name, Long.parseLong(line.substring(line.indexOf(':') + 1).trim()), Long::sum);
            }
          }
        } catch (IOException | RuntimeException e) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException e) {
      // not readable here: no wakeups reported
    }
    return switches;
  }
}
