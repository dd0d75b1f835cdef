package dev.levee.exporter.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.levee.buffer.Chunk;
import dev.levee.buffer.Signal;
import dev.levee.exporter.LeveeSpanExporter;
import dev.levee.exporter.LeveeStats;
import dev.levee.exporter.internal.encode.SdkMarshalers;
import dev.levee.testing.OtlpReceiver;
import dev.levee.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A spill file a run left while its journal was opening (the process ended first), found by the
 * next start: real Chronicle Queue on a real directory, real gRPC.
 */
class SpillFileJournalTest {
  @TempDir Path dir;

  private final OtlpReceiver receiver = OtlpReceiver.start();

  @AfterEach
  void stopReceiver() {
    receiver.close();
  }

  @Test
  void theNextStartMovesALeftSpillFileIntoTheJournalAndDeliversIt() throws Exception {
    Path traces = dir.resolve("journal").resolve("traces");
    Files.createDirectories(traces);
    SpillFile left = SpillFile.create(traces, 1 << 20, false);
    left.append(
        Chunk.of(Signal.SPANS, SdkMarshalers.spans(TestData.spans(7, "spilled")), 7, false, 1L));
    left.append(
        Chunk.of(Signal.SPANS, SdkMarshalers.spans(TestData.spans(4, "spilled")), 4, false, 2L));
    left.seal();
    // The drained mark of an earlier clean stop does not hide it.
    Files.writeString(traces.resolve(JournalOpening.DRAINED_MARK), "nothing pending\n");

    LeveeSpanExporter exporter =
        LeveeSpanExporter.builder()
            .setEndpoint(receiver.endpoint())
            .setShutdownTimeout(Duration.ofMillis(300))
            .setJournalDirectory(dir.resolve("journal"))
            .setJournalFsync("none")
            .build();
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> receiver.spanCount() == 11);
      assertThat(exporter.stats().recovered()).isEqualTo(11);
      assertThat(SpillFile.leftBehind(traces)).isEmpty();
    } finally {
      assertThat(exporter.shutdown().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();
    }
    LeveeStats stats = exporter.stats();
    assertThat(stats.pending()).isZero();
    assertThat(stats.delivered()).isEqualTo(11);
    assertThat(receiver.spanCount()).isEqualTo(11);
  }
}
