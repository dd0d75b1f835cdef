package dev.levee.journal;

import dev.levee.buffer.Chunk;
import dev.levee.buffer.ChunkJournal.ReadOrder;
import dev.levee.journal.DoneRecords.Range;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Level;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * A named reader of a {@link Journal} with a durable, explicit commit: {@link #read} hands out the
 * next records, {@link #commit} records that a batch is <em>finished</em> (delivered), and after a
 * restart or a {@link #rewind} every record read but not committed is read again. That gives
 * at-least-once delivery: a batch read, sent, and not yet committed when the process dies is read
 * again.
 *
 * <p>What is done is kept as a <em>low mark</em> (every record up to it is done) and a set of done
 * ranges above it. Oldest-first reading commits at the low mark, so the set stays empty; newest-
 * first reading works down from the end of the journal and leaves done ranges above undone ones
 * until the backlog below them is delivered too. Cycle files are deleted once the low mark of
 * every cursor has passed them, so newest-first frees disk when the oldest backlog is delivered.
 *
 * <p>Chronicle's named tailers persist their position as they read, which would lose a batch in
 * flight at a crash; so the committed state is kept in a small checksummed file of its own, {@code
 * cursors/<name>.pos}, forced to the device as the journal's fsync policy says.
 *
 * <p>Thread-safe; operations take the journal's lock.
 */
public final class JournalCursor {
  private static final JournalLog logger = JournalLog.of(JournalCursor.class);
  static final String SUFFIX = ".pos";
  /** No record consumed yet. */
  static final long NONE = -1;

  private final Journal journal;
  private final String name;
  private final CursorFile cursorFile;
  private final ReadOrder order;
  /** Oldest-first reading position; kept between reads. */
  private final ExcerptTailer tailer;
  /** Newest-first reading, and probes of what follows a record. */
  private final ExcerptTailer probe;
  /** What is done: the low mark and the done ranges above it. */
  private DoneRecords done;
  /** Newest-first: ranges handed out and neither committed nor rewound, by first index. */
  private final TreeMap<Long, Range> inFlight = new TreeMap<>();

  /** Under the journal's lock. */
  private long snapshotVersion;

  JournalCursor(Journal journal, String name, Path file, ReadOrder order) {
    this.journal = journal;
    this.name = name;
    this.cursorFile = new CursorFile(file, name, journal.settings.fsync());
    this.order = order;
    this.done = cursorFile.load();
    this.tailer = journal.queue.createTailer();
    tailer.singleThreadedCheckDisabled(true);
    this.probe = journal.queue.createTailer();
    probe.singleThreadedCheckDisabled(true);
    position();
  }

  /** Puts the oldest-first read position just after the low mark. */
  private void position() {
    tailer.direction(TailerDirection.FORWARD);
    moveAfter(tailer, done.low());
  }

  /**
   * Puts a forward {@code tailer} just after the record at {@code index}; at the journal's start
   * when {@code index} is {@link #NONE} or no longer in the journal.
   */
  static void moveAfter(ExcerptTailer tailer, long index) {
    if (index == NONE || !tailer.moveToIndex(index)) {
      tailer.toStart();
      return;
    }
    try (DocumentContext dc = tailer.readingDocument()) {
      // Skips the record at index itself.
    }
  }

  public String name() {
    return name;
  }

  public ReadOrder order() {
    return order;
  }

  /**
   * Reads the next records: at most {@code maxRecords} and, beyond the first, at most {@code
   * maxBytes} of records, all from one stretch of records not yet done. Oldest first they follow
   * the previous read; newest first they are the newest records neither done nor in flight, and
   * the batch's entries are still in journal order. Damaged records are skipped, counted and their
   * file copied aside; they are covered by the batch.
   */
  public Batch read(int maxRecords, long maxBytes) {
    synchronized (journal.lock) {
      if (journal.isClosed()) {
        return Batch.EMPTY;
      }
      return order == ReadOrder.NEWEST_FIRST ? readNewest(maxRecords, maxBytes) : readOldest(maxRecords, maxBytes);
    }
  }

  private Batch readOldest(int maxRecords, long maxBytes) {
    List<Entry> entries = new ArrayList<>();
    long first = NONE;
    long through = NONE;
    long records = 0;
    long bytes = 0;
    while (entries.size() < maxRecords) {
      try (DocumentContext dc = tailer.readingDocument()) {
        if (!dc.isPresent()) {
          break;
        }
        if (dc.isMetaData()) {
          continue;
        }
        long index = dc.index();
        if (isDone(index)) {
          if (records > 0) {
            dc.rollbackOnClose(); // a batch is one undone stretch; the next read skips it
            break;
          }
          continue; // done already: committed out of order, or by an earlier newest-first run
        }
        byte[] raw = JournalRecord.readRaw(dc);
        if (records > 0 && bytes + raw.length > maxBytes) {
          dc.rollbackOnClose();
          break;
        }
        if (first == NONE) {
          first = index;
        }
        through = index;
        records++;
        bytes += raw.length;
        decode(raw, index, tailer.cycle(), entries);
      }
    }
    return new Batch(entries, first, through, records);
  }

  private Batch readNewest(int maxRecords, long maxBytes) {
    List<Entry> entries = new ArrayList<>();
    long first = NONE;
    long through = NONE;
    long records = 0;
    long bytes = 0;
    probe.direction(TailerDirection.BACKWARD).toEnd();
    while (entries.size() < maxRecords) {
      Range skip = null;
      try (DocumentContext dc = probe.readingDocument()) {
        if (!dc.isPresent()) {
          break;
        }
        if (dc.isMetaData()) {
          continue;
        }
        long index = dc.index();
        if (done.low() != NONE && index <= done.low()) {
          dc.rollbackOnClose();
          break;
        }
        Range taken = covering(index);
        if (taken != null) {
          if (records > 0) {
            break;
          }
          skip = taken;
          continue; // jumps below the range once this document is closed
        }
        byte[] raw = JournalRecord.readRaw(dc);
        if (records > 0 && bytes + raw.length > maxBytes) {
          dc.rollbackOnClose();
          break;
        }
        if (through == NONE) {
          through = index;
        }
        first = index;
        records++;
        bytes += raw.length;
        decode(raw, index, probe.cycle(), entries);
      }
      if (skip != null) {
        // To the range's first record, and one step back past it.
        if (!probe.moveToIndex(skip.first())) {
          break;
        }
        try (DocumentContext past = probe.readingDocument()) {
          // reads the range's first record, leaving the position just before it
        }
      }
    }
    probe.direction(TailerDirection.FORWARD);
    if (records == 0) {
      return Batch.EMPTY;
    }
    java.util.Collections.reverse(entries);
    inFlight.put(first, new Range(first, through, records));
    return new Batch(entries, first, through, records);
  }

  /** The done or in-flight range holding {@code index}, or null. */
  private Range covering(long index) {
    Range d = done.doneRangeHolding(index);
    if (d != null) {
      return d;
    }
    Map.Entry<Long, Range> f = inFlight.floorEntry(index);
    if (f != null && f.getValue().last() >= index) {
      return f.getValue();
    }
    return null;
  }

  private void decode(byte[] raw, long index, int cycle, List<Entry> entries) {
    try {
      entries.add(new Entry(index, JournalRecord.decode(raw)));
    } catch (JournalRecord.CorruptRecordException e) {
      journal.quarantine(cycle, e.getMessage());
    }
  }

  /**
   * Records that every record of {@code batch} is done with; durable per the fsync policy. Cycle
   * files every cursor's low mark has passed are then deleted.
   *
   * <p>Only the bookkeeping holds the journal's lock: the cursor file is written, and consumed
   * files deleted, after it is released, so that appends on the SDK's threads never wait on this
   * file I/O.
   */
  public void commit(Batch batch) {
    if (batch.isEmpty()) {
      return;
    }
    CursorFile.Snapshot snapshot;
    List<Integer> consumed;
    synchronized (journal.lock) {
      if (journal.isClosed()) {
        return;
      }
      inFlight.remove(batch.firstIndex());
      Range range = new Range(batch.firstIndex(), batch.throughIndex(), batch.records());
      if (!done.commit(range, this::nextAfter)) {
        return; // already done (a retention pass moved the mark)
      }
      snapshot = snapshot();
      consumed = journal.retention.takeConsumedCycles();
    }
    // The cursor file first: once a file is deleted, the saved position must already be past it.
    cursorFile.write(snapshot);
    journal.retention.deleteCycleFiles(consumed);
  }

  /**
   * The index of the first record after {@code index} ({@link #NONE}: the first record of the
   * journal), or {@code Long.MAX_VALUE} when there is none.
   */
  private long nextAfter(long index) {
    probe.direction(TailerDirection.FORWARD);
    moveAfter(probe, index);
    while (true) {
      try (DocumentContext dc = probe.readingDocument()) {
        if (!dc.isPresent()) {
          return Long.MAX_VALUE;
        }
        if (!dc.isMetaData()) {
          dc.rollbackOnClose();
          return dc.index();
        }
      }
    }
  }

  /** Makes every record read but not committed readable again, e.g. after a failed send. */
  public void rewind() {
    synchronized (journal.lock) {
      if (!journal.isClosed()) {
        inFlight.clear();
        position();
      }
    }
  }

  /** Records not yet done with. */
  public long lagRecords() {
    synchronized (journal.lock) {
      return CursorLag.records(journal, done);
    }
  }

  /**
   * How far behind this cursor is: records, record bytes and the accepted-at of the oldest record
   * not yet done with. Reads the records after the low mark, so it costs in proportion to the lag:
   * for statistics, not for every request.
   */
  public Lag lag() {
    synchronized (journal.lock) {
      return CursorLag.scan(journal, done);
    }
  }

  /** Whether this cursor is done with the record at {@code index}. Under the journal's lock. */
  boolean isDone(long index) {
    return done.isDone(index);
  }

  /**
   * A cursor's lag.
   *
   * @param records records not yet committed
   * @param bytes their bytes, headers included
   * @param oldestAcceptedEpochNanos accepted-at of the oldest of them, or 0 when there is none
   */
  public record Lag(long records, long bytes, long oldestAcceptedEpochNanos) {}

  /** The cycle of the low mark; records in earlier cycles are all done with. */
  int committedCycle() {
    return done.low() == NONE ? Integer.MIN_VALUE : journal.queue.rollCycle().toCycle(done.low());
  }

  /** Called under the lock when retention deleted {@code cycle} and every cycle before it. */
  void onCycleDeleted(int cycle) {
    boolean changed = done.forgetThrough(cycle, index -> journal.queue.rollCycle().toCycle(index));
    inFlight.values().removeIf(r -> journal.queue.rollCycle().toCycle(r.last()) <= cycle);
    if (changed) {
      cursorFile.write(snapshot());
    }
    if (tailer.cycle() <= cycle) {
      tailer.toStart();
    }
  }

  /** Under the journal's lock. */
  private CursorFile.Snapshot snapshot() {
    return new CursorFile.Snapshot(done.encode(), ++snapshotVersion);
  }

  void closeTailer() {
    tailer.close();
    probe.close();
  }

  /** One record read: its journal index and its chunk. */
  public record Entry(long index, Chunk chunk) {}

  /**
   * Records read together: one stretch of the journal with nothing done or in flight inside it.
   *
   * @param entries the intact records, in journal order
   * @param firstIndex the index of the first record of the stretch, damaged ones included
   * @param throughIndex the index of the last record of the stretch; -1 if nothing was read
   * @param records the records in the stretch, damaged ones included
   */
  public record Batch(List<Entry> entries, long firstIndex, long throughIndex, long records) {
    static final Batch EMPTY = new Batch(List.of(), NONE, NONE, 0);

    public boolean isEmpty() {
      return throughIndex == NONE;
    }
  }
}
