package dev.levee.buffer;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Opens {@link ChunkJournal}s; found with {@link java.util.ServiceLoader}.
 *
 * <p>Inside the agent the implementation lives in a jar nested in the extension and is loaded by
 * a private class loader, because Chronicle Queue cannot run from the extension's own loader.
 */
public interface ChunkJournalFactory {

  /**
   * Opens (or creates) the journal of one signal.
   *
   * @param directory the signal's own directory
   * @param limitBytes the cap on bytes held
   * @param maxAge the maximum age of data held
   * @param fsync {@code none}, {@code interval} or {@code always}
   * @throws IOException if the directory cannot be used; the message names it
   */
  ChunkJournal open(Path directory, Signal signal, long limitBytes, Duration maxAge, String fsync)
      throws IOException;
}
