package dev.levee.buffer;

import java.io.IOException;

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
   * @throws IOException if the directory cannot be used; the message names it
   */
  ChunkJournal open(JournalOptions options) throws IOException;
}
