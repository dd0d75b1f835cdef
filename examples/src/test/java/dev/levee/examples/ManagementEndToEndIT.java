package dev.levee.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.tools.attach.VirtualMachine;
import dev.levee.testing.AgentProcess;
import dev.levee.testing.LeveeAccounting;
import dev.levee.testing.LeveeAccounting.Counts;
import dev.levee.testing.OtlpReceiver;
import dev.levee.testing.Ports;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Levee's JMX beans and admin endpoint inside the real agent, reached from outside the process as
 * an operator would (jconsole's way in: the Attach API starts the JVM's local management agent).
 * Operations change what reaches the real receiver, and the counters reconcile afterwards.
 */
class ManagementEndToEndIT {
  private static final int ITERATIONS = 6;
  private static final String TOKEN = "s3cret";
  private static final Duration WAIT = Duration.ofSeconds(60);
  /** The demo app makes four spans per iteration. */
  private static final long SPANS = 4L * ITERATIONS;

  private static long rejected(MBeanServerConnection jmx, ObjectName bean) throws Exception {
    javax.management.openmbean.TabularData dropped =
        (javax.management.openmbean.TabularData) jmx.getAttribute(bean, "Dropped");
    javax.management.openmbean.CompositeData row = dropped.get(new Object[] {"rejected"});
    return row == null ? 0 : (long) row.get("value");
  }

  /**
   * The newest value of a cumulative self-metric of {@code componentType}'s exporter with {@code
   * attribute}={@code value}, as the receiver got it; -1 if it never arrived.
   */
  private static long latest(
      OtlpReceiver receiver, String name, String componentType, String attribute, String value) {
    return receiver.metrics().stream()
        .filter(m -> m.scope().equals("dev.levee.exporter") && m.metric().getName().equals(name))
        .flatMap(m -> m.metric().getSum().getDataPointsList().stream())
        .filter(
            p ->
                OtlpReceiver.stringAttribute(p.getAttributesList(), "otel.component.type")
                    .equals(java.util.Optional.of(componentType)))
        .filter(
            p ->
                OtlpReceiver.stringAttribute(p.getAttributesList(), attribute)
                    .equals(java.util.Optional.of(value)))
        .max(java.util.Comparator.comparingLong(p -> p.getTimeUnixNano()))
        .map(p -> p.getAsInt())
        .orElse(-1L);
  }

  @TempDir Path tempDir;

  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> admin(String method, int port, String path, String token)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void jmxAndTheAdminEndpointWatchAndSteerTheExportersInsideTheAgent() throws Exception {
    int adminPort = Ports.closedPort();
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      // The backend refuses everything as invalid until the test says otherwise.
      receiver.failEvery(1, io.grpc.Status.INVALID_ARGUMENT.withDescription("bad data"), null);
      AgentProcess app =
          DemoApps.underTheAgent()
              .leveeForAllSignals()
              .property("otel.service.name", "levee-management")
              .property("otel.metric.export.interval", "300")
              .property("otel.bsp.schedule.delay", "100")
              .property("otel.blrp.schedule.delay", "100")
              .property("otel.exporter.levee.endpoint", receiver.httpEndpoint())
              .property("otel.exporter.levee.journal.directory", tempDir.resolve("journal").toString())
              .property("otel.exporter.levee.admin.port", String.valueOf(adminPort))
              .property("otel.exporter.levee.admin.token", TOKEN)
              .arg(String.valueOf(ITERATIONS))
              .arg("120000") // lingers, exporting metrics, until the test stops it
              .start();
      try {
        // Levee is up once its first request has been refused; then the operator attaches.
        await().atMost(WAIT).until(() -> receiver.failedCallCount() > 0);
        VirtualMachine vm = VirtualMachine.attach(String.valueOf(app.pid()));
        String address;
        try {
          address = vm.startLocalManagementAgent();
        } finally {
          vm.detach();
        }
        try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
          MBeanServerConnection jmx = connector.getMBeanServerConnection();
          Map<String, ObjectName> beans = new TreeMap<>();
          // Levee registers its beans once it sees a platform MBean server running (it does not
          // start one itself during the application's start): within a second of the attach.
          ObjectName exporters = new ObjectName("levee:type=Exporter,*");
          await().atMost(WAIT).until(() -> jmx.queryNames(exporters, null).size() == 3);
          for (ObjectName name : jmx.queryNames(exporters, null)) {
            beans.put((String) jmx.getAttribute(name, "Signal"), name);
          }
          assertThat(beans.keySet()).containsExactly("logs", "metrics", "traces");
          ObjectName spans = beans.get("traces");
          ObjectName logs = beans.get("logs");
          ObjectName metrics = beans.get("metrics");

          // Every span and log record was refused as invalid: dropped, counted as rejected.
          await().atMost(WAIT).until(() -> rejected(jmx, spans) == SPANS && rejected(jmx, logs) == ITERATIONS);
          receiver.clearFaults();
          assertThat(receiver.spanCount()).isZero();
          assertThat(jmx.getAttribute(spans, "Offered")).isEqualTo(SPANS);
          assertThat(jmx.getAttribute(spans, "Delivered")).isEqualTo(0L);
          assertThat(jmx.getAttribute(spans, "Pending")).isEqualTo(0L);
          assertThat(jmx.getAttribute(spans, "BreakerState")).isEqualTo("closed");

          // The admin endpoint: its token is required, and it tells the same counts.
          assertThat(admin("GET", adminPort, "/levee/stats", null).statusCode()).isEqualTo(401);
          assertThat(admin("GET", adminPort, "/levee/stats", "wrong").statusCode()).isEqualTo(401);
          HttpResponse<String> stats = admin("GET", adminPort, "/levee/stats", TOKEN);
          assertThat(stats.statusCode()).isEqualTo(200);
          assertThat(stats.body())
              .contains("\"traces\":{\"offered\":" + SPANS + ",")
              .contains("\"rejected\":" + SPANS);
          assertThat(admin("GET", adminPort, "/levee/health", TOKEN).body())
              .contains("\"traces\":{\"state\":");

          // An admin operation is seen through JMX; bad input is refused with the reason.
          assertThat(
                  admin("POST", adminPort, "/levee/rate-limit?signal=traces&items=500&bytes=0", TOKEN)
                      .statusCode())
              .isEqualTo(200);
          assertThat(jmx.getAttribute(spans, "RateLimitItemsPerSecond")).isEqualTo(500L);
          HttpResponse<String> bad =
              admin("POST", adminPort, "/levee/batch-size?signal=traces&min=9&max=1", TOKEN);
          assertThat(bad.statusCode()).isEqualTo(400);
          assertThat(bad.body()).contains("min <= max");
          assertThat(admin("POST", adminPort, "/levee/breaker/reset", TOKEN).statusCode())
              .isEqualTo(200);

          // Pausing delivery through JMX: collections keep being accepted, none is delivered.
          jmx.invoke(metrics, "pauseDelivery", null, null);
          assertThat(jmx.getAttribute(metrics, "Paused")).isEqualTo(true);
          await().atMost(WAIT).until(() -> (long) jmx.getAttribute(metrics, "Pending") > 0);
          long receivedWhilePaused = receiver.dataPointCount();
          long offered = (long) jmx.getAttribute(metrics, "Offered");
          await().atMost(WAIT).until(() -> (long) jmx.getAttribute(metrics, "Offered") > offered);
          assertThat(receiver.dataPointCount()).isEqualTo(receivedWhilePaused);
          assertThat((long) jmx.getAttribute(metrics, "Pending")).isPositive();

          // Resuming delivers the held data points.
          jmx.invoke(metrics, "resumeDelivery", null, null);
          assertThat(jmx.getAttribute(metrics, "Paused")).isEqualTo(false);
          await()
              .atMost(WAIT)
              .until(() -> receiver.dataPointCount() >= receivedWhilePaused + 1);
          assertThat((boolean) jmx.invoke(metrics, "flush", null, null)).isTrue();
        }

        // A normal stop: every signal's counters reconcile with what the receiver got.
        app.terminate();
        assertThat(app.awaitExit(WAIT)).as(app.output()).isNotNegative();
        String output = app.output();
        Map<String, Counts> accounting = LeveeAccounting.parse(output);
        assertThat(accounting).as(output).containsOnlyKeys("spans", "metrics", "logs");
        for (Map.Entry<String, Long> signal :
            Map.of(
                    "spans", receiver.spanCount(),
                    "metrics", receiver.dataPointCount(),
                    "logs", receiver.logRecordCount())
                .entrySet()) {
          Counts counts = accounting.get(signal.getKey());
          assertThat(counts.delivered()).as(signal.getKey()).isEqualTo(signal.getValue());
          assertThat(counts.offered() + counts.recovered())
              .as(signal.getKey())
              .isEqualTo(counts.delivered() + counts.dropped() + counts.pending());
          assertThat(counts.dropped()).as(signal.getKey()).isEqualTo(counts.dropped("rejected"));
          assertThat(counts.pending()).as(signal.getKey()).isZero();
        }
        // The self-metrics (cumulative, through Levee's metric exporter) tell the same story as the
        // receiver's audit: no span or log record delivered, every one dropped as rejected.
        assertThat(latest(receiver, "otel.sdk.exporter.span.exported", "levee_span_exporter", "error.type", "rejected"))
            .as(output)
            .isEqualTo(SPANS);
        assertThat(latest(receiver, "otel.sdk.exporter.log.exported", "levee_log_exporter", "error.type", "rejected"))
            .isEqualTo(ITERATIONS);
        assertThat(latest(receiver, "levee.dropped", "levee_span_exporter", "levee.drop.reason", "rejected"))
            .isEqualTo(SPANS);
        assertThat(accounting.get("spans").dropped("rejected")).isEqualTo(SPANS);
        assertThat(accounting.get("logs").dropped("rejected")).isEqualTo(ITERATIONS);
        assertThat(output.lines())
            .noneMatch(line -> line.contains(" ERROR dev.levee"));
      } finally {
        if (app.isAlive()) {
          app.kill();
        }
      }
    }
  }
}
