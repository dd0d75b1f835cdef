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
   * Starts the implementation ahead of the first {@link #open}, also when the JVM is already
   * shutting down: an implementation that registers shutdown hooks as it starts must then start
   * without them (the caller closes its journals). Cheaper than an open. By default nothing.
   *
   * @throws IOException if the implementation cannot start at all
   */
  default void prepare() throws IOException {}
}
