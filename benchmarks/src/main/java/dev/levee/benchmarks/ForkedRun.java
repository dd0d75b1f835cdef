package dev.levee.benchmarks;

import dev.levee.benchmarks.SideBySide.DrainWatch;
import dev.levee.benchmarks.SideBySide.Run;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One side-by-side run in a JVM of its own ({@code SideBySide --jvm-per-run true}): the system
 * starts with nothing compiled for it and nothing left by a system before it in the same JVM (code
 * compiled for another processor, a heap shaped by another exporter), as it would in an
 * application. The child prints its {@link Run} on one line; this class writes and reads that line.
 */
final class ForkedRun {
  /** The line's prefix in the child's output. */
  static final String PREFIX = "side-by-side run: ";

  private ForkedRun() {}

  /**
   * Runs {@code systemName} in {@code scenarioName} in a child JVM, with the same class path,
   * flags and harness options ({@code options}, without {@code --systems}, {@code --scenarios} or
   * {@code --repeats}), echoing its output, and returns what it measured.
   */
  static Run run(String scenarioName, String systemName, Map<String, String> options) throws Exception {
    List<String> command = JournalSideBySide.javaCommand(SideBySide.class);
    for (Map.Entry<String, String> option : options.entrySet()) {
      if (!List.of("systems", "scenarios", "repeats", "jvm-per-run", "out").contains(option.getKey())) {
        command.add("--" + option.getKey());
        command.add(option.getValue());
      }
    }
    command.addAll(List.of("--child-scenario", scenarioName, "--child-system", systemName));
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    Run run = null;
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.startsWith(PREFIX)) {
          run = decode(line.substring(PREFIX.length()));
        } else {
          System.out.println("  | " + line);
        }
      }
    }
    int exit = child.waitFor();
    if (exit != 0 || run == null) {
      throw new IllegalStateException(
          systemName + " in " + scenarioName + ": the child JVM exited with " + exit + (run == null ? ", no run" : ""));
    }
    return run;
  }

  /** One line: {@code name=value} pairs separated by {@code ;}. */
  static String encode(Run run) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("deliveredPerSecond", Double.toString(run.deliveredPerSecond()));
    fields.put("generated", Long.toString(run.generated()));
    fields.put("delivered", Long.toString(run.delivered()));
    fields.put("kept", Long.toString(run.kept()));
    fields.put("cpu", Double.toString(run.cpuMicrosPerSpan()));
    fields.put("cpuDelivered", Double.toString(run.cpuMicrosPerDeliveredSpan()));
    fields.put("cpuBacklog", Double.toString(run.cpuMicrosPerDeliveredSpanBacklogIncluded()));
    fields.put("cpuWholeRun", Double.toString(run.cpuMicrosPerDeliveredSpanWholeRun()));
    fields.put("heap", Double.toString(run.heapPeakMiB()));
    StringBuilder drops = new StringBuilder();
    run.leveeDrops().forEach((reason, count) -> drops.append(drops.length() == 0 ? "" : ",").append(reason).append(':').append(count));
    fields.put("drops", drops.toString());
    fields.put("caller", Double.toString(run.callerMicrosPerSpan()));
    fields.put("callerCpu", Double.toString(run.callerCpuMicrosPerSpan()));
    fields.put("journaled", Double.toString(run.journaledPerSecond()));
    DrainWatch.Drain drain = run.drain();
    fields.put(
        "drain",
        drain == null
            ? ""
            : String.format(
                Locale.ROOT, "%s,%d,%d,%s,%b", drain.perSecond(), drain.spans(), drain.left(), drain.seconds(), drain.drained()));
    fields.put("reachedExporter", Long.toString(run.reachedExporter()));
    StringBuilder line = new StringBuilder();
    fields.forEach((name, value) -> line.append(line.length() == 0 ? "" : ";").append(name).append('=').append(value));
    return line.toString();
  }

  static Run decode(String line) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String pair : line.split(";", -1)) {
      int equals = pair.indexOf('=');
      fields.put(pair.substring(0, equals), pair.substring(equals + 1));
    }
    Map<String, Long> drops = new LinkedHashMap<>();
    if (!fields.get("drops").isEmpty()) {
      for (String drop : fields.get("drops").split(",")) {
        int colon = drop.lastIndexOf(':');
        drops.put(drop.substring(0, colon), Long.parseLong(drop.substring(colon + 1)));
      }
    }
    DrainWatch.Drain drain = null;
    if (!fields.get("drain").isEmpty()) {
      String[] parts = fields.get("drain").split(",");
      drain =
          new DrainWatch.Drain(
              Double.parseDouble(parts[0]),
              Long.parseLong(parts[1]),
              Long.parseLong(parts[2]),
              Double.parseDouble(parts[3]),
              Boolean.parseBoolean(parts[4]));
    }
    return new Run(
        Double.parseDouble(fields.get("deliveredPerSecond")),
        Long.parseLong(fields.get("generated")),
        Long.parseLong(fields.get("delivered")),
        Long.parseLong(fields.get("kept")),
        Double.parseDouble(fields.get("cpu")),
        Double.parseDouble(fields.get("cpuDelivered")),
        Double.parseDouble(fields.get("cpuBacklog")),
        Double.parseDouble(fields.get("cpuWholeRun")),
        Double.parseDouble(fields.get("heap")),
        drops,
        Double.parseDouble(fields.get("caller")),
        Double.parseDouble(fields.get("callerCpu")),
        Double.parseDouble(fields.get("journaled")),
        drain,
        Long.parseLong(fields.get("reachedExporter")));
  }
}
