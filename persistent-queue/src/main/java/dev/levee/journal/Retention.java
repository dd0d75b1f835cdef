package dev.levee.journal;

import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * What stays on disk: files every cursor has moved past are deleted (consumed); over the byte cap
 * or past the maximum age the oldest file is deleted and the items in it some cursor had not
 * consumed are counted as dropped ({@code journal_full} or {@code expired}).
 *
 * <p>Works on its journal's accounting under the journal's lock, except {@link #deleteCycleFiles},
 * which deletes consumed files outside it.
 */
final class Retention {
  private static final JournalLog logger = JournalLog.of(Journal.class);

  private static final java.time.Duration MAX_NANOS = java.time.Duration.ofNanos(Long.MAX_VALUE);

  private final Journal journal;
  private long droppedJournalFull;
  private long droppedExpired;

  Retention(Journal journal) {
    this.journal = journal;
  }

  long droppedJournalFull() {
    return droppedJournalFull;
  }

  long droppedExpired() {
    return droppedExpired;
  }

  /** Under the lock: deletes files whose newest record is past the maximum age. */
  void expireOldCycles() {
    // A maximum age beyond what nanoseconds hold (about 292 years) means: never expire.
    long maxAgeNanos = journal.settings.maxAge().compareTo(MAX_NANOS) >= 0
        ? Long.MAX_VALUE
        : journal.settings.maxAge().toNanos();
    long now = Journal.toEpochNanos(journal.settings.clock().instant());
    long cutoff = now - maxAgeNanos; // now is positive, so this cannot overflow
    while (!journal.cycles.isEmpty()
        && journal.cycles.firstKey() < journal.queue.cycle()
        && journal.cycles.firstEntry().getValue().newestAcceptedEpochNanos < cutoff) {
      evict(journal.cycles.firstKey(), false);
    }
  }

  void deleteConsumedCycles() {
    for (int cycle : takeConsumedCycles()) {
      deleteCycleFile(cycle);
    }
  }

  /**
   * Under the lock: takes the cycles every cursor has moved past out of the accounting, and
   * returns them for {@link #deleteCycleFiles}, which deletes their files outside the lock.
   */
  List<Integer> takeConsumedCycles() {
    if (journal.cursors.isEmpty()) {
      return List.of();
    }
    int slowest = Integer.MAX_VALUE;
    for (JournalCursor cursor : journal.cursors.values()) {
      slowest = Math.min(slowest, cursor.committedCycle());
    }
    int current = journal.queue.cycle();
    List<Integer> consumed = new ArrayList<>();
    while (!journal.cycles.isEmpty() && journal.cycles.firstKey() < slowest && journal.cycles.firstKey() < current) {
      consumed.add(journal.cycles.pollFirstEntry().getKey());
    }
    return consumed;
  }

  /**
   * Without the lock: deletes the files of consumed cycles (an unlink of a large file takes a
   * while), then, briefly under the lock, has Chronicle list the directory again.
   */
  void deleteCycleFiles(List<Integer> consumed) {
    if (consumed.isEmpty()) {
      return;
    }
    for (int cycle : consumed) {
      JournalFiles.deleteFile(journal.cycleFile(cycle));
    }
    synchronized (journal.lock) {
      if (!journal.isClosed()) {
        journal.queue.refreshDirectoryListing();
      }
    }
  }

  /** Deletes the oldest cycle, counting the items some cursor had not consumed as dropped. */
  void evict(int cycle, boolean full) {
    long unconsumed = unconsumedItems(cycle);
    if (full) {
      droppedJournalFull += unconsumed;
    } else {
      droppedExpired += unconsumed;
    }
    journal.cycles.remove(cycle);
    deleteCycleFile(cycle);
    journal.diskSpace.freed();
    for (JournalCursor cursor : journal.cursors.values()) {
      cursor.onCycleDeleted(cycle);
    }
    logger.warning(
        "Levee journal "
            + journal.settings.directory()
            + (full
                ? " reached its limit of "
                    + journal.settings.limitBytes()
                    + " bytes, or its disk has less than "
                    + DiskSpace.HEADROOM_BYTES / (1 << 20)
                    + " MiB free,"
                : " held data older than " + journal.settings.maxAge())
            + "; deleted its oldest file and dropped "
            + unconsumed
            + " undelivered "
            + journal.settings.signal().itemNoun()
            + (full ? " (journal_full)." : " (expired)."));
  }

  /** Items in {@code cycle} some cursor is not done with (all of them when there is no cursor). */
  private long unconsumedItems(int cycle) {
    long fromIndex = journal.queue.rollCycle().toIndex(cycle, 0);
    long items = 0;
    try (ExcerptTailer tailer = journal.queue.createTailer()) {
      tailer.singleThreadedCheckDisabled(true);
      if (!tailer.moveToIndex(fromIndex)) {
        return 0;
      }
      while (true) {
        try (DocumentContext dc = tailer.readingDocument()) {
          if (!dc.isPresent() || tailer.cycle() != cycle) {
            dc.rollbackOnClose();
            break;
          }
          if (!dc.isMetaData() && !doneByEveryCursor(dc.index())) {
            items += JournalRecord.headerItems(JournalRecord.readRaw(dc));
          }
        }
      }
    }
    return items;
  }

  private boolean doneByEveryCursor(long index) {
    if (journal.cursors.isEmpty()) {
      return false;
    }
    for (JournalCursor cursor : journal.cursors.values()) {
      if (!cursor.isDone(index)) {
        return false;
      }
    }
    return true;
  }

  private void deleteCycleFile(int cycle) {
    JournalFiles.deleteFile(journal.cycleFile(cycle));
    journal.queue.refreshDirectoryListing();
  }
}
