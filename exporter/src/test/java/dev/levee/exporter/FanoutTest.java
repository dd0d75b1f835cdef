package dev.levee.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.levee.testing.OtlpReceiver;
import dev.levee.testing.Ports;
import dev.levee.testing.TestData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code endpoints.mode=fanout} through real gRPC to real receivers and real journals: every
 * endpoint gets everything, and one being down holds back only its own copy.
 */
class FanoutTest {
  @TempDir Path dir;

  private final List<OtlpReceiver> receivers = new ArrayList<>();

  @AfterEach
  void stopReceivers() {
    receivers.forEach(OtlpReceiver::close);
  }

  private OtlpReceiver receiver(int port) {
    OtlpReceiver receiver = OtlpReceiver.start(port, true, null);
    receivers.add(receiver);
    return receiver;
  }

  private static void assertReconciled(LeveeStats stats) {
    assertThat(stats.offered() + stats.recovered())
        .as(stats.summary())
        .isEqualTo(stats.delivered() + stats.droppedTotal() + stats.pending());
  }

  @Test
  void aBackendThatIsDownGetsItsCopyFromItsOwnJournalWhenItIsBack() throws Exception {
    OtlpReceiver up = receiver(0);
    int downPort = Ports.closedPort();
    LeveeSpanExporter exporter =
        LeveeSpanExporter.builder()
            .setEndpoints(List.of(up.endpoint(), "http://127.0.0.1:" + downPort))
            .setEndpointMode("fanout")
            .setMemoryLimitBytes(8 << 20)
            .setJournalDirectory(dir.resolve("journal"))
            .setJournalFsync("none")
            .setBatchLinger(Duration.ZERO)
            .setShutdownTimeout(Duration.ofSeconds(1))
            .build();
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> exporter.statsByEndpoint().stream().allMatch(LeveeStats::journalOpen));
      for (int i = 0; i < 10; i++) {
        assertThat(exporter.export(TestData.spans(5, "fanout-" + i)).isSuccess()).isTrue();
      }

      // The endpoint that is up has everything; the one that is down holds its copy.
      await().atMost(Duration.ofSeconds(30)).until(() -> up.spanCount() == 50);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> exporter.statsByEndpoint().get(1).retries() >= 1);
      List<LeveeStats> each = exporter.statsByEndpoint();
      assertThat(each).hasSize(2);
      assertThat(each.get(0).offered()).isEqualTo(50);
      assertThat(each.get(1).offered()).isEqualTo(50);
      assertThat(each.get(1).delivered()).isZero();
      assertThat(each.get(1).pending()).isEqualTo(50);
      each.forEach(FanoutTest::assertReconciled);
      // Memory is shared out: each endpoint has half of it.
      assertThat(each.get(0).memoryLimitBytes()).isEqualTo(4 << 20);
      assertThat(exporter.stats().memoryLimitBytes()).isEqualTo(8 << 20);
      // Each endpoint's journal is its own.
      assertThat(dir.resolve("journal/fanout/127.0.0.1_" + up.port() + "/traces")).isDirectory();
      assertThat(dir.resolve("journal/fanout/127.0.0.1_" + downPort + "/traces")).isDirectory();

      OtlpReceiver back = receiver(downPort);
      await().atMost(Duration.ofSeconds(60)).until(() -> exporter.stats().pending() == 0);
      assertThat(back.spanIds()).isEqualTo(up.spanIds()).hasSize(50);
      assertThat(back.duplicateSpanCount()).isZero();
      assertThat(up.duplicateSpanCount()).isZero();

      LeveeStats total = exporter.stats();
      assertThat(total.offered()).isEqualTo(100);
      assertThat(total.delivered()).isEqualTo(100);
      assertThat(total.droppedTotal()).isZero();
      assertReconciled(total);
      assertThat(exporter.flush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    } finally {
      assertThat(exporter.shutdown().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();
    }
  }

  @Test
  void everySignalFansOutAndEachEndpointHasItsOwnName() throws Exception {
    OtlpReceiver a = receiver(0);
    OtlpReceiver b = receiver(0);
    List<String> both = List.of(a.endpoint(), b.endpoint());
    LeveeMetricExporter metrics =
        LeveeMetricExporter.builder().setEndpoints(both).setEndpointMode("fanout").build();
    LeveeLogRecordExporter logs =
        LeveeLogRecordExporter.builder().setEndpoints(both).setEndpointMode("fanout").build();
    try {
      metrics.export(TestData.metrics());
      logs.export(TestData.logs(7));
      assertThat(metrics.flush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      assertThat(logs.flush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      await().atMost(Duration.ofSeconds(30)).until(() -> a.logRecordCount() == 7 && b.logRecordCount() == 7);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> a.dataPointCount() == 3 && b.dataPointCount() == 3);
      assertThat(metrics.statsByEndpoint()).extracting(LeveeStats::delivered).containsExactly(3L, 3L);
      assertThat(metrics.stats().offered()).isEqualTo(6);
      assertThat(metrics.health().state()).isEqualTo(LeveeHealth.State.OK);
    } finally {
      metrics.shutdown().join(10, TimeUnit.SECONDS);
      logs.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void theAdminEndpointServesEachEndpointAndASignalSelectsThemAll() throws Exception {
    OtlpReceiver a = receiver(0);
    OtlpReceiver b = receiver(0);
    int adminPort = Ports.closedPort();
    LeveeSpanExporter exporter =
        LeveeSpanExporter.builder()
            .setEndpoints(List.of(a.endpoint(), b.endpoint()))
            .setEndpointMode("fanout")
            .setAdminEndpoint("127.0.0.1", adminPort, null)
            .build();
    try {
      exporter.export(TestData.spans(4, "admin"));
      assertThat(exporter.flush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + adminPort;
      String stats =
          http.send(
                  java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/levee/stats")).build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(stats)
          .contains("\"traces/127.0.0.1:" + a.port() + "\":{\"offered\":4,")
          .contains("\"traces/127.0.0.1:" + b.port() + "\":{\"offered\":4,");
      java.net.http.HttpResponse<String> limit =
          http.send(
              java.net.http.HttpRequest.newBuilder(
                      java.net.URI.create(base + "/levee/rate-limit?signal=traces&items=100"))
                  .POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(limit.statusCode()).as(limit.body()).isEqualTo(200);
    } finally {
      exporter.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void fanoutWithOneEndpointIsOneOrdinaryPipeline() throws Exception {
    OtlpReceiver only = receiver(0);
    LeveeSpanExporter exporter =
        LeveeSpanExporter.builder().setEndpoint(only.endpoint()).setEndpointMode("fanout").build();
    try {
      exporter.export(TestData.spans(3, "one"));
      assertThat(exporter.flush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      assertThat(exporter.statsByEndpoint()).hasSize(1);
      assertThat(only.spanCount()).isEqualTo(3);
    } finally {
      exporter.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void theSameEndpointTwiceIsRefusedByName() {
    assertThatThrownBy(
            () -> LeveeSpanExporter.builder().setEndpoints(List.of("http://a:4317", "http://a:4317")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("endpoints lists 'http://a:4317' twice");
  }

  @Test
  void anUnknownModeIsRefusedByName() {
    assertThatThrownBy(() -> LeveeSpanExporter.builder().setEndpointMode("broadcast"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("endpointMode must be failover, round_robin or fanout, was 'broadcast'");
  }
}
