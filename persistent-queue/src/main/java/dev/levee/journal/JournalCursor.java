package dev.levee.journal;

import dev.levee.buffer.Chunk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.zip.CRC32C;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * A named reader of a {@link Journal} with a durable, explicit commit: {@link #read} moves a read
 * position, {@link #commit} records how far the reader has <em>finished</em> (delivered), and
 * after a restart or a {@link #rewind} reading resumes after the last commit. That gives
 * at-least-once delivery: a batch read, sent, and not yet committed when the process dies is read
 * again.
 *
 * <p>Chronicle's named tailers persist their position as they read, which would lose a batch in
 * flight at a crash; so the committed index is kept in a small checksummed file of its own,
 * {@code cursors/<name>.pos}, forced to the device as the journal's fsync policy says.
 *
 * <p>Thread-safe; operations take the journal's lock.
 */
public final class JournalCursor {
  private static final Logger logger = Logger.getLogger(JournalCursor.class.getName());
  static final String SUFFIX = ".pos";
  /** No record consumed yet. */
  static final long NONE = -1;
  private static final int MAGIC = 0x4c56_4355; // "LVCU"

  private final Journal journal;
  private final String name;
  private final Path file;
  private final ExcerptTailer tailer;
  private long committed = NONE;

  JournalCursor(Journal journal, String name, Path file) {
    this.journal = journal;
    this.name = name;
    this.file = file;
    this.committed = load(file);
    this.tailer = journal.queue.createTailer();
    tailer.singleThreadedCheckDisabled(true);
    position();
  }

  private static long load(Path file) {
    if (!Files.exists(file)) {
      return NONE;
    }
    try {
      byte[] bytes = Files.readAllBytes(file);
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      if (bytes.length == 16 && buffer.getInt(12) == MAGIC && buffer.getInt(8) == crc(buffer.getLong(0))) {
        return buffer.getLong(0);
      }
      logger.warning(
          "Levee journal cursor file "
              + file
              + " is damaged; reading from the start of the journal (records may be sent twice).");
    } catch (IOException e) {
      logger.log(Level.WARNING, "Levee cannot read journal cursor file " + file + "; reading from the start", e);
    }
    return NONE;
  }

  private static int crc(long index) {
    CRC32C crc = new CRC32C();
    crc.update(ByteBuffer.allocate(8).putLong(0, index));
    return (int) crc.getValue();
  }

  /** Puts the read position just after the committed record. */
  private void position() {
    if (committed == NONE || !tailer.moveToIndex(committed)) {
      tailer.toStart();
      if (committed != NONE) {
        committed = NONE;
      }
      return;
    }
    try (DocumentContext dc = tailer.readingDocument()) {
      // Skips the committed record itself.
    }
  }

  public String name() {
    return name;
  }

  /**
   * Reads the next records after the read position, at most {@code maxRecords} and, beyond the
   * first, at most {@code maxBytes} of records. Damaged records are skipped, counted and their
   * file copied aside; they are covered by the batch's {@link Batch#throughIndex()}.
   */
  public Batch read(int maxRecords, long maxBytes) {
    synchronized (journal.lock) {
      List<Entry> entries = new ArrayList<>();
      long through = NONE;
      long bytes = 0;
      while (entries.size() < maxRecords && !journal.isClosed()) {
        try (DocumentContext dc = tailer.readingDocument()) {
          if (!dc.isPresent()) {
            break;
          }
          if (dc.isMetaData()) {
            continue;
          }
          long index = dc.index();
          int cycle = tailer.cycle();
          byte[] raw = Journal.readRaw(dc);
          if (!entries.isEmpty() && bytes + raw.length > maxBytes) {
            dc.rollbackOnClose();
            break;
          }
          through = index;
          try {
            Chunk chunk = JournalRecord.decode(raw);
            entries.add(new Entry(index, chunk));
            bytes += raw.length;
          } catch (JournalRecord.CorruptRecordException e) {
            journal.quarantine(cycle, e.getMessage());
          }
        }
      }
      return new Batch(entries, through);
    }
  }

  /**
   * Records that everything up to and including {@code index} (a {@link Batch#throughIndex()}) is
   * done with; durable per the fsync policy. Cycle files every cursor has passed are then deleted.
   */
  public void commit(long index) {
    if (index == NONE) {
      return;
    }
    synchronized (journal.lock) {
      if (journal.isClosed()) {
        return;
      }
      committed = index;
      persist();
      journal.deleteConsumedCycles();
    }
  }

  /** Moves the read position back to just after the last commit, e.g. after a failed send. */
  public void rewind() {
    synchronized (journal.lock) {
      if (!journal.isClosed()) {
        position();
      }
    }
  }

  /** Records not yet committed. */
  public long lagRecords() {
    synchronized (journal.lock) {
      if (committed == NONE) {
        return journal.totalRecords();
      }
      return journal.recordsAfter(
          journal.queue.rollCycle().toCycle(committed), journal.queue.rollCycle().toSequenceNumber(committed));
    }
  }

  /**
   * How far behind this cursor is: records, record bytes and the accepted-at of the oldest record
   * not yet committed. Reads the uncommitted records to count their bytes, so it costs in
   * proportion to the lag: for statistics, not for every request.
   */
  public Lag lag() {
    synchronized (journal.lock) {
      long records = 0;
      long bytes = 0;
      long oldest = 0;
      try (ExcerptTailer scan = journal.queue.createTailer()) {
        scan.singleThreadedCheckDisabled(true);
        if (committed == NONE || !scan.moveToIndex(committed)) {
          scan.toStart();
        } else {
          try (DocumentContext dc = scan.readingDocument()) {
            // skip the committed record
          }
        }
        while (true) {
          try (DocumentContext dc = scan.readingDocument()) {
            if (!dc.isPresent()) {
              break;
            }
            if (dc.isMetaData()) {
              continue;
            }
            byte[] raw = Journal.readRaw(dc);
            if (records == 0) {
              oldest = Journal.headerAcceptedAt(raw);
            }
            records++;
            bytes += raw.length;
          }
        }
      }
      return new Lag(records, bytes, oldest);
    }
  }

  /**
   * A cursor's lag.
   *
   * @param records records not yet committed
   * @param bytes their bytes, headers included
   * @param oldestAcceptedEpochNanos accepted-at of the oldest of them, or 0 when there is none
   */
  public record Lag(long records, long bytes, long oldestAcceptedEpochNanos) {}

  long committedIndex() {
    return committed;
  }

  /** The cycle of the committed record; records in earlier cycles are all consumed. */
  int committedCycle() {
    return committed == NONE ? Integer.MIN_VALUE : journal.queue.rollCycle().toCycle(committed);
  }

  /** Called under the lock when retention deleted {@code cycle} before this cursor consumed it. */
  void onCycleDeleted(int cycle) {
    if (committed != NONE && journal.queue.rollCycle().toCycle(committed) <= cycle) {
      committed = NONE;
      persist();
    }
    if (tailer.cycle() <= cycle) {
      tailer.toStart();
    }
  }

  private void persist() {
    ByteBuffer buffer = ByteBuffer.allocate(16);
    buffer.putLong(0, committed).putInt(8, crc(committed)).putInt(12, MAGIC);
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      channel.write(buffer, 0);
      if (journal.settings.fsync() == FsyncPolicy.ALWAYS) {
        channel.force(false);
      }
    } catch (IOException e) {
      logger.log(
          Level.WARNING,
          "Levee cannot save journal cursor " + name + " to " + file + "; after a restart some records may be sent twice",
          e);
    }
    try {
      Files.setPosixFilePermissions(file, Journal.FILE_PERMISSIONS);
    } catch (IOException | UnsupportedOperationException e) {
      // best effort, as for the queue files
    }
  }

  void closeTailer() {
    tailer.close();
  }

  /** One record read: its journal index and its chunk. */
  public record Entry(long index, Chunk chunk) {}

  /**
   * Records read together.
   *
   * @param entries the intact records, in order
   * @param throughIndex the index of the last record read, damaged ones included; what to {@link
   *     #commit} once the entries are done with, or -1 if nothing was read
   */
  public record Batch(List<Entry> entries, long throughIndex) {
    public boolean isEmpty() {
      return throughIndex == NONE;
    }
  }
}
