package dev.levee.examples;

import dev.levee.testing.AgentProcess;
import dev.levee.testing.LeveeAccounting;
import dev.levee.testing.OtlpReceiver;
import dev.levee.testing.Ports;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The chaos demo: an app under the real agent sends a steady stream of spans through Levee to a
 * receiver that goes down for a while and comes back on the same port. Every second it prints
 * what Levee holds, has journaled, delivered and dropped, and its breaker state (read from Levee's
 * admin endpoint, as an operator would); at the end it checks that nothing was lost and writes a
 * chart of those series ({@code chaos.png}, and {@code chaos.html} with the chart and the table).
 *
 * <pre>
 * java -jar examples/target/levee-examples.jar chaos [--rate 2000] [--seconds 40]
 *     [--down-at 8] [--down-for 20] [--breaker-wait 5s] [--memory 2MiB] [--out DIR]
 * </pre>
 */
final class Chaos {
  private static final Pattern FIELD = Pattern.compile("\"(\\w+)\":(-?\\d+|\"[^\"]*\"|true|false)");
  private static final Pattern NUMBER = Pattern.compile(":(\\d+)");

  /** One second of the run, as Levee's admin endpoint and the receiver told it. */
  record Sample(
      double seconds,
      boolean receiverUp,
      long offered,
      long delivered,
      long received,
      long pending,
      long journaled,
      long dropped,
      long memoryUsedBytes,
      long memoryLimitBytes,
      String breaker) {}

  /** What the run was asked to do. */
  record Plan(
      int rate, int seconds, int downAt, int downFor, String breakerWait, String memory, String protocol) {
    String describe() {
      return protocol
          + ", "
          + rate
          + " spans/s for "
          + seconds
          + " s; receiver down from "
          + downAt
          + " s to "
          + (downAt + downFor)
          + " s; breaker.open.wait="
          + breakerWait
          + ", memory.limit="
          + memory;
    }
  }

  private final Plan plan;
  private final Path out;
  private final Path agent;
  private final Path extension;
  private final Path examplesJar;
  private final HttpClient http = HttpClient.newHttpClient();
  private final String token = UUID.randomUUID().toString();

  Chaos(Map<String, String> options, Path agent, Path extension, Path examplesJar) {
    this.plan =
        new Plan(
            Integer.parseInt(options.getOrDefault("rate", "2000")),
            Integer.parseInt(options.getOrDefault("seconds", "40")),
            Integer.parseInt(options.getOrDefault("down-at", "8")),
            Integer.parseInt(options.getOrDefault("down-for", "20")),
            options.getOrDefault("breaker-wait", "5s"),
            options.getOrDefault("memory", "2MiB"),
            options.getOrDefault("protocol", "http/protobuf"));
    this.out =
        Path.of(options.getOrDefault("out", examplesJar.getParent().resolve("chaos").toString()));
    this.agent = agent;
    this.extension = extension;
    this.examplesJar = examplesJar;
  }

  int run() throws Exception {
    Files.createDirectories(out);
    Path journal = out.resolve("journal");
    deleteRecursively(journal);
    int port = Ports.closedPort();
    int httpPort = Ports.closedPort();
    int adminPort = Ports.closedPort();
    System.out.println("Levee chaos demo: " + plan.describe());
    OtlpReceiver receiver = OtlpReceiver.start(port, httpPort, true, null);
    long receivedBefore = 0; // by receivers already stopped
    long duplicates = 0;
    System.out.println("Receiver on " + receiver.endpoint(plan.protocol()) + " (" + plan.protocol() + ")");
    AgentProcess app =
        AgentProcess.builder()
            .agentJar(agent)
            .extensionJar(extension)
            .classpath(List.of(examplesJar))
            .mainClass("dev.levee.examples.app.ChaosApp")
            .leveeForAllSignals()
            .property("otel.service.name", "levee-chaos")
            .property("otel.metric.export.interval", "1000")
            .property("otel.exporter.levee.endpoint", receiver.endpoint(plan.protocol()))
            .property("otel.exporter.levee.protocol", plan.protocol())
            .property("otel.exporter.levee.journal.directory", journal.toString())
            .property("otel.exporter.levee.memory.limit", plan.memory())
            .property("otel.exporter.levee.breaker.open.wait", plan.breakerWait())
            .property("otel.exporter.levee.admin.port", String.valueOf(adminPort))
            .property("otel.exporter.levee.admin.token", token)
            .arg(String.valueOf(plan.rate()))
            .arg(String.valueOf(plan.seconds()))
            .outputFile(out.resolve("app.log"))
            .start();
    List<Sample> samples = new ArrayList<>();
    boolean up = true;
    // The clock starts with the traffic: the agent takes a few seconds to start the app.
    long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (true) {
      Map<String, String> traces = stats(adminPort);
      if (traces != null && number(traces, "offered") > 0) {
        break;
      }
      if (!app.isAlive() || System.nanoTime() - waitUntil > 0) {
        System.out.println("The app did not start sending:\n" + app.output());
        app.kill();
        return 1;
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    System.out.println("-- traffic started (t=0)");
    long start = System.nanoTime();
    int limit = plan.seconds() + plan.downFor() + 90;
    try {
      for (int second = 1; second <= limit; second++) {
        long sleep = start + TimeUnit.SECONDS.toNanos(second) - System.nanoTime();
        if (sleep > 0) {
          TimeUnit.NANOSECONDS.sleep(sleep);
        }
        if (!app.isAlive()) {
          System.out.println("The app stopped early:\n" + app.output());
          return 1;
        }
        if (up && second == plan.downAt()) {
          // Counted once it is closed: a request it answered while closing is in the count.
          receiver.close();
          receivedBefore += receiver.spanCount();
          duplicates += receiver.duplicateSpanCount();
          up = false;
          System.out.println("-- receiver DOWN (stopped; connections reset)");
        } else if (!up && second == plan.downAt() + plan.downFor()) {
          receiver = OtlpReceiver.start(port, httpPort, true, null);
          up = true;
          System.out.println("-- receiver UP again on the same port");
        }
        Map<String, String> traces = stats(adminPort);
        if (traces == null) {
          continue; // the admin endpoint is not up yet
        }
        Sample sample =
            new Sample(
                (System.nanoTime() - start) / 1e9,
                up,
                number(traces, "offered"),
                number(traces, "delivered"),
                receivedBefore + (up ? receiver.spanCount() : 0),
                number(traces, "pending"),
                number(traces, "journaled"),
                number(traces, "dropped"),
                number(traces, "memory_used_bytes"),
                number(traces, "memory_limit_bytes"),
                traces.getOrDefault("breaker", "?"));
        samples.add(sample);
        System.out.printf(
            "t=%3ds receiver=%-4s breaker=%-9s offered=%7d delivered=%7d pending=%6d (memory %5.2f MiB) journaled=%6d dropped=%d%n",
            second,
            up ? "up" : "DOWN",
            sample.breaker(),
            sample.offered(),
            sample.delivered(),
            sample.pending(),
            sample.memoryUsedBytes() / (double) (1 << 20),
            sample.journaled(),
            sample.dropped());
        boolean trafficDone = app.output().contains("chaos app: traffic done");
        if (trafficDone && up && sample.pending() == 0 && second > plan.downAt() + plan.downFor()) {
          break;
        }
      }
      System.out.println("-- stopping the app (SIGTERM): the agent shuts Levee down");
      app.terminate();
      app.awaitExit(Duration.ofSeconds(60));
    } finally {
      if (app.isAlive()) {
        app.kill();
      }
    }
    long received = receivedBefore + receiver.spanCount();
    duplicates += receiver.duplicateSpanCount();
    receiver.close();

    LeveeAccounting.Counts spans = LeveeAccounting.parse(app.output()).get("spans");
    if (spans == null) {
      System.out.println("Levee's final accounting is missing. The app's output:\n" + app.output());
      return 1;
    }
    String accounting =
        "offered="
            + spans.offered()
            + " delivered="
            + spans.delivered()
            + " dropped="
            + spans.dropped()
            + " pending="
            + spans.pending()
            + " journaled="
            + spans.journaled()
            + "; the receiver got "
            + received
            + " spans ("
            + duplicates
            + " duplicates)";
    Path png = out.resolve("chaos.png");
    Path html = out.resolve("chaos.html");
    ChaosChart.write(plan, samples, accounting, png, html);
    System.out.println();
    System.out.println("Levee's accounting for spans: " + accounting);
    boolean reconciled =
        spans.offered() + spans.recovered() == spans.delivered() + spans.dropped() + spans.pending();
    // A request the receiver took as it was being stopped, whose answer never came back, is sent
    // again: at least once, so the receiver may count more than Levee delivered, never fewer.
    boolean nothingLost =
        spans.dropped() == 0
            && spans.pending() == 0
            && spans.delivered() == spans.offered() + spans.recovered()
            && received >= spans.delivered();
    System.out.println("Chart: " + png + " and " + html);
    if (reconciled && nothingLost) {
      System.out.println(
          "OK: the receiver was down for "
              + plan.downFor()
              + " s and every span offered arrived"
              + (received == spans.delivered() ? " exactly once." : " (some twice: sent again after a cut request)."));
      return 0;
    }
    System.out.println("FAILED: offered, delivered, dropped and pending do not add up as they should.");
    return 1;
  }

  /** The {@code traces} exporter's fields from {@code GET /levee/stats}, or null if unreachable. */
  private Map<String, String> stats(int adminPort) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/levee/stats"))
                  .header("Authorization", "Bearer " + token)
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        return null;
      }
      return traces(response.body());
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /**
   * Reads the flat fields of the {@code traces} object; {@code dropped} (an object of counts by
   * reason) becomes their sum.
   */
  static Map<String, String> traces(String json) {
    int at = json.indexOf("\"traces\":{");
    if (at < 0) {
      return null;
    }
    int begin = json.indexOf('{', at);
    int depth = 0;
    int end = begin;
    for (int i = begin; i < json.length(); i++) {
      char c = json.charAt(i);
      if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        end = i;
        break;
      }
    }
    String body = json.substring(begin + 1, end);
    Map<String, String> fields = new java.util.HashMap<>();
    int dropped = body.indexOf("\"dropped\":{");
    if (dropped >= 0) {
      int close = body.indexOf('}', dropped);
      long sum = 0;
      Matcher counts = NUMBER.matcher(body.substring(dropped + 10, close));
      while (counts.find()) {
        sum += Long.parseLong(counts.group(1));
      }
      fields.put("dropped", String.valueOf(sum));
      body = body.substring(0, dropped) + body.substring(close + 1);
    }
    Matcher matcher = FIELD.matcher(body);
    while (matcher.find()) {
      fields.putIfAbsent(matcher.group(1), matcher.group(2).replace("\"", ""));
    }
    return fields;
  }

  private static long number(Map<String, String> fields, String name) {
    String value = fields.get(name);
    return value == null ? 0 : Long.parseLong(value);
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
