package dev.levee.journal.internal;

import dev.levee.buffer.Chunk;
import dev.levee.buffer.ChunkJournal;
import dev.levee.buffer.ChunkJournalFactory;
import dev.levee.buffer.JournalOptions;
import dev.levee.journal.Compression;
import dev.levee.journal.FsyncPolicy;
import dev.levee.journal.Journal;
import dev.levee.journal.JournalCursor;
import dev.levee.journal.JournalException;
import dev.levee.journal.JournalSettings;
import dev.levee.journal.JournalStats;
import java.io.IOException;
import net.openhft.chronicle.core.shutdown.PriorityHook;
import java.util.List;

/**
 * The {@link ChunkJournalFactory} of this module, over {@link Journal}.
 *
 * <p>Internal, may change; public because {@link java.util.ServiceLoader} needs it.
 */
public final class ChronicleJournalFactory implements ChunkJournalFactory {
  /** Adds a shutdown hooklet in its static initialiser (about a quarter of a first open). */
  private static final String HOOK_REGISTERING_CLASS =
      "net.openhft.chronicle.core.io.BackgroundResourceReleaser";

  /**
   * Initialises Chronicle's class that adds a shutdown hooklet, so that a journal opens and takes
   * data inside a shutdown hook. Chronicle runs its hooklets from one JVM shutdown hook, registered
   * by the first hooklet added; once the JVM is shutting down that registration fails ("Shutdown in
   * progress") and would fail the class's initialiser. So a first, empty hooklet is added here: if
   * the JVM is already shutting down, its registration fails here, harmlessly, Chronicle then counts
   * its hook as registered and starts without it, and Levee's own close of each journal (on the
   * exporter's shutdown) is what releases it.
   */
  @Override
  public void prepare() throws IOException {
    try {
      PriorityHook.add(100, () -> {});
    } catch (IllegalStateException shuttingDown) {
      // Chronicle's hook is not needed: the journal is closed by Levee before the JVM exits
    } catch (LinkageError e) {
      throw new IOException("Chronicle Queue cannot start: " + e, e);
    }
    try {
      Class.forName(HOOK_REGISTERING_CLASS, true, ChronicleJournalFactory.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IOException("Chronicle Queue cannot start: " + e, e);
    }
  }

  @Override
  public ChunkJournal open(JournalOptions options) throws IOException {
    JournalSettings settings =
        JournalSettings.defaults(options.directory(), options.signal())
            .withLimitBytes(options.limitBytes())
            .withMaxAge(options.maxAge())
            .withFsync(FsyncPolicy.valueOf(options.fsync().name()))
            .withCompression(Compression.valueOf(options.compression().name()));
    try {
      return new Adapter(Journal.open(settings));
    } catch (JournalException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  private record Adapter(Journal journal) implements ChunkJournal {
    @Override
    public boolean append(Chunk chunk) {
      return journal.append(chunk);
    }

    @Override
    public Cursor cursor(String name, ReadOrder order) {
      JournalCursor cursor = journal.cursor(name, order);
      return new Cursor() {
        @Override
        public Batch read(int maxRecords, long maxBytes) {
          JournalCursor.Batch batch = cursor.read(maxRecords, maxBytes);
          List<Chunk> chunks = batch.entries().stream().map(JournalCursor.Entry::chunk).toList();
          return new Batch(chunks, batch.firstIndex(), batch.throughIndex(), batch.records());
        }

        @Override
        public void commit(Batch batch) {
          cursor.commit(
              new JournalCursor.Batch(List.of(), batch.firstIndex(), batch.throughIndex(), batch.records()));
        }

        @Override
        public void rewind() {
          cursor.rewind();
        }

        @Override
        public long lagRecords() {
          return cursor.lagRecords();
        }
      };
    }

    @Override
    public void applyRetention() {
      journal.applyRetention();
    }

    @Override
    public Stats stats() {
      JournalStats s = journal.stats();
      return new Stats(
          s.records(), s.bytes(), s.items(), s.droppedJournalFull(), s.droppedExpired(), s.corruptRecords());
    }

    @Override
    public void close() {
      journal.close();
    }
  }
}
