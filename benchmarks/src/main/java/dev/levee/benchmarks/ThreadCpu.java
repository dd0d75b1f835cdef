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
