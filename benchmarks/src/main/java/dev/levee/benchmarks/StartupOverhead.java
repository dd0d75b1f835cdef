package dev.levee.benchmarks;

import dev.levee.testing.AgentProcess;
import dev.levee.testing.OtlpReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the extension adds to the agent's start-up: the demo app with zero iterations (start, do
 * nothing, exit), timed from JVM start to the app's {@code main} (what the application waits for)
 * and from process start to exit, under the agent with exporters off, with the
 * agent's own OTLP exporters, and with Levee, both over the protocol given (default {@code
 * http/protobuf}, the agent's); and the agent's SDK build alone, from the JVM's class-load log,
 * which is where the exporters' providers run and varies far less than the whole start. Runs are
 * interleaved; medians are reported, and the medians of the run-by-run differences.
 *
 * <p>Run from the repository root after {@code mvn -DskipTests package}:
 * {@code java -cp benchmarks/target/levee-benchmarks.jar dev.levee.benchmarks.StartupOverhead [runs] [grpc|http/protobuf] [pair|noise]}
 * ({@code pair}: only the agent's OTLP exporters and Levee; {@code noise}: those two and the
 * agent's exporters a second time, whose difference from the first is what the harness reads when
 * nothing differs, printed beside Levee's with the 95% bootstrap interval of each median). Each
 * round starts with the next setup.
 */
public final class StartupOverhead {
  private static final Pattern MAIN_STARTED =
      Pattern.compile("main started at JVM uptime (\\d+) ms, process CPU (-?\\d+) ms");

  private StartupOverhead() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    String protocol = args.length > 1 ? args[1] : "http/protobuf";
    String otlp = "agent, OTLP exporters (" + protocol + ")";
    // "pair": only the agent's OTLP exporters and Levee, for twice the rounds in the same time;
    // "noise": those two and the agent's exporters again, an A/A pair that shows the noise floor.
    String mode = args.length > 2 ? args[2] : "all";
    if (!List.of("all", "pair", "noise").contains(mode)) {
      throw new IllegalArgumentException("the third argument was '" + mode + "': pair, noise or none");
    }
    boolean exportersOnly = mode.equals("pair") || mode.equals("noise");
    String otlpAgain = "agent, OTLP exporters again";
    BuiltJars jars = BuiltJars.require();
    Path agent = jars.agent();
    Path extension = jars.extension();
    Path examples = jars.examples();
    try (ChildReceiver receiver = ChildReceiver.start()) {
      Map<String, UnaryOperator<AgentProcess.Builder>> setups = new LinkedHashMap<>();
      setups.put(
          "agent, exporters none",
          b ->
              b.property("otel.traces.exporter", "none")
                  .property("otel.metrics.exporter", "none")
                  .property("otel.logs.exporter", "none"));
      // Each is pointed at the receiver as a user points the agent at a collector.
      UnaryOperator<AgentProcess.Builder> toReceiver =
          b ->
              b.property("otel.exporter.otlp.protocol", protocol)
                  .property("otel.exporter.otlp.endpoint", receiver.endpoint(protocol));
      setups.put(otlp, toReceiver);
      if (mode.equals("noise")) {
        setups.put(otlpAgain, toReceiver);
      }
      setups.put(
          "agent + Levee",
          b -> toReceiver.apply(b.extensionJar(extension).leveeForAllSignals()));
      setups.put(
          "agent + Levee, journal off",
          b ->
              toReceiver.apply(
                  b.extensionJar(extension)
                      .leveeForAllSignals()
                      .property("otel.exporter.levee.journal.mode", "off")));
      if (exportersOnly) {
        setups.keySet().retainAll(List.of(otlp, otlpAgain, "agent + Levee"));
      }
      Map<String, List<Long>> millis = new LinkedHashMap<>();
      Map<String, List<Long>> toMain = new LinkedHashMap<>();
      setups.keySet().forEach(k -> millis.put(k, new ArrayList<>()));
      setups.keySet().forEach(k -> toMain.put(k, new ArrayList<>()));
      // The process's CPU until main (every thread): steadier than wall time on a busy machine.
      Map<String, List<Long>> cpuToMain = new LinkedHashMap<>();
      setups.keySet().forEach(k -> cpuToMain.put(k, new ArrayList<>()));
      // The agent's SDK build, timed from the JVM's class-load log: what the exporters add there,
      // without the rest of the agent's start (ByteBuddy, the JIT), which varies by hundreds of ms.
      Map<String, List<Long>> sdkBuild = new LinkedHashMap<>();
      setups.keySet().forEach(k -> sdkBuild.put(k, new ArrayList<>()));
      List<Map.Entry<String, UnaryOperator<AgentProcess.Builder>>> order = new ArrayList<>(setups.entrySet());
      for (int run = 0; run < runs + 1; run++) {
        // Each round starts with the next setup, so that none always follows the same one (the
        // exit of the JVM before, its files, the receiver's state) and no place in the round
        // favours one setup over the series.
        for (int place = 0; place < order.size(); place++) {
          Map.Entry<String, UnaryOperator<AgentProcess.Builder>> setup = order.get((run + place) % order.size());
          AgentProcess.Builder builder = jars.app("dev.levee.examples.app.DemoApp", "startup").arg("0");
          Path classLog = Files.createTempFile("levee-startup-classes", ".log");
          builder.env("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + classLog + ":uptime");
          long start = System.nanoTime();
          AgentProcess process = setup.getValue().apply(builder).start();
          int exit = process.awaitExit(Duration.ofMinutes(2));
          long elapsed = (System.nanoTime() - start) / 1_000_000;
          if (exit != 0) {
            throw new IllegalStateException(setup.getKey() + " exited with " + exit + ":\n" + process.output());
          }
          if (run > 0) { // the first round warms the page cache
            millis.get(setup.getKey()).add(elapsed);
            Matcher uptime = MAIN_STARTED.matcher(process.output());
            if (!uptime.find()) {
              throw new IllegalStateException("No start line in:\n" + process.output());
            }
            toMain.get(setup.getKey()).add(Long.parseLong(uptime.group(1)));
            cpuToMain.get(setup.getKey()).add(Long.parseLong(uptime.group(2)));
            sdkBuild.get(setup.getKey()).add(sdkBuildMillis(classLog));
          }
          Files.deleteIfExists(classLog);
        }
      }
      for (Map.Entry<String, List<Long>> entry : toMain.entrySet()) {
        System.out.printf(
            Locale.ROOT, "%-28s JVM start to main: median %5d ms  runs %s%n", entry.getKey(), median(entry.getValue()), entry.getValue());
      }
      for (Map.Entry<String, List<Long>> entry : sdkBuild.entrySet()) {
        System.out.printf(
            Locale.ROOT, "%-28s agent's SDK build: median %5d ms  runs %s%n", entry.getKey(), median(entry.getValue()), entry.getValue());
      }
      for (Map.Entry<String, List<Long>> entry : cpuToMain.entrySet()) {
        System.out.printf(
            Locale.ROOT, "%-28s process CPU to main: median %5d ms  runs %s%n", entry.getKey(), median(entry.getValue()), entry.getValue());
      }
      long mainBaseline = median(toMain.get(otlp));
      long mainLevee = median(toMain.get("agent + Levee"));
      long baseline = median(millis.get(otlp));
      long none = exportersOnly ? 0 : median(millis.get("agent, exporters none"));
      for (Map.Entry<String, List<Long>> entry : millis.entrySet()) {
        System.out.printf(
            Locale.ROOT, "%-28s start to exit: median %5d ms  runs %s%n", entry.getKey(), median(entry.getValue()), entry.getValue());
      }
      long levee = median(millis.get("agent + Levee"));
      System.out.println(
          "levee_vs_otlp_to_main_ms=" + (mainLevee - mainBaseline)
              + " levee_vs_otlp_sdk_build_ms="
              + (median(sdkBuild.get("agent + Levee")) - median(sdkBuild.get(otlp)))
              + " levee_vs_otlp_cpu_to_main_ms="
              + (median(cpuToMain.get("agent + Levee")) - median(cpuToMain.get(otlp)))
              + " levee_vs_otlp_ms=" + (levee - baseline) + (exportersOnly ? "" : " levee_vs_none_ms=" + (levee - none)) + " runs=" + runs);
      // Runs are interleaved, so run i of each setup met the same machine: the median of the
      // differences run by run is steadier than the difference of medians when the machine drifts.
      System.out.println(
          "paired, median of run-by-run differences: levee_vs_otlp_to_main_ms="
              + pairedMedian(toMain.get("agent + Levee"), toMain.get(otlp))
              + " levee_vs_otlp_sdk_build_ms="
              + pairedMedian(sdkBuild.get("agent + Levee"), sdkBuild.get(otlp))
              + " levee_vs_otlp_cpu_to_main_ms="
              + pairedMedian(cpuToMain.get("agent + Levee"), cpuToMain.get(otlp))
              + " levee_vs_otlp_ms="
              + pairedMedian(millis.get("agent + Levee"), millis.get(otlp)));
      if (mode.equals("noise")) {
        // The same setup twice: how far apart two identical series come out on this machine.
        for (String setup : List.of("agent + Levee", otlpAgain)) {
          List<Long> main = differences(toMain.get(setup), toMain.get(otlp));
          List<Long> exit = differences(millis.get(setup), millis.get(otlp));
          long[] mainInterval = bootstrapInterval(main);
          long[] exitInterval = bootstrapInterval(exit);
          System.out.printf(
              Locale.ROOT,
              "%-28s against the first: to main %+d ms (95%% interval %+d to %+d), start to exit %+d ms (%+d to %+d)%n",
              setup,
              median(main),
              mainInterval[0],
              mainInterval[1],
              median(exit),
              exitInterval[0],
              exitInterval[1]);
        }
      }
    }
    firstRequest(runs, protocol, agent, extension, examples);
  }

  private static final Pattern CLASS_LOADED = Pattern.compile("^\\[(\\d+\\.\\d+)s\\] (\\S+) ");

  /**
   * From the SDK's {@code OpenTelemetrySdk} class loaded to the agent's class-load listener
   * (installed once the SDK is built), in the JVM's class-load log: the exporters' providers, the
   * processors and the SDK's own set-up.
   */
  private static long sdkBuildMillis(Path classLog) throws java.io.IOException {
    double from = -1;
    double to = -1;
    for (String line : Files.readAllLines(classLog)) {
      Matcher loaded = CLASS_LOADED.matcher(line);
      if (!loaded.find()) {
        continue;
      }
      String name = loaded.group(2);
      if (from < 0 && name.equals("io.opentelemetry.sdk.OpenTelemetrySdk")) {
        from = Double.parseDouble(loaded.group(1));
      } else if (from >= 0 && name.equals("io.opentelemetry.javaagent.tooling.AgentInstaller$ClassLoadListener")) {
        to = Double.parseDouble(loaded.group(1));
        break;
      }
    }
    if (from < 0 || to < 0) {
      throw new IllegalStateException("No SDK build markers in " + classLog);
    }
    return Math.round((to - from) * 1000);
  }

  private static final Pattern FIRST_SPAN = Pattern.compile("first span ended at epoch ms (\\d+)");

  /**
   * From the app's first span to the receiver's first request of spans: the app ends 600 spans at
   * 200 a second (3 s, so the agent's own exporter sends on its 5 s schedule or at exit, and Levee
   * as soon as it can), with the agent's OTLP/gRPC exporter and with Levee.
   */
  private static void firstRequest(int runs, String protocol, Path agent, Path extension, Path examples)
      throws Exception {
    Map<String, List<Long>> delays = new LinkedHashMap<>();
    for (int run = 0; run < runs; run++) {
      for (String setup : List.of("agent, OTLP exporters", "agent + Levee")) {
        try (OtlpReceiver receiver = OtlpReceiver.start(0, 0, false, null)) {
          AgentProcess.Builder builder =
              AgentProcess.builder()
                  .agentJar(agent)
                  .classpath(List.of(examples))
                  .mainClass("dev.levee.examples.app.BurstApp")
                  .property("otel.service.name", "startup")
                  .arg("600")
                  .arg("200");
          builder
              .property("otel.exporter.otlp.protocol", protocol)
              .property("otel.exporter.otlp.endpoint", receiver.endpoint(protocol));
          if (setup.equals("agent + Levee")) {
            builder
                .extensionJar(extension)
                .leveeForAllSignals()
                .property("otel.exporter.levee.journal.directory", Files.createTempDirectory("levee-startup").toString());
          }
          AgentProcess process = builder.start();
          if (process.awaitExit(Duration.ofMinutes(2)) != 0) {
            throw new IllegalStateException(setup + " failed:\n" + process.output());
          }
          Matcher first = FIRST_SPAN.matcher(process.output());
          if (!first.find() || receiver.firstSpansEpochMillis() == 0) {
            throw new IllegalStateException(setup + ": no first span or no request:\n" + process.output());
          }
          delays.computeIfAbsent(setup, k -> new ArrayList<>())
              .add(receiver.firstSpansEpochMillis() - Long.parseLong(first.group(1)));
        }
      }
    }
    for (Map.Entry<String, List<Long>> entry : delays.entrySet()) {
      System.out.printf(
          Locale.ROOT,
          "%-28s first span to first request received: median %5d ms  runs %s%n",
          entry.getKey(),
          median(entry.getValue()),
          entry.getValue());
    }
  }

  /** The median of {@code a[i] - b[i]}. */
  static long pairedMedian(List<Long> a, List<Long> b) {
    return median(differences(a, b));
  }

  /** {@code a[i] - b[i]}, run by run. */
  static List<Long> differences(List<Long> a, List<Long> b) {
    List<Long> differences = new ArrayList<>();
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      differences.add(a.get(i) - b.get(i));
    }
    return differences;
  }

  /**
   * The 95% percentile-bootstrap interval of the median of {@code values}: the 2.5th and 97.5th
   * percentiles of the medians of 4,000 resamples drawn with replacement (a fixed seed, so the
   * same runs give the same interval).
   */
  static long[] bootstrapInterval(List<Long> values) {
    int resamples = 4000;
    SplittableRandom random = new SplittableRandom(1);
    long[] medians = new long[resamples];
    List<Long> sample = new ArrayList<>(values.size());
    for (int r = 0; r < resamples; r++) {
      sample.clear();
      for (int i = 0; i < values.size(); i++) {
        sample.add(values.get(random.nextInt(values.size())));
      }
      medians[r] = median(sample);
    }
    Arrays.sort(medians);
    return new long[] {medians[(int) (resamples * 0.025)], medians[(int) (resamples * 0.975) - 1]};
  }

  static long median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
