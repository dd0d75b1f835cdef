package dev.levee.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.levee.testing.LogCapture;
import dev.levee.testing.OtlpReceiver;
import dev.levee.testing.Ports;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code metrics.compaction=latest} through the real exporter, the real journal and a real
 * receiver: an outage of many collections costs one snapshot per cumulative stream, the backend
 * gets the newest values, and every replaced point is counted.
 */
class MetricCompactionTest {
  private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("route");
  private static final int ROUTES = 3;

  @TempDir Path dir;

  private final List<OtlpReceiver> receivers = new ArrayList<>();
  private final InMemoryMetricReader reader = InMemoryMetricReader.create();
  private final SdkMeterProvider provider =
      SdkMeterProvider.builder().registerMetricReader(reader).build();
  private final LongCounter requests = provider.get("compaction").counterBuilder("requests").build();
  private final AtomicLong queueDepth = new AtomicLong();

  MetricCompactionTest() {
    provider
        .get("compaction")
        .gaugeBuilder("queue.depth")
        .ofLongs()
        .buildWithCallback(g -> g.record(queueDepth.get()));
  }

  @AfterEach
  void close() {
    receivers.forEach(OtlpReceiver::close);
    provider.close();
  }

  /**
   * One collection: each route counted once more, the gauge moved. Cumulative: 3 counter points
   * and 1 gauge point.
   */
  private Collection<MetricData> collect() {
    for (int route = 0; route < ROUTES; route++) {
      requests.add(1, Attributes.of(ROUTE, "/" + route));
    }
    queueDepth.incrementAndGet();
    return reader.collectAllMetrics();
  }

  private LeveeMetricExporter exporter(String endpoint, String compaction) {
    return LeveeMetricExporter.builder()
        .setEndpoint(endpoint)
        .setJournalDirectory(dir.resolve("journal"))
        .setJournalOpen("at_start")
        .setJournalFsync("none")
        .setBatchLinger(Duration.ZERO)
        .setShutdownTimeout(Duration.ofMillis(500))
        .setCompaction(compaction)
        .build();
  }

  private static void assertReconciled(LeveeStats stats) {
    assertThat(stats.offered() + stats.recovered())
        .as(stats.summary())
        .isEqualTo(stats.delivered() + stats.droppedTotal() + stats.pending());
  }

  /** The newest value the receiver has for each route of the counter. */
  private static TreeMap<String, Long> newestCounterValues(OtlpReceiver receiver) {
    TreeMap<String, Long> values = new TreeMap<>();
    for (OtlpReceiver.ReceivedMetric metric : receiver.metrics()) {
      if (metric.metric().getName().equals("requests")) {
        for (NumberDataPoint point : metric.metric().getSum().getDataPointsList()) {
          String route = OtlpReceiver.stringAttribute(point.getAttributesList(), "route").orElseThrow();
          values.merge(route, point.getAsInt(), Math::max);
        }
      }
    }
    return values;
  }

  private static long pointsOf(OtlpReceiver receiver, String name) {
    return receiver.metrics().stream()
        .filter(m -> m.metric().getName().equals(name))
        .mapToLong(OtlpReceiver.ReceivedMetric::dataPoints)
        .sum();
  }

  @Test
  void anOutageOfManyCollectionsCostsOneSnapshotPerStream() throws Exception {
    int port = Ports.closedPort();
    LeveeMetricExporter exporter = exporter("http://127.0.0.1:" + port, "latest");
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> exporter.stats().journalOpen());
      int collections = 20;
      for (int i = 0; i < collections; i++) {
        assertThat(exporter.export(collect()).isSuccess()).isTrue();
      }
      LeveeStats during = exporter.stats();
      // The first collection went on (nothing was behind yet) and waits in the journal or memory;
      // the other 19 replaced each other: 3 counter points held, 18 × 3 superseded. The gauge is
      // never compacted: all 20 of its points are pending.
      assertThat(during.dropped(DropReason.SUPERSEDED)).as(during.summary()).isEqualTo(18L * ROUTES);
      assertThat(during.pending()).isEqualTo(ROUTES + 1 + ROUTES + (collections - 1));
      assertReconciled(during);

      OtlpReceiver receiver = OtlpReceiver.start(port, true, null);
      receivers.add(receiver);
      // The backlog drains; what compaction holds goes at the next collection or flush.
      assertThat(exporter.flush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();
      await().atMost(Duration.ofSeconds(30)).until(() -> exporter.stats().pending() == 0);

      LeveeStats after = exporter.stats();
      assertReconciled(after);
      assertThat(after.droppedTotal()).isEqualTo(after.dropped(DropReason.SUPERSEDED));
      assertThat(receiver.dataPointCount()).isEqualTo(after.delivered());
      // The first collection, then the newest value of each route: 20 each.
      assertThat(pointsOf(receiver, "requests")).isEqualTo(2L * ROUTES);
      assertThat(newestCounterValues(receiver)).containsEntry("/0", 20L).containsEntry("/2", 20L);
      assertThat(pointsOf(receiver, "queue.depth")).isEqualTo(collections);

      // Caught up: the next collection goes straight on, nothing held.
      assertThat(exporter.export(collect()).isSuccess()).isTrue();
      assertThat(exporter.flush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();
      await().atMost(Duration.ofSeconds(30)).until(() -> exporter.stats().pending() == 0);
      assertThat(newestCounterValues(receiver)).containsEntry("/1", 21L);
      assertThat(exporter.stats().dropped(DropReason.SUPERSEDED)).isEqualTo(18L * ROUTES);
    } finally {
      exporter.shutdown().join(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void withoutCompactionEveryCollectionIsKept() throws Exception {
    int port = Ports.closedPort();
    LeveeMetricExporter exporter = exporter("http://127.0.0.1:" + port, "none");
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> exporter.stats().journalOpen());
      for (int i = 0; i < 10; i++) {
        assertThat(exporter.export(collect()).isSuccess()).isTrue();
      }
      OtlpReceiver receiver = OtlpReceiver.start(port, true, null);
      receivers.add(receiver);
      await().atMost(Duration.ofSeconds(30)).until(() -> exporter.stats().pending() == 0);
      assertThat(pointsOf(receiver, "requests")).isEqualTo(10L * ROUTES);
      assertThat(exporter.stats().droppedTotal()).isZero();
      assertReconciled(exporter.stats());
    } finally {
      exporter.shutdown().join(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void whatCompactionHoldsAtShutdownGoesToTheJournalAndTheNextRunDeliversIt() throws Exception {
    LeveeMetricExporter first = exporter(Ports.closedPortEndpoint(), "latest");
    await().atMost(Duration.ofSeconds(30)).until(() -> first.stats().journalOpen());
    for (int i = 0; i < 5; i++) {
      assertThat(first.export(collect()).isSuccess()).isTrue();
    }
    assertThat(first.shutdown().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();
    LeveeStats stopped = first.stats();
    assertReconciled(stopped);
    assertThat(stopped.dropped(DropReason.SUPERSEDED)).isEqualTo(3L * ROUTES);
    // Collection 1 and the held newest counter points, and 5 gauge points, all in the journal.
    assertThat(stopped.pending()).isEqualTo(2L * ROUTES + 5).isEqualTo(stopped.journaled());

    OtlpReceiver receiver = OtlpReceiver.start();
    receivers.add(receiver);
    LeveeMetricExporter second = exporter(receiver.endpoint(), "latest");
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> receiver.dataPointCount() >= 2L * ROUTES + 5);
      assertThat(newestCounterValues(receiver)).containsEntry("/0", 5L);
      await().atMost(Duration.ofSeconds(30)).until(() -> second.stats().pending() == 0);
      assertThat(second.stats().recovered()).isEqualTo(2L * ROUTES + 5);
      assertReconciled(second.stats());
    } finally {
      second.shutdown().join(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void writeAheadKeepsEveryCollectionAndSaysCompactionIsIgnored() {
    try (LogCapture logs = LogCapture.of("dev.levee")) {
      LeveeMetricExporter exporter =
          LeveeMetricExporter.builder()
              .setEndpoint(Ports.closedPortEndpoint())
              .setJournalDirectory(dir.resolve("wal"))
              .setJournalOpen("at_start")
              .setJournalMode("write_ahead")
              .setCompaction("latest")
              .setShutdownTimeout(Duration.ofMillis(200))
              .build();
      try {
        assertThat(logs.messages(Level.WARNING))
            .anySatisfy(m -> assertThat(m).contains("metrics.compaction=latest is ignored"));
        exporter.export(collect());
        exporter.export(collect());
        assertThat(exporter.stats().dropped(DropReason.SUPERSEDED)).isZero();
      } finally {
        exporter.shutdown().join(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void anUnknownCompactionIsRefusedByName() {
    assertThatThrownBy(() -> LeveeMetricExporter.builder().setCompaction("oldest"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("compaction must be none or latest, was 'oldest'");
  }
}
