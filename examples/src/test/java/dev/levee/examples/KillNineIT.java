package dev.levee.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.levee.buffer.Chunk;
import dev.levee.buffer.Signal;
import dev.levee.journal.FsyncPolicy;
import dev.levee.journal.Journal;
import dev.levee.journal.JournalCursor;
import dev.levee.journal.JournalSettings;
import dev.levee.testing.AgentProcess;
import dev.levee.testing.LeveeAccounting;
import dev.levee.testing.OtlpReceiver;
import dev.levee.testing.Ports;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo app under the real agent, Levee in write-ahead mode, the backend down, killed with
 * SIGKILL at 20 random moments across 20 runs over one journal. Every span the runs handed to
 * Levee (which in write-ahead mode means: in the journal) is intact afterwards, and a run with the
 * backend up delivers each of them exactly once.
 */
class KillNineIT {
  private static final int KILLS = 20;

  @TempDir Path tempDir;

  private static AgentProcess.Builder app(Path journal, String endpoint, int iterations) {
    return DemoApps.underTheAgent()
        .leveeForAllSignals()
        .property("otel.service.name", "levee-kill")
        .property("otel.bsp.schedule.delay", "50")
        .property("otel.exporter.levee.endpoint", endpoint)
        .property("otel.exporter.levee.journal.mode", "write_ahead")
        .property("otel.exporter.levee.journal.fsync", "none")
        .property("otel.exporter.levee.journal.directory", journal.toString())
        .property("otel.exporter.levee.shutdown.timeout", "1s")
        .arg(String.valueOf(iterations));
  }

  @Test
  void everySpanHandedToLeveeSurvivesKillNineAndArrivesOnce() throws Exception {
    Path journal = tempDir.resolve("journal");
    long seed = System.nanoTime();
    Random random = new Random(seed);
    int port = Ports.closedPort();
    String down = "http://127.0.0.1:" + port;
    int previous = 0;
    for (int kill = 0; kill < KILLS; kill++) {
      AgentProcess app = app(journal, down, 1_000_000).start();
      // The random moment counts from the app's first handled request (its JUL line), not from
      // JVM start: on a loaded machine the agent's start alone can outlast the whole window.
      await()
          .atMost(Duration.ofMinutes(1))
          .until(() -> app.output().contains("Handled request 0") || !app.isAlive());
      // Let it run a random while, then SIGKILL it wherever it is.
      boolean exited = app.awaitExitOrTimeout(Duration.ofMillis(300 + random.nextInt(1700)));
      assertThat(exited).as("seed %s, run %s ended by itself:%n%s", seed, kill, app.output()).isFalse();
      app.kill();
      app.awaitExit(Duration.ofSeconds(30));

      int journaled = journaledSpanIds(journal).size();
      assertThat(journaled)
          .as("seed %s, run %s: the journal only grows", seed, kill)
          .isGreaterThanOrEqualTo(previous);
      previous = journaled;
    }
    Set<String> handed = journaledSpanIds(journal);
    assertThat(handed).as("seed %s", seed).hasSizeGreaterThan(KILLS);

    try (OtlpReceiver receiver = OtlpReceiver.start(0, port, true, null)) {
      AgentProcess restart = app(journal, receiver.httpEndpoint(), 0).start();
      assertThat(restart.awaitExit(Duration.ofMinutes(2))).as(restart.output()).isZero();

      assertThat(receiver.spanIds()).as("seed %s", seed).isEqualTo(handed);
      assertThat(receiver.duplicateSpanCount()).isZero();
      LeveeAccounting.Counts spans = LeveeAccounting.parse(restart.output()).get("spans");
      assertThat(spans.recovered()).isEqualTo(handed.size());
      assertThat(spans.delivered()).isEqualTo(handed.size());
      assertThat(spans.pending()).isZero();
      System.out.printf(
          "kill -9: %d runs killed at random moments (seed %d); %d spans in the journal; all"
              + " delivered once by the next run%n",
          KILLS, seed, handed.size());
    }
  }

  /** Span ids in the spans journal, read with the journal's own code; no record may be damaged. */
  private static Set<String> journaledSpanIds(Path journal) throws Exception {
    Set<String> ids = new HashSet<>();
    JournalSettings settings =
        JournalSettings.defaults(journal.resolve("traces"), Signal.SPANS).withFsync(FsyncPolicy.NONE);
    try (Journal opened = Journal.open(settings)) {
      JournalCursor reader = opened.cursor("audit");
      while (true) {
        JournalCursor.Batch batch = reader.read(10_000, Long.MAX_VALUE);
        if (batch.isEmpty()) {
          break;
        }
        for (JournalCursor.Entry entry : batch.entries()) {
          addSpanIds(entry.chunk(), ids);
        }
      }
      assertThat(opened.stats().corruptRecords()).isZero();
    }
    return ids;
  }

  private static void addSpanIds(Chunk chunk, Set<String> ids) throws IOException {
    ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(chunk.payload());
    request.getResourceSpansList().stream()
        .flatMap(rs -> rs.getScopeSpansList().stream())
        .flatMap(ss -> ss.getSpansList().stream())
        .forEach(span -> ids.add(HexFormat.of().formatHex(span.getSpanId().toByteArray())));
  }
}
