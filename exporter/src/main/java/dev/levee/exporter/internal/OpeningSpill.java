package dev.levee.exporter.internal;

import dev.levee.buffer.Chunk;
import dev.levee.buffer.ChunkJournal;
import dev.levee.buffer.JournalOptions;
import dev.levee.buffer.Signal;
import dev.levee.exporter.DropReason;
import dev.levee.exporter.internal.admission.DoorState;
import dev.levee.exporter.internal.management.PipelineStats;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The life of one run's {@link SpillFile}: created as the journal's opening starts, given to the
 * door (what memory cannot take) and, at the end, to what is left; moved into the journal once it
 * is open; sealed and kept for the next start when the journal could not be opened, or was still
 * opening at the end. Also moves the spill files earlier runs left into a journal just opened.
 *
 * <p>{@link #start}, {@link #moveInto} and {@link #leftBehindInto} on the dispatcher thread; {@link
 * #keepForTheNextStart} on either the dispatcher thread or the journal's (a failed opening), and
 * at most one of them takes the file. Internal, may change.
 */
final class OpeningSpill {
  private static final Logger logger = Logger.getLogger(Pipeline.class.getName());

  private final Signal signal;
  private final DoorState doorState;
  private final PipelineStats stats;
  /** Null before the opening starts, and once moved into the journal or kept. */
  private volatile SpillFile file;

  OpeningSpill(Signal signal, DoorState doorState, PipelineStats stats) {
    this.signal = signal;
    this.doorState = doorState;
    this.stats = stats;
  }

  /**
   * As the opening starts: the file takes what memory cannot until the journal is open (without
   * one, that is dropped as {@code memory_full}, as before).
   */
  void start(JournalOptions options) {
    try {
      SpillFile created =
          SpillFile.create(
              options.directory(), options.limitBytes(), options.fsync() == JournalOptions.Fsync.ALWAYS);
      file = created;
      doorState.spillWith(created::append);
    } catch (IOException | RuntimeException e) {
      logger.log(
          Level.WARNING,
          "Levee cannot create a spill file in "
              + options.directory()
              + " while its journal opens; until it is open, what memory cannot take is dropped."
              + " Cause: "
              + e);
    }
  }

  /**
   * Where what is left at the end goes while the journal is still opening: this run's file (false
   * for every chunk without one, or once it is kept).
   */
  Predicate<Chunk> forLeftovers() {
    SpillFile current = file;
    return current == null ? chunk -> false : current::append;
  }

  /** Once the journal is open: moves this run's file into it; returns the items moved. */
  long moveInto(ChunkJournal open) {
    SpillFile taken = take();
    if (taken == null) {
      return 0;
    }
    try {
      SpillFile.Moved moved = taken.moveInto(open, signal);
      if (moved.refusedItems() > 0) {
        stats.droppedPending(DropReason.JOURNAL_FULL, moved.refusedItems());
      }
      reportDamage(moved, taken.path());
      return moved.items();
    } catch (IOException | RuntimeException e) {
      logger.log(
          Level.SEVERE,
          "Levee cannot move "
              + taken.path()
              + " into its journal; what it holds stays there for the next start. Cause: "
              + e);
      return 0;
    }
  }

  /** Before a journal just opened is read: spill files earlier runs left go into it. */
  void leftBehindInto(ChunkJournal open, Path directory) {
    try {
      SpillFile.Moved moved = SpillFile.moveLeftBehind(directory, open, signal);
      if (moved.refusedItems() > 0) {
        logger.warning(
            "Levee journal at "
                + directory
                + " is full: "
                + moved.refusedItems()
                + " "
                + signal.itemNoun()
                + " an earlier run left in a spill file did not fit and are dropped.");
      }
      reportDamage(moved, directory);
    } catch (IOException | RuntimeException e) {
      logger.log(
          Level.WARNING,
          "Levee cannot move the spill files in " + directory + " into its journal. Cause: " + e);
    }
  }

  /**
   * The journal could not be opened, or not by the end: the file takes nothing more and what it
   * holds stays there, still pending, for a start whose journal opens.
   */
  void keepForTheNextStart() {
    SpillFile taken = take();
    if (taken == null) {
      return;
    }
    long items = taken.seal();
    if (items > 0) {
      logger.warning(
          "Levee keeps "
              + items
              + " "
              + signal.itemNoun()
              + " in "
              + taken.path()
              + ", written while its journal was opening; the next start whose journal opens"
              + " delivers them.");
    }
  }

  private synchronized SpillFile take() {
    SpillFile taken = file;
    file = null;
    doorState.spillWith(null);
    return taken;
  }

  private static void reportDamage(SpillFile.Moved moved, Path where) {
    if (moved.damagedBytes() > 0) {
      logger.warning(
          "Levee skipped "
              + moved.damagedBytes()
              + " damaged bytes at the end of a spill file in "
              + where
              + " (a write cut short by the end of a process); the rest went to the journal.");
    }
  }
}
