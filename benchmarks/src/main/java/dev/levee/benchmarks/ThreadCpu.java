package dev.levee.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The CPU of this process's Java threads, grouped (the producer, the exporter's threads, the rest),
 * so that a side-by-side cell's CPU can be told apart from the JVM's own (compiler, GC), which is
 * the process's CPU less its Java threads'.
 */
final class ThreadCpu {
  private ThreadCpu() {}

  /** Nanoseconds of CPU per group, of the threads alive now. */
  static Map<String, Long> byGroup() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<String, Long> groups = new TreeMap<>();
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      long cpu = threads.getThreadCpuTime(info.getThreadId());
      if (cpu > 0) {
        groups.merge(group(info.getThreadName()), cpu, Long::sum);
      }
    }
    return groups;
  }

  /**
   * Voluntary context switches (a thread parking or waiting, then woken) per thread name (as the
   * kernel keeps it: 15 characters, digits as N), from {@code /proc/self/task}; empty where there is
   * none. How often a thread wakes is most of what it costs at a low rate.
   */
  static Map<String, Long> switchesByName() {
    return byKernelName(
        task -> {
          for (String line : Files.readAllLines(task.resolve("status"))) {
            if (line.startsWith("voluntary_ctxt_switches:")) {
              return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
          }
          return 0;
        });
  }

  /**
   * CPU nanoseconds per thread name as the kernel keeps it (digits as N), from {@code
   * /proc/self/task}: the JVM's own threads too (the compilers, the collector), which the Java
   * thread list hides. Clock-tick resolution (10 ms); empty where there is no {@code /proc}. Threads
   * that ended before the read are missing from it.
   */
  static Map<String, Long> cpuByKernelName() {
    return byKernelName(
        task -> {
          String stat = Files.readString(task.resolve("stat"));
          // "tid (name) state ...": the name may hold spaces and parentheses; the fields after it are fixed.
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L; // utime, stime
        });
  }

  /** What is read of one thread's {@code /proc/self/task/<tid>} directory. */
  private interface TaskReader {
    long read(Path task) throws IOException;
  }

  /** {@code reader}'s value for every thread, summed by the kernel's name for it (digits as N). */
  private static Map<String, Long> byKernelName(TaskReader reader) {
    Map<String, Long> sums = new TreeMap<>();
    Path tasks = Path.of("/proc/self/task");
    if (!Files.isDirectory(tasks)) {
      return sums;
    }
    try (Stream<Path> all = Files.list(tasks)) {
      for (Path task : (Iterable<Path>) all::iterator) {
        try {
          String name = Files.readString(task.resolve("comm")).trim().replaceAll("[0-9]+", "N");
          sums.merge(name, reader.read(task), Long::sum);
        } catch (IOException | RuntimeException e) {
          // The thread ended while being read.
        }
      }
    } catch (IOException e) {
      // /proc unreadable: what was read so far.
    }
    return sums;
  }

  /** {@code "name=1.23 ..."}: µs of CPU per item in the window by thread name, the busiest first. */
  static String perItemByName(Map<String, Long> start, Map<String, Long> end, long items) {
    StringBuilder line = new StringBuilder();
    end.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), (e.getValue() - start.getOrDefault(e.getKey(), 0L)) / 1000.0 / Math.max(1, items)))
        .filter(e -> e.getValue() >= 0.05)
        .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
        .forEach(e -> line.append(String.format(Locale.ROOT, "%s=%.2f ", e.getKey().replace(' ', '_'), e.getValue())));
    return line.toString().trim();
  }

  /** {@code "name=12.3 ..."}: wakeups a second per thread name over {@code seconds}, the busiest first. */
  static String perSecond(Map<String, Long> start, Map<String, Long> end, double seconds) {
    StringBuilder line = new StringBuilder();
    end.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), (e.getValue() - start.getOrDefault(e.getKey(), 0L)) / seconds))
        .filter(e -> e.getValue() >= 1)
        .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
        .forEach(e -> line.append(String.format(Locale.ROOT, "%s=%.0f ", e.getKey().replace(' ', '_'), e.getValue())));
    return line.toString().trim();
  }

  /** {@code -Dlevee.bench.threadNames=true}: every thread by its name (digits as N), to look closer. */
  private static final boolean BY_NAME = Boolean.getBoolean("levee.bench.threadNames");

  private static String group(String name) {
    if (name.equals("producer")) {
      return "producer";
    }
    if (BY_NAME) {
      return name.replaceAll("[0-9]+", "N").replace(' ', '_');
    }
    if (name.startsWith("levee-")) {
      return name.replaceAll("[0-9]+", "N"); // Levee's threads by job
    }
    if (name.startsWith("levee-") || name.startsWith("BatchSpanProcessor") || name.startsWith("OkHttp")
        || name.startsWith("grpc") || name.contains("otlp") || name.startsWith("background~")
        || name.contains("chronicle") || name.startsWith("Thread-") || name.startsWith("pool-")) {
      return "exporter";
    }
    return "other";
  }

  /** {@code "producer=1.2 exporter=3.4 other=0.1 jvm=5.6"}: µs of CPU per item in the window. */
  static String perItem(Map<String, Long> start, Map<String, Long> end, long processNanos, long items) {
    StringBuilder line = new StringBuilder();
    long threadsNanos = 0;
    for (Map.Entry<String, Long> group : end.entrySet()) {
      long used = group.getValue() - start.getOrDefault(group.getKey(), 0L);
      threadsNanos += used;
      line.append(String.format(Locale.ROOT, "%s=%.2f ", group.getKey(), used / 1000.0 / Math.max(1, items)));
    }
    line.append(String.format(Locale.ROOT, "jvm=%.2f", (processNanos - threadsNanos) / 1000.0 / Math.max(1, items)));
    return line.toString();
  }
}
