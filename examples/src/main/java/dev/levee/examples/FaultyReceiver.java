package dev.levee.examples;

import dev.levee.testing.FaultShare;
import dev.levee.testing.OtlpReceiver;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The demo OTLP receiver (gRPC and HTTP) with faults on demand, to see what Levee does on a bad
 * day. Over HTTP a gRPC code is answered as an OTLP/HTTP backend would: UNAVAILABLE 503,
 * RESOURCE_EXHAUSTED 429, DEADLINE_EXCEEDED 504, others 400 or 500, a delay as {@code Retry-After}
 * in whole seconds, rounded up.
 *
 * <pre>
 * java -jar examples/target/levee-examples.jar receiver [--port 4317] [--http-port 4318] [--json FILE]
 *     [--latency 20ms]                  answer every call this late
 *     [--fail-every N --status CODE]    fail every Nth call with a gRPC status (UNAVAILABLE,
 *     [--retry-after 2s]                RESOURCE_EXHAUSTED, INVALID_ARGUMENT, ...), with RetryInfo
 *     [--faults UNAVAILABLE:20%,RESOURCE_EXHAUSTED:10%:200ms]
 *                                       fail a share of calls at random (fixed seed) with each
 *                                       code, with RetryInfo where a delay is given
 *     [--reject-every N --reject-items K]  answer every Nth call with a partial success
 *     [--flap UP/DOWN]                  e.g. 10s/5s: serve for UP, stop (connections are reset)
 *                                       for DOWN, start again on the same port, and so on
 *     [--outage AT/FOR]                 e.g. 4s/60s: one outage, FOR long, AT after start
 *     [--report-every 1s]               how often to print the running counts
 * </pre>
 *
 * Prints {@code received: spans=.. metric_points=.. log_records=.. requests=..} whenever the counts
 * change, and {@code receiver up} / {@code receiver down} as it flaps.
 */
final class FaultyReceiver {
  private final Map<String, String> options;
  private final int port;
  private final int httpPort;
  private volatile OtlpReceiver receiver;
  private long spans;
  private long points;
  private long logs;
  private long requests;

  FaultyReceiver(Map<String, String> options) {
    this.options = options;
    this.port = Integer.parseInt(options.getOrDefault("port", "4317"));
    this.httpPort = Integer.parseInt(options.getOrDefault("http-port", "4318"));
  }

  static Duration duration(String text) {
    String value = text.trim().toLowerCase(Locale.ROOT);
    if (value.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
    }
    if (value.endsWith("s")) {
      return Duration.ofMillis(Math.round(Double.parseDouble(value.substring(0, value.length() - 1)) * 1000));
    }
    if (value.endsWith("m")) {
      return Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1)));
    }
    return Duration.ofMillis(Long.parseLong(value));
  }

  void run() throws InterruptedException {
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
    start();
    System.out.println(
        "Demo OTLP receiver listening on " + receiver.endpoint() + " (gRPC) and " + receiver.httpEndpoint() + " (HTTP)" + describeFaults());
    Duration up = null;
    Duration down = null;
    boolean once = options.containsKey("outage");
    if (options.containsKey("flap") || once) {
      String[] parts = options.get(once ? "outage" : "flap").split("/");
      up = duration(parts[0]);
      down = duration(parts[1]);
    }
    long report = duration(options.getOrDefault("report-every", "1s")).toMillis();
    long phaseEnds = up != null ? System.currentTimeMillis() + up.toMillis() : Long.MAX_VALUE;
    boolean serving = true;
    String last = "";
    while (!stop.await(report, TimeUnit.MILLISECONDS)) {
      String summary = summary();
      if (!summary.equals(last)) {
        System.out.println("received: " + summary);
        last = summary;
      }
      if (System.currentTimeMillis() >= phaseEnds) {
        if (serving) {
          stopServing();
          System.out.println("receiver down for " + down.toMillis() + " ms");
          phaseEnds = System.currentTimeMillis() + down.toMillis();
        } else {
          start();
          System.out.println(once ? "receiver up" : "receiver up for " + up.toMillis() + " ms");
          phaseEnds = once ? Long.MAX_VALUE : System.currentTimeMillis() + up.toMillis();
        }
        serving = !serving;
      }
    }
    stopServing();
  }

  private String describeFaults() {
    StringBuilder text = new StringBuilder();
    options.forEach(
        (key, value) -> {
          if (!java.util.Set.of("command", "port", "http-port", "json", "report-every").contains(key)) {
            text.append(text.length() == 0 ? " with faults:" : "").append(" --").append(key).append(' ').append(value);
          }
        });
    return text.toString();
  }

  private void start() {
    String json = options.get("json");
    OtlpReceiver started = OtlpReceiver.start(port, httpPort, false, json == null ? null : Path.of(json));
    if (options.containsKey("latency")) {
      started.setLatency(duration(options.get("latency")));
    }
    if (options.containsKey("fail-every")) {
      Status status = Status.fromCode(Status.Code.valueOf(options.getOrDefault("status", "UNAVAILABLE")))
          .withDescription("injected by the demo receiver");
      started.failEvery(
          Integer.parseInt(options.get("fail-every")),
          status,
          options.containsKey("retry-after") ? duration(options.get("retry-after")) : null);
    }
    if (options.containsKey("faults")) {
      started.failMix(FaultShare.parseMix(options.get("faults")));
    }
    if (options.containsKey("reject-every")) {
      started.rejectEvery(
          Integer.parseInt(options.get("reject-every")),
          Long.parseLong(options.getOrDefault("reject-items", "1")));
    }
    receiver = started;
  }

  /**
   * Keeps the counts of the receiver being stopped (a restarted one counts from zero), read once
   * it is closed: a request that arrived while it was closing is counted too. Stopped while down
   * (an outage or a flap's down phase), there is nothing to close.
   */
  private void stopServing() {
    OtlpReceiver serving = receiver;
    if (serving == null) {
      return;
    }
    receiver = null;
    serving.close();
    spans += serving.spanCount();
    points += serving.dataPointCount();
    logs += serving.logRecordCount();
    requests += serving.requestCount();
  }

  private String summary() {
    OtlpReceiver serving = receiver;
    long s = spans + (serving != null ? serving.spanCount() : 0);
    long p = points + (serving != null ? serving.dataPointCount() : 0);
    long l = logs + (serving != null ? serving.logRecordCount() : 0);
    long r = requests + (serving != null ? serving.requestCount() : 0);
    return "spans=" + s + " metric_points=" + p + " log_records=" + l + " requests=" + r;
  }
}
