package dev.levee.journal;

import dev.levee.journal.JournalCursor.Lag;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * How far behind a cursor is, from what it has done ({@link DoneRecords}): counted from the
 * journal's per-cycle record counts ({@link #records}), or read record by record for the bytes and
 * the oldest record's age ({@link #scan}). Called under the journal's lock.
 */
final class CursorLag {
  private CursorLag() {}

  /** Records not yet done with. */
  static long records(Journal journal, DoneRecords done) {
    long low = done.low();
    long after =
        low == JournalCursor.NONE
            ? journal.totalRecords()
            : journal.recordsAfter(
                journal.queue.rollCycle().toCycle(low), journal.queue.rollCycle().toSequenceNumber(low));
    return Math.max(0, after - done.recordsDoneAboveLow());
  }

  /** Reads the records after the low mark: as many, as many bytes and the oldest's accepted-at. */
  static Lag scan(Journal journal, DoneRecords done) {
    long records = 0;
    long bytes = 0;
    long oldest = 0;
    try (ExcerptTailer scan = journal.queue.createTailer()) {
      scan.singleThreadedCheckDisabled(true);
      JournalCursor.moveAfter(scan, done.low());
      while (true) {
        try (DocumentContext dc = scan.readingDocument()) {
          if (!dc.isPresent()) {
            break;
          }
          if (dc.isMetaData() || done.isDone(dc.index())) {
            continue;
          }
          byte[] raw = JournalRecord.readRaw(dc);
          if (records == 0) {
            oldest = JournalRecord.headerAcceptedAt(raw);
          }
          records++;
          bytes += raw.length;
        }
      }
    }
    return new Lag(records, bytes, oldest);
  }
}
