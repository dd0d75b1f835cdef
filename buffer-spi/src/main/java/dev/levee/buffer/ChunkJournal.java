package dev.levee.buffer;

import java.util.List;

/**
 * A durable, bounded log of {@link Chunk}s with named cursors: the disk tier beside the memory
 * tier. Implemented by the persistent-queue module, which the exporter loads in a class loader of
 * its own (see {@link ChunkJournalFactory}).
 *
 * <p>Thread-safe.
 */
public interface ChunkJournal extends AutoCloseable {

  /**
   * Appends a chunk, deleting the oldest data first if the journal's caps require it.
   *
   * @return {@code false} if the chunk does not fit (the caller counts it as {@code journal_full})
   *     or the journal is closed
   */
  boolean append(Chunk chunk);

  /** The cursor with this name, created at the start of the journal if new; durable. */
  Cursor cursor(String name);

  /** Deletes data every cursor has passed, and data past the maximum age. */
  void applyRetention();

  /** A snapshot of the journal's counters. */
  Stats stats();

  /** Releases every file, mapping and thread. Idempotent. */
  @Override
  void close();

  /** A reader with an explicit, durable commit. */
  interface Cursor {
    /** Reads the next chunks: at most {@code maxRecords}, and beyond the first {@code maxBytes}. */
    Batch read(int maxRecords, long maxBytes);

    /** Marks everything through {@link Batch#throughIndex()} as done with. */
    void commit(long throughIndex);

    /** Returns the read position to just after the last commit. */
    void rewind();

    /** Records not yet committed. */
    long lagRecords();
  }

  /**
   * Chunks read together.
   *
   * @param chunks intact chunks, in order
   * @param throughIndex what to commit once they are done with; -1 when nothing was read
   */
  record Batch(List<Chunk> chunks, long throughIndex) {
    public boolean isEmpty() {
      return throughIndex < 0;
    }
  }

  /**
   * Journal counters.
   *
   * @param records records held
   * @param bytes bytes held
   * @param items items held
   * @param droppedJournalFull items dropped to stay under the byte cap
   * @param droppedExpired items dropped for passing the maximum age
   * @param corruptRecords damaged records skipped
   */
  record Stats(
      long records,
      long bytes,
      long items,
      long droppedJournalFull,
      long droppedExpired,
      long corruptRecords) {}
}
