package dev.levee.journal.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.levee.buffer.Chunk;
import dev.levee.buffer.ChunkJournal;
import dev.levee.buffer.JournalOptions;
import dev.levee.buffer.Signal;
import dev.levee.journal.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chronicle started for the first time once the JVM is shutting down: Levee loads it only when a
 * journal is needed, and a short-lived application whose backend is down first needs it at exit.
 * Without the care in {@link ChronicleJournalFactory#prepare}, Chronicle's start fails there
 * ("Shutdown in progress").
 */
class OpenInShutdownTest {
  @TempDir Path dir;

  static JournalOptions options(Path directory) {
    return new JournalOptions(
        directory,
        Signal.SPANS,
        64L * 1024 * 1024,
        Duration.ofDays(1),
        JournalOptions.Fsync.NONE,
        JournalOptions.Compression.NONE);
  }

  @Test
  void aJournalFirstOpenedInAShutdownHookTakesDataAndKeepsIt() throws Exception {
    Path journalDir = dir.resolve("spans");
    List<String> command = ChildJvm.command(OpenInShutdownMain.class, journalDir.toString(), "100");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).contains("appended 100").doesNotContain("Shutdown in progress");
    List<String> read = new ArrayList<>();
    try (ChunkJournal journal = new ChronicleJournalFactory().open(options(journalDir))) {
      ChunkJournal.Batch batch = journal.cursor("check").read(1_000, Long.MAX_VALUE);
      for (Chunk chunk : batch.chunks()) {
        read.add(new String(chunk.payload(), StandardCharsets.UTF_8));
      }
    }
    assertThat(read).hasSize(100).startsWith("record-0").endsWith("record-99");
    assertThat(Files.list(journalDir)).anyMatch(f -> f.toString().endsWith(".cq4"));
  }
}
