package dev.levee.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.levee.buffer.Signal;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer process killed with SIGKILL at random moments, 20 times over one journal directory:
 * after each kill the journal reopens, and every record whose append had returned is there, intact
 * and in order.
 */
class JournalCrashTest {
  private static final int KILLS = 20;

  @TempDir Path dir;

  @Test
  @org.junit.jupiter.api.Timeout(300) // a journal that cannot open must fail the test, not hang CI
  void everyAcknowledgedRecordSurvivesKillNine() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    Path journalDir = dir.resolve("spans");
    long next = 0;
    long acknowledgedThrough = -1;
    for (int kill = 0; kill < KILLS; kill++) {
      long printed = runAndKill(journalDir, next, 50 + random.nextInt(400));
      acknowledgedThrough = Math.max(acknowledgedThrough, printed);
      List<Long> found = readAll(journalDir);

      // Appends are sequential, so the journal must hold exactly 0..k, for some k at least the
      // last number the writer printed (it may hold one more, appended but not yet printed).
      if (found.isEmpty()) {
        // Killed before its first append (a loaded machine): nothing was acknowledged either.
        assertThat(acknowledgedThrough).as("seed %s, kill %s", seed, kill).isEqualTo(-1);
        continue;
      }
      assertThat(found.get(0)).as("seed %s, kill %s: first record", seed, kill).isZero();
      assertThat(found.get(found.size() - 1))
          .as("seed %s, kill %s: last record, with acknowledged %s", seed, kill, acknowledgedThrough)
          .isGreaterThanOrEqualTo(acknowledgedThrough);
      assertThat(found.size())
          .as("seed %s, kill %s: no gaps or repeats", seed, kill)
          .isEqualTo(found.get(found.size() - 1) + 1);
      next = found.get(found.size() - 1) + 1;
    }
    assertThat(acknowledgedThrough).isGreaterThan(KILLS);
    try (Journal journal =
        Journal.open(JournalWriterMain.settings(journalDir))) {
      assertThat(journal.stats().cycles()).as("the kills spanned several files").isGreaterThan(1);
    }
  }

  /** Runs the writer, kills it, and returns the last number it printed (or -1). */
  private long runAndKill(Path journalDir, long first, int millisAfterReady) throws Exception {
    List<String> command =
        ChildJvm.command(JournalWriterMain.class, journalDir.toString(), String.valueOf(first));
    Path stderr = dir.resolve("writer-" + first + ".err");
    Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    long printed = -1;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line = out.readLine();
      assertThat(line).as("writer start-up; its stderr: %s", java.nio.file.Files.readString(stderr)).isEqualTo("ready");
      long killAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millisAfterReady);
      Thread killer =
          new Thread(
              () -> {
                while (System.nanoTime() < killAt) {
                  Thread.onSpinWait();
                }
                process.destroyForcibly(); // SIGKILL
              });
      killer.start();
      while ((line = out.readLine()) != null) {
        try {
          printed = Long.parseLong(line);
        } catch (NumberFormatException e) {
          // a line cut short by the kill
          break;
        }
      }
      killer.join();
    } catch (IOException e) {
      // The pipe closes when the process dies.
    }
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return printed;
  }

  private static List<Long> readAll(Path journalDir) throws Exception {
    List<Long> found = new ArrayList<>();
    try (Journal journal =
        Journal.open(JournalWriterMain.settings(journalDir))) {
      JournalCursor cursor = journal.cursor("audit-" + System.nanoTime());
      while (true) {
        JournalCursor.Batch batch = cursor.read(10_000, Long.MAX_VALUE);
        if (batch.isEmpty()) {
          break;
        }
        batch.entries().forEach(e -> found.add(e.chunk().acceptedAtEpochNanos()));
      }
      assertThat(journal.stats().corruptRecords()).isZero();
      assertThat(journal.stats().droppedJournalFull()).isZero();
    }
    return found;
  }
}
