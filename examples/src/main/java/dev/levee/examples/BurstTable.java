package dev.levee.examples;

import dev.levee.testing.AgentProcess;
import dev.levee.testing.LeveeAccounting;
import dev.levee.testing.FaultShare;
import dev.levee.testing.OtlpReceiver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A burst, then exit, under the real agent to a healthy receiver, as a user tries it: for each
 * configuration, {@code BurstApp} ends {@code spans} spans (and logs one record per ten) as fast as
 * it can and returns from {@code main}; the table says what the receiver had when the process
 * ended, what was lost before Levee saw it (spans the app ended that Levee was never offered: the
 * SDK's batch processor's queue), what was left in the journal for a next run, and how long the
 * process took to end after {@code main} returned.
 *
 * <p>{@code java -jar levee-examples.jar burst [--agent JAR] [--spans N] [--runs N] [--configs
 * "defaults;journal.mode=write_ahead;memory.limit=1MiB"] [--rate SPANS_PER_SECOND] [--latency 20ms]
 * [--faults UNAVAILABLE:20%,RESOURCE_EXHAUSTED:10%:200ms] [--protocol grpc] [--show-output true]}:
 * configurations are separated by {@code ;}, each a comma-separated list of {@code
 * otel.exporter.levee.} keys and values, or {@code upstream} for the agent's own OTLP exporter with
 * its defaults. Both are pointed at the receiver with {@code otel.exporter.otlp.endpoint} and
 * {@code otel.exporter.otlp.protocol} (default {@code http/protobuf}, the agent's). With a rate the app
 * ends its spans at that steady pace instead of at full speed; latency and faults make the
 * receiver slow or degraded (see {@code receiver --faults}).
 */
final class BurstTable {
  private static final Pattern EXITING = Pattern.compile("exiting at epoch ms (\\d+)");
  private static final String DEFAULT_CONFIGS =
      "defaults;journal.mode=write_ahead;memory.limit=1MiB;memory.limit=64KiB;"
          + "processor=batch;processor=batch,journal.mode=write_ahead;processor=batch,memory.limit=1MiB";

  private final Path agent;
  private final Path extension;
  private final Path examplesJar;
  private final int spans;
  private final int runs;
  private final List<String> configs;
  private final int rate;
  private final boolean showOutput;
  private final Duration latency;
  private final List<FaultShare> faults;
  private final String protocol;

  BurstTable(Map<String, String> options, Path agent, Path extension, Path examplesJar) {
    this.agent = agent;
    this.extension = extension;
    this.examplesJar = examplesJar;
    this.spans = Integer.parseInt(options.getOrDefault("spans", "20000"));
    this.runs = Integer.parseInt(options.getOrDefault("runs", "2"));
    this.configs = List.of(options.getOrDefault("configs", DEFAULT_CONFIGS).split(";"));
    this.rate = Integer.parseInt(options.getOrDefault("rate", "0"));
    this.showOutput = Boolean.parseBoolean(options.getOrDefault("show-output", "false"));
    this.latency = FaultyReceiver.duration(options.getOrDefault("latency", "0ms"));
    this.faults = options.containsKey("faults") ? FaultShare.parseMix(options.get("faults")) : List.of();
    this.protocol = options.getOrDefault("protocol", "http/protobuf");
  }

  int run() throws IOException {
    System.out.println(
        (rate > 0 ? spans + " spans at " + rate + " spans/s" : "Burst of " + spans + " spans")
            + " and " + spans / 10 + " log records, then exit; agent "
            + agent.getFileName() + ", Java " + Runtime.version().feature() + ", "
            + (latency.isZero() && faults.isEmpty() ? "healthy receiver" : "receiver answering " + latency.toMillis() + " ms late" + (faults.isEmpty() ? "" : ", failing " + FaultShare.describe(faults)))
            + " on loopback, over " + protocol + ".");
    System.out.println();
    System.out.println(
        "| configuration | spans delivered before the process ended | log records delivered"
            + " | spans lost before Levee | Levee dropped, spans / log records | left in the journal, spans / log records"
            + " | process end after main |");
    System.out.println("|---|---|---|---|---|---|---|");
    boolean complete = true;
    for (String config : configs) {
      for (int i = 0; i < runs; i++) {
        complete &= runOnce(config.trim());
      }
    }
    return complete ? 0 : 1;
  }

  private boolean runOnce(String config) throws IOException {
    Path journal = Files.createTempDirectory("levee-burst-journal");
    try (OtlpReceiver receiver = OtlpReceiver.start(0, 0, false, null)) {
      receiver.setLatency(latency);
      receiver.failMix(faults);
      boolean upstream = config.equals("upstream");
      AgentProcess.Builder builder =
          AgentProcess.builder()
              .agentJar(agent)
              .extensionJar(extension)
              .classpath(List.of(examplesJar))
              .mainClass("dev.levee.examples.app.BurstApp")
              .property("otel.service.name", "levee-burst")
              .arg(String.valueOf(spans))
              .arg(String.valueOf(rate));
      builder
          .property("otel.exporter.otlp.protocol", protocol)
          .property("otel.exporter.otlp.endpoint", receiver.endpoint(protocol));
      if (!upstream) {
        builder
            .leveeForAllSignals()
            .property("otel.exporter.levee.journal.directory", journal.toString());
        for (Map.Entry<String, String> setting : settings(config).entrySet()) {
          builder.property("otel.exporter.levee." + setting.getKey(), setting.getValue());
        }
      }
      AgentProcess app = builder.start();
      int exit = app.awaitExit(Duration.ofMinutes(2));
      long ended = System.currentTimeMillis();
      // The receiver may still be parsing the last request the process sent before it ended.
      long spansReceived = receiver.spanCount();
      long logsReceived = receiver.logRecordCount();
      String output = app.output();
      Matcher exiting = EXITING.matcher(output);
      String afterMain = exiting.find() ? String.format("%.1f s", (ended - Long.parseLong(exiting.group(1))) / 1000.0) : "?";
      Map<String, LeveeAccounting.Counts> accounting = LeveeAccounting.parse(output);
      LeveeAccounting.Counts spanCounts = accounting.get("spans");
      LeveeAccounting.Counts logCounts = accounting.get("logs");
      String lostBefore = spanCounts == null ? "?" : String.format("%,d", spans - spanCounts.offered());
      String dropped = spansAndLogs(spanCounts == null ? null : spanCounts.dropped(), logCounts == null ? null : logCounts.dropped());
      String left = spansAndLogs(spanCounts == null ? null : spanCounts.pending(), logCounts == null ? null : logCounts.pending());
      System.out.printf(
          "| %s | %,d | %,d | %s | %s | %s | %s |%n",
          config, spansReceived, logsReceived, lostBefore, dropped, left, afterMain);
      if (showOutput) {
        output.lines().filter(line -> line.contains("Levee") || line.contains("levee") || line.contains("burst app")).forEach(line -> System.out.println("    " + line));
      }
      if (exit != 0 || (spanCounts == null && !upstream)) {
        System.out.println("The app's output:\n" + output);
        return false;
      }
      return true;
    } finally {
      Chaos.deleteRecursively(journal);
    }
  }

  /** {@code spans / logs}, each formatted, or {@code ?} when Levee's stop line was not found. */
  private static String spansAndLogs(Long spans, Long logs) {
    return (spans == null ? "?" : String.format("%,d", spans)) + " / " + (logs == null ? "?" : String.format("%,d", logs));
  }

  /** {@code key=value,key=value}, or {@code defaults}. */
  static Map<String, String> settings(String config) {
    Map<String, String> settings = new LinkedHashMap<>();
    if (config.isEmpty() || config.equals("defaults")) {
      return settings;
    }
    for (String pair : config.split(",")) {
      int equals = pair.indexOf('=');
      if (equals <= 0) {
        throw new IllegalArgumentException("A configuration is key=value[,key=value], was: " + config);
      }
      settings.put(pair.substring(0, equals).trim(), pair.substring(equals + 1).trim());
    }
    return settings;
  }
}
