package dev.levee.journal.internal;

import dev.levee.buffer.Chunk;
import dev.levee.buffer.ChunkJournal;
import dev.levee.buffer.ChunkJournalFactory;
import dev.levee.buffer.JournalOptions;
import dev.levee.buffer.Signal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Returns from {@code main} at once; a shutdown hook then starts Chronicle for the first time,
 * opens a journal, appends the given number of records and closes it, as Levee does for a
 * short-lived application whose backend is down. Prints what it appended. {@link
 * OpenInShutdownTest} runs it.
 */
public final class OpenInShutdownMain {
  private OpenInShutdownMain() {}

  public static void main(String[] args) {
    Path directory = Path.of(args[0]);
    int records = Integer.parseInt(args[1]);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    ChunkJournalFactory factory = new ChronicleJournalFactory();
                    factory.prepare();
                    try (ChunkJournal journal = factory.open(OpenInShutdownTest.options(directory))) {
                      int appended = 0;
                      for (int i = 0; i < records; i++) {
                        byte[] payload = ("record-" + i).getBytes(StandardCharsets.UTF_8);
                        if (journal.append(Chunk.of(Signal.SPANS, payload, 1, false, System.currentTimeMillis()))) {
                          appended++;
                        }
                      }
                      System.out.println("appended " + appended);
                    }
                  } catch (Throwable t) {
                    System.out.println("failed " + t);
                    t.printStackTrace(System.out);
                  }
                  System.out.flush();
                }));
  }
}
