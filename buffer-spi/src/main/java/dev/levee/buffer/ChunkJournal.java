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
  default Cursor cursor(String name) {
    return cursor(name, ReadOrder.OLDEST_FIRST);
  }

  /**
   * The cursor with this name, reading in {@code order}; created at the start of the journal if
   * new. What it is done with is durable and independent of the order it was read in.
   */
  Cursor cursor(String name, ReadOrder order);

  /** The order a cursor reads the backlog in. */
  enum ReadOrder {
    /** Oldest first: the journal's order. */
    OLDEST_FIRST,
    /** Newest first: the most recent records first, working down to the oldest. */
    NEWEST_FIRST
  }

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

    /** Marks every record of {@code batch} as done with. */
    void commit(Batch batch);

    /** Makes every record read and not committed readable again. */
    void rewind();

    /** Records not yet committed. */
    long lagRecords();
  }

  /**
   * Chunks read together.
   *
   * @param chunks intact chunks, in journal order
   * @param firstIndex the journal index of the first record read (damaged ones included)
   * @param throughIndex the journal index of the last record read; -1 when nothing was read
   * @param records the records read, damaged ones included
   */
  record Batch(List<Chunk> chunks, long firstIndex, long throughIndex, long records) {
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
