package dev.levee.journal;

import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongToIntFunction;
import java.util.function.LongUnaryOperator;
import java.util.zip.CRC32C;

/**
 * What a cursor is done with: a <em>low mark</em> (every record through it is done) and done
 * ranges above it, by first index. Oldest-first reading commits at the low mark, so the ranges
 * stay empty; newest-first reading, and requests committed out of order, leave done ranges above
 * undone records until those are done too.
 *
 * <p>Pure bookkeeping, tested without Chronicle: the journal's order of records comes in through
 * {@code nextAfter} (the index of the record after an index) and the cycle of an index through
 * {@code cycleOf}. Its bytes are the cursor file's ({@link #encode}, {@link #decode}).
 *
 * <p>Not thread-safe: its cursor uses it under the journal's lock.
 */
final class DoneRecords {
  /** No record: before the first one. */
  static final long NONE = -1;

  private static final int MAGIC_V1 = 0x4c56_4355; // "LVCU": the low mark only
  private static final int MAGIC_V2 = 0x4c56_4332; // "LVC2": the low mark and done ranges

  /** A stretch of records: first and last index, and how many records it holds. */
  record Range(long first, long last, long records) {}

  private long low = NONE;
  private final TreeMap<Long, Range> done = new TreeMap<>();

  /** Every record through this index is done ({@link #NONE}: none yet). */
  long low() {
    return low;
  }

  boolean isDone(long index) {
    return (low != NONE && index <= low) || doneRangeHolding(index) != null;
  }

  /** The done range above the low mark that holds {@code index}, or null. */
  Range doneRangeHolding(long index) {
    Map.Entry<Long, Range> range = done.floorEntry(index);
    return range != null && range.getValue().last() >= index ? range.getValue() : null;
  }

  /** Records done above the low mark. */
  long recordsDoneAboveLow() {
    long records = 0;
    for (Range range : done.values()) {
      records += range.records();
    }
    return records;
  }

  /**
   * Takes a committed stretch: merged with the done ranges just below and just above it where no
   * undone record lies between, and into the low mark when no undone record lies below it.
   *
   * @return false if it was done already (a retention pass moved the low mark past it)
   */
  boolean commit(Range range, LongUnaryOperator nextAfter) {
    if (low != NONE && range.last() <= low) {
      return false;
    }
    Map.Entry<Long, Range> below = done.lowerEntry(range.first());
    if (below != null && nextAfter.applyAsLong(below.getValue().last()) >= range.first()) {
      done.remove(below.getKey());
      range =
          new Range(below.getValue().first(), range.last(), below.getValue().records() + range.records());
    }
    Map.Entry<Long, Range> above = done.higherEntry(range.last());
    if (above != null && nextAfter.applyAsLong(range.last()) >= above.getValue().first()) {
      done.remove(above.getKey());
      range =
          new Range(range.first(), above.getValue().last(), range.records() + above.getValue().records());
    }
    long firstUndone = nextAfter.applyAsLong(low);
    if (firstUndone != NONE && firstUndone >= range.first()) {
      low = range.last(); // the stretch joins the low mark
    } else {
      done.put(range.first(), range);
    }
    return true;
  }

  /**
   * Forgets what lay in {@code cycle} and every cycle before it, which retention deleted: the low
   * mark if it was there, and the done ranges wholly there (a range reaching past keeps its later
   * records).
   *
   * @return whether anything changed
   */
  boolean forgetThrough(int cycle, LongToIntFunction cycleOf) {
    boolean changed = false;
    if (low != NONE && cycleOf.applyAsInt(low) <= cycle) {
      low = NONE;
      changed = true;
    }
    for (Iterator<Range> it = done.values().iterator(); it.hasNext(); ) {
      if (cycleOf.applyAsInt(it.next().last()) <= cycle) {
        it.remove();
        changed = true;
      }
    }
    return changed;
  }

  /** Nothing done: read from the start. */
  void clear() {
    low = NONE;
    done.clear();
  }

  /** The cursor file's bytes: magic, low mark, the done ranges, and a CRC32C of all that. */
  byte[] encode() {
    ByteBuffer buffer = ByteBuffer.allocate(20 + done.size() * 24);
    buffer.putInt(MAGIC_V2).putLong(low).putInt(done.size());
    for (Range range : done.values()) {
      buffer.putLong(range.first()).putLong(range.last()).putLong(range.records());
    }
    buffer.putInt(crc(buffer, 0, buffer.position()));
    return buffer.array();
  }

  /**
   * Reads a cursor file's bytes, in this format or the earlier one that held the low mark only.
   *
   * @return what they hold, or null when they are damaged
   */
  static DoneRecords decode(byte[] bytes) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    int length = buffer.capacity();
    DoneRecords read = new DoneRecords();
    if (length == 16 && buffer.getInt(12) == MAGIC_V1 && buffer.getInt(8) == crc(buffer, 0, 8)) {
      read.low = buffer.getLong(0);
      return read;
    }
    if (length >= 20
        && buffer.getInt(0) == MAGIC_V2
        && buffer.getInt(length - 4) == crc(buffer, 0, length - 4)) {
      int count = buffer.getInt(12);
      if (length == 20 + count * 24L) {
        read.low = buffer.getLong(4);
        for (int i = 0; i < count; i++) {
          int at = 16 + i * 24;
          Range range = new Range(buffer.getLong(at), buffer.getLong(at + 8), buffer.getLong(at + 16));
          read.done.put(range.first(), range);
        }
        return read;
      }
    }
    return null;
  }

  private static int crc(ByteBuffer buffer, int from, int length) {
    CRC32C crc = new CRC32C();
    crc.update(buffer.array(), from, length);
    return (int) crc.getValue();
  }
}
