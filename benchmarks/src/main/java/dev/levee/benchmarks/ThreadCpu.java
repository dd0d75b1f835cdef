package dev.levee.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

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
    Map<String, Long> switches = new TreeMap<>();
    java.nio.file.Path tasks = java.nio.file.Path.of("/proc/self/task");
    if (!java.nio.file.Files.isDirectory(tasks)) {
      return switches;
    }
    try (java.util.stream.Stream<java.nio.file.Path> all = java.nio.file.Files.list(tasks)) {
      for (java.nio.file.Path task : (Iterable<java.nio.file.Path>) all::iterator) {
        try {
          String name = java.nio.file.Files.readString(task.resolve("comm")).trim().replaceAll("[0-9]+", "N");
          for (String line : java.nio.file.Files.readAllLines(task.resolve("status"))) {
            if (line.startsWith("voluntary_ctxt_switches:")) {
              switches.merge(name, Long.parseLong(line.substring(line.indexOf(':') + 1).trim()), Long::sum);
            }
          }
        } catch (java.io.IOException | RuntimeException e) {
          // The thread ended while being read.
        }
      }
    } catch (java.io.IOException e) {
      // /proc unreadable: what was read so far.
    }
    return switches;
  }

  /**
   * CPU nanoseconds per thread name as the kernel keeps it (digits as N), from {@code
   * /proc/self/task}: the JVM's own threads too (the compilers, the collector), which the Java
   * thread list hides. Clock-tick resolution (10 ms); empty where there is no {@code /proc}. Threads
   * that ended before the read are missing from it.
   */
  static Map<String, Long> cpuByKernelName() {
    Map<String, Long> cpu = new TreeMap<>();
    java.nio.file.Path tasks = java.nio.file.Path.of("/proc/self/task");
    if (!java.nio.file.Files.isDirectory(tasks)) {
      return cpu;
    }
    try (java.util.stream.Stream<java.nio.file.Path> all = java.nio.file.Files.list(tasks)) {
      for (java.nio.file.Path task : (Iterable<java.nio.file.Path>) all::iterator) {
        try {
          String stat = java.nio.file.Files.readString(task.resolve("stat"));
          // "tid (comm) state ...": the name may hold spaces; the fields after it are fixed.
          int open = stat.indexOf('(');
          int close = stat.lastIndexOf(')');
          String name = stat.substring(open + 1, close).replaceAll("[0-9]+", "N").replace(' ', '_');
          String[] fields = stat.substring(close + 2).split(" ");
          long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
          cpu.merge(name, ticks * 10_000_000L, Long::sum);
        } catch (java.io.IOException | RuntimeException e) {
          // The thread ended while being read.
        }
      }
    } catch (java.io.IOException e) {
      // /proc unreadable: what was read so far.
    }
    return cpu;
  }

  /** {@code "name=1.23 ..."}: µs of CPU per item in the window by thread name, the busiest first. */
  static String perItemByName(Map<String, Long> start, Map<String, Long> end, long items) {
    StringBuilder line = new StringBuilder();
    end.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), (e.getValue() - start.getOrDefault(e.getKey(), 0L)) / 1000.0 / Math.max(1, items)))
        .filter(e -> e.getValue() >= 0.05)
        .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
        .forEach(e -> line.append(String.format(Locale.ROOT, "%s=%.2f ", e.getKey(), e.getValue())));
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
