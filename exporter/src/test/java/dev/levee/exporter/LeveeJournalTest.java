package dev.levee.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.levee.testing.LogCapture;
import dev.levee.testing.OtlpReceiver;
import dev.levee.testing.Ports;
import dev.levee.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exporter with its journal: real Chronicle Queue on a real directory, real gRPC. */
class LeveeJournalTest {
  @TempDir Path dir;

  private final OtlpReceiver receiver = OtlpReceiver.start();

  @AfterEach
  void stopReceiver() {
    receiver.close();
  }


  private static void assertReconciled(LeveeStats stats) {
    assertThat(stats.offered() + stats.recovered())
        .as(stats.summary())
        .isEqualTo(stats.delivered() + stats.droppedTotal() + stats.pending());
  }

  /** An exporter with a small memory tier and a journal. */
  private LeveeSpanExporter exporter(String endpoint) {
    return LeveeSpanExporter.builder()
        .setEndpoint(endpoint)
        .setMemoryLimitBytes(4096)
        .setShutdownTimeout(Duration.ofMillis(300))
        .setJournalDirectory(dir.resolve("journal"))
        .setJournalOpen("at_start")
        .setJournalFsync("none")
        .build();
  }

  @Test
  void keepsWhatTheBackendCouldNotTakeAndDeliversItAfterARestart() throws Exception {
    LeveeSpanExporter first = exporter(Ports.closedPortEndpoint());
    // The journal opens on the dispatcher thread, just after the exporter is built.
    await().atMost(Duration.ofSeconds(30)).until(() -> first.stats().journalOpen());
    int refused = 0;
    for (int i = 0; i < 20; i++) {
      if (!first.export(TestData.spans(10, "batch" + i)).isSuccess()) {
        refused++;
      }
    }
    assertThat(first.shutdown().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();

    LeveeStats before = first.stats();
    assertThat(refused).isZero();
    assertThat(before.offered()).isEqualTo(200);
    assertThat(before.delivered()).isZero();
    assertThat(before.droppedTotal()).as(before.summary()).isZero();
    assertThat(before.pending()).isEqualTo(200);
    assertThat(before.journaled()).isEqualTo(200);
    assertReconciled(before);

    LeveeSpanExporter second = exporter(receiver.endpoint());
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> receiver.spanCount() >= 200);
      assertThat(second.flush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      LeveeStats after = second.stats();
      assertThat(after.recovered()).isEqualTo(200);
      assertThat(after.delivered()).isEqualTo(200);
      assertThat(after.pending()).isZero();
      assertReconciled(after);
      assertThat(receiver.spanIds()).hasSize(200);
      assertThat(receiver.duplicateSpanCount()).isZero();
    } finally {
      second.shutdown().join(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void writeAheadShutdownDeliversWhatIsInTheJournalWhenTheBackendTakesIt() throws Exception {
    LeveeSpanExporter exporter =
        LeveeSpanExporter.builder()
            .setEndpoint(receiver.endpoint())
            .setJournalMode("write_ahead")
            .setJournalDirectory(dir.resolve("journal"))
            .setJournalOpen("at_start")
            .setJournalFsync("none")
            .setShutdownTimeout(Duration.ofSeconds(10))
            .build();
    await().atMost(Duration.ofSeconds(30)).until(() -> exporter.stats().journalOpen());
    for (int i = 0; i < 50; i++) {
      assertThat(exporter.export(TestData.spans(20, "burst" + i)).isSuccess()).isTrue();
    }

    // An application that exits right after its burst: shutdown at once.
    assertThat(exporter.shutdown().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();

    LeveeStats stats = exporter.stats();
    assertThat(stats.journaled()).isEqualTo(1000);
    assertThat(stats.delivered()).as(stats.summary()).isEqualTo(1000);
    assertThat(stats.pending()).isZero();
    assertReconciled(stats);
    assertThat(receiver.spanIds()).hasSize(1000);
    assertThat(receiver.duplicateSpanCount()).isZero();
  }

  @Test
  void newestFirstDeliversTheMostRecentBacklogFirst() throws Exception {
    LeveeSpanExporter first =
        LeveeSpanExporter.builder()
            .setEndpoint(Ports.closedPortEndpoint())
            .setJournalMode("write_ahead") // journal order is export order
            .setJournalDirectory(dir.resolve("journal"))
            .setJournalOpen("at_start")
            .setJournalFsync("none")
            .setShutdownTimeout(Duration.ofMillis(300))
            .build();
    await().atMost(Duration.ofSeconds(30)).until(() -> first.stats().journalOpen());
    for (int i = 0; i < 5; i++) {
      first.export(TestData.spans(10, "batch" + i));
    }
    first.shutdown().join(30, TimeUnit.SECONDS);
    assertThat(first.stats().journaled()).isEqualTo(50);

    LeveeSpanExporter second =
        LeveeSpanExporter.builder()
            .setEndpoint(receiver.endpoint())
            .setMaxBatchBytes(1) // one journal record per request, to see the order
            // One request at a time: with several in flight, requests read in this order may
            // arrive interleaved.
            .setMaxConcurrency(1)
            .setJournalDirectory(dir.resolve("journal"))
            .setJournalOpen("at_start")
            .setJournalDrainOrder("newest_first")
            .build();
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> receiver.spanCount() >= 50);
      assertThat(
              receiver.spans().stream()
                  .map(s -> s.span().getName().replaceAll("-\\d+$", ""))
                  .distinct()
                  .toList())
          .containsExactly("batch4", "batch3", "batch2", "batch1", "batch0");
      assertThat(second.flush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      assertThat(second.stats().recovered()).isEqualTo(50);
      assertThat(receiver.duplicateSpanCount()).isZero();
      assertReconciled(second.stats());
    } finally {
      second.shutdown().join(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aBackendThatKeepsFailingOpensTheBreakerAndNewDataGoesStraightToTheJournal() {
    receiver.failNext(1000, io.grpc.Status.UNAVAILABLE.withDescription("overloaded"), Duration.ofMillis(1));
    LeveeSpanExporter exporter =
        LeveeSpanExporter.builder()
            .setEndpoint(receiver.endpoint())
            .setJournalDirectory(dir.resolve("journal"))
            .setJournalOpen("at_start")
            .setJournalFsync("none")
            .setCircuitBreakerWindow(4)
            .setCircuitBreakerMinimumCalls(4)
            .setCircuitBreakerOpenWait(Duration.ofHours(1))
            .setShutdownTimeout(Duration.ofMillis(300))
            .build();
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> exporter.stats().journalOpen());
      exporter.export(TestData.spans(5, "before"));
      await().atMost(Duration.ofSeconds(30)).until(() -> exporter.stats().breakerState().equals("open"));
      assertThat(receiver.failedCallCount()).isEqualTo(4);

      exporter.export(TestData.spans(7, "while-open"));
      await().atMost(Duration.ofSeconds(30)).until(() -> exporter.stats().journaled() == 12);

      LeveeStats stats = exporter.stats();
      assertThat(receiver.failedCallCount()).isEqualTo(4); // nothing hammers the endpoint
      assertThat(stats.breakerOpenings()).isEqualTo(1);
      assertThat(stats.memoryUsedBytes()).isZero();
      assertThat(stats.pending()).isEqualTo(12);
      assertReconciled(stats);
    } finally {
      exporter.shutdown().join(30, TimeUnit.SECONDS);
    }
    assertReconciled(exporter.stats());
    assertThat(exporter.stats().droppedTotal()).isZero();
  }

  @Test
  void writeAheadHasEveryChunkOnDiskWhenExportReturns() throws Exception {
    LeveeSpanExporter first =
        LeveeSpanExporter.builder()
            .setEndpoint(Ports.closedPortEndpoint())
            .setJournalMode("write_ahead")
            .setJournalDirectory(dir.resolve("journal"))
            .setJournalOpen("at_start")
            .setJournalFsync("none")
            .setShutdownTimeout(Duration.ofMillis(300))
            .build();
    await().atMost(Duration.ofSeconds(30)).until(() -> first.stats().journalOpen());
    for (int i = 0; i < 3; i++) {
      assertThat(first.export(TestData.spans(10, "wal" + i)).isSuccess()).isTrue();
      assertThat(first.stats().journaled()).isEqualTo(10L * (i + 1));
    }
    assertThat(first.stats().memoryUsedBytes()).isZero();
    first.shutdown().join(30, TimeUnit.SECONDS);
    assertThat(first.stats().pending()).isEqualTo(30);
    assertThat(first.stats().droppedTotal()).isZero();

    LeveeSpanExporter second =
        LeveeSpanExporter.builder()
            .setEndpoint(receiver.endpoint())
            .setJournalMode("write_ahead")
            .setJournalDirectory(dir.resolve("journal"))
            .setJournalOpen("at_start")
            .build();
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> receiver.spanCount() >= 30);
      assertThat(second.flush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      assertThat(second.stats().recovered()).isEqualTo(30);
      assertThat(receiver.spanIds()).hasSize(30);
      assertReconciled(second.stats());
    } finally {
      second.shutdown().join(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aRequestTheBackendFailsWaitsInMemoryForItsRetryNotInTheJournal() {
    receiver.failNext(1, io.grpc.Status.UNAVAILABLE.withDescription("restarting"), Duration.ofMillis(50));
    LeveeSpanExporter exporter = exporter(receiver.endpoint());
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> exporter.stats().journalOpen());
      exporter.export(TestData.spans(5, "retried"));

      await().atMost(Duration.ofSeconds(30)).until(() -> exporter.stats().delivered() == 5);
      LeveeStats stats = exporter.stats();
      // The backend answered (the breaker stays closed): the request was retried from memory.
      assertThat(stats.journaled()).isZero();
      assertThat(stats.breakerOpenings()).isZero();
      assertThat(stats.retries()).isEqualTo(1);
      assertThat(stats.pending()).isZero();
      assertReconciled(stats);
      assertThat(receiver.spanCount()).isEqualTo(5);
    } finally {
      exporter.shutdown().join(30, TimeUnit.SECONDS);
    }
  }

  /** An exporter with the default memory (32 MiB) and the journal opened on demand. */
  private LeveeSpanExporter onDemand(String endpoint) {
    return LeveeSpanExporter.builder()
        .setEndpoint(endpoint)
        .setShutdownTimeout(Duration.ofMillis(300))
        .setJournalDirectory(dir.resolve("journal"))
        .setJournalFsync("none")
        .build();
  }

  private static boolean hasJournalFiles(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      return false;
    }
    try (var files = Files.list(directory)) {
      return files.anyMatch(file -> file.getFileName().toString().endsWith(".cq4"));
    }
  }

  @Test
  void withAHealthyBackendTheMetricsJournalIsNeverOpened() throws Exception {
    LeveeMetricExporter exporter =
        LeveeMetricExporter.builder()
            .setEndpoint(receiver.endpoint())
            .setShutdownTimeout(Duration.ofMillis(300))
            .setJournalDirectory(dir.resolve("journal"))
            .setJournalFsync("none")
            .build();
    try {
      exporter.export(TestData.metrics());
      assertThat(exporter.flush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      assertThat(receiver.dataPointCount()).isPositive();
    } finally {
      assertThat(exporter.shutdown().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    }
    assertTheJournalWasNeverOpened(exporter.stats().journalOpen(), "metrics");
  }

  /** Nothing needed it: Chronicle wrote nothing (its files appear when a journal opens). */
  private void assertTheJournalWasNeverOpened(boolean journalOpen, String signalDirectory) throws IOException {
    assertThat(journalOpen).isFalse();
    assertThat(hasJournalFiles(dir.resolve("journal").resolve(signalDirectory))).isFalse();
  }

  /** Exports the spans, flushes, checks the receiver has them all, and stops. */
  private void deliverAndStop(LeveeSpanExporter exporter, java.util.List<io.opentelemetry.sdk.trace.data.SpanData> spans)
      throws Exception {
    try {
      exporter.export(spans);
      assertThat(exporter.flush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();
      assertThat(receiver.spanCount()).isEqualTo(spans.size());
    } finally {
      assertThat(exporter.shutdown().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    }
  }

  /**
   * A backend that keeps up never needs the journal: Chronicle is not loaded for spans either, and
   * a stop with nothing pending leaves nothing on disk for the next start to open.
   */
  @Test
  void withAHealthyBackendTheSpansJournalIsNeverOpened() throws Exception {
    LeveeSpanExporter exporter = onDemand(receiver.endpoint());
    deliverAndStop(exporter, TestData.spans(100, "healthy"));
    assertTheJournalWasNeverOpened(exporter.stats().journalOpen(), "traces");
  }

  /**
   * A backend that answers some requests with a retryable error is there: those requests wait in
   * memory for their retry, and the journal stays closed (Chronicle's start would cost the
   * application more than the wait does).
   */
  @Test
  void retryableAnswersWaitInMemoryWithoutOpeningTheJournal() throws Exception {
    receiver.failNext(2, io.grpc.Status.UNAVAILABLE, null);
    LeveeSpanExporter exporter = onDemand(receiver.endpoint());
    deliverAndStop(exporter, TestData.spans(10, "degraded"));
    assertThat(exporter.stats().retries()).isEqualTo(2);
    assertTheJournalWasNeverOpened(exporter.stats().journalOpen(), "traces");
  }

  /**
   * Memory a quarter full opens the journal before anything fails: here requests hang at a slow
   * backend while spans keep coming; once it answers, everything is delivered, and a stop with
   * nothing pending marks the journal drained, so the next start need not open it.
   */
  @Test
  void memoryAQuarterFullOpensTheSpansJournalBeforeAnythingFails() throws Exception {
    receiver.setLatency(Duration.ofSeconds(3));
    LeveeSpanExporter exporter =
        LeveeSpanExporter.builder()
            .setEndpoint(receiver.endpoint())
            .setMemoryLimitBytes(16L << 20) // the least that opens the journal on demand
            .setShutdownTimeout(Duration.ofSeconds(5))
            .setJournalDirectory(dir.resolve("journal"))
            .setJournalFsync("none")
            .build();
    long offered = 0;
    try {
      long quarter = 4L << 20;
      while (exporter.stats().memoryUsedBytes() < quarter && offered < 1_000_000) {
        exporter.export(TestData.spans(100, "held-" + offered));
        offered += 100;
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> exporter.stats().journalOpen());
      assertThat(exporter.stats().retries()).isZero();
      assertThat(receiver.spanCount()).isZero(); // nothing answered yet
      receiver.setLatency(Duration.ZERO);
      assertThat(exporter.flush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();
      assertThat(receiver.spanCount()).isEqualTo(offered);
    } finally {
      assertThat(exporter.shutdown().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();
    }
    assertThat(exporter.stats().droppedTotal()).isZero();
    assertThat(dir.resolve("journal").resolve("traces").resolve("levee-drained")).exists();
  }

  /**
   * The application stops right after its first data, to a backend that takes it: the stop
   * delivers it, and neither the journal nor Chronicle is touched.
   */
  @Test
  void aStopRightAfterTheFirstDataDeliversItWithoutTheJournal() throws Exception {
    LeveeSpanExporter exporter = onDemand(receiver.endpoint());
    exporter.export(TestData.spans(3, "stop-at-once"));
    assertThat(exporter.shutdown().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();
    assertThat(receiver.spanCount()).isEqualTo(3);
    assertThat(exporter.stats().pending()).isZero();
    assertTheJournalWasNeverOpened(exporter.stats().journalOpen(), "traces");
  }

  @Test
  void aFailingBackendOpensTheJournalOnDemandAndTheNextStartFindsTheBacklog() throws Exception {
    int port = Ports.closedPort();
    LeveeSpanExporter first = onDemand("http://127.0.0.1:" + port);
    first.export(TestData.spans(5, "on-demand"));
    await().atMost(Duration.ofSeconds(30)).until(() -> first.stats().journalOpen());
    await().atMost(Duration.ofSeconds(30)).until(() -> first.stats().journaled() == 5);
    first.shutdown().join(30, TimeUnit.SECONDS);
    assertThat(first.stats().pending()).isEqualTo(5);
    Path traces = dir.resolve("journal").resolve("traces");
    assertThat(traces.resolve("levee-drained")).doesNotExist();

    // The next start sees journal files without the drained mark: it opens at start and delivers.
    OtlpReceiver backend = OtlpReceiver.start(port, true, null);
    LeveeSpanExporter second = onDemand(backend.endpoint());
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> backend.spanCount() == 5);
      assertThat(second.stats().recovered()).isEqualTo(5);
    } finally {
      second.shutdown().join(30, TimeUnit.SECONDS);
      backend.close();
    }
    // A stop with nothing pending marks the directory drained: the start after need not open it.
    assertThat(second.stats().pending()).isZero();
    assertThat(traces.resolve("levee-drained")).exists();
  }

  @Test
  void anUnusableJournalDirectoryMeansMemoryOnlyWithOneLoudMessage() throws Exception {
    LogCapture logged = LogCapture.of("dev.levee");
    Path notADirectory = Files.writeString(dir.resolve("file"), "x");
    LeveeSpanExporter exporter =
        LeveeSpanExporter.builder()
            .setEndpoint(receiver.endpoint())
            .setJournalDirectory(notADirectory)
            .build();
    try {
      exporter.export(TestData.spans(3, "memory-only"));
      assertThat(exporter.flush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();

      assertThat(receiver.spanCount()).isEqualTo(3);
      assertThat(exporter.stats().journaled()).isZero();
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(logged.messages(Level.SEVERE))
                      .singleElement()
                      .asString()
                      .startsWith(
                          "Levee cannot use its journal at "
                              + notADirectory.resolve("traces")
                              + " and runs memory-only for spans"));
    } finally {
      exporter.shutdown().join(10, TimeUnit.SECONDS);
      logged.close();
    }
  }
}
