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

  /**
   * Does, ahead of the first {@link #open}, what cannot be done once the JVM is shutting down (an
   * implementation that registers shutdown hooks as it starts registers them here), so that a
   * journal can still be opened from a shutdown hook. Cheaper than an open. By default nothing.
   *
   * @throws IOException if the implementation cannot start at all
   */
  default void prepare() throws IOException {}
}
