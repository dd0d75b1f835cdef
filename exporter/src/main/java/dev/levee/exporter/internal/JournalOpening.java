package dev.levee.exporter.internal;

import dev.levee.buffer.ChunkJournal;
import dev.levee.buffer.JournalOptions;
import dev.levee.buffer.Signal;
import dev.levee.exporter.internal.admission.DoorState;
import dev.levee.exporter.internal.dispatch.Dispatcher;
import dev.levee.exporter.internal.management.PipelineStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * One exporter's journal, from wanted to attached: the dispatcher thread checks the directory at
 * start, starts the journal's own thread once the journal is wanted (Chronicle's first start takes
 * a second or two, and delivery from memory does not wait for it), keeps what memory cannot take
 * meanwhile in a {@link SpillFile}, and, once the journal is open, moves spill files into it and
 * hands it to the dispatcher and the door. At the stop it marks a drained directory, so that the
 * next start need not open the journal.
 *
 * <p>When the journal opens: at start with {@code write_ahead}, {@code journal.open=at_start}, a
 * {@code memory.limit} under {@link JournalSetup#SMALL_MEMORY_BYTES}, or a backlog on disk (journal
 * files without the mark a clean stop with nothing pending leaves, {@value #DRAINED_MARK}, or spill
 * files); otherwise when first needed: a request gets no answer, every breaker is open, memory is a
 * quarter full or full or data arrives fast enough to fill it within two seconds ({@code
 * JournalReadiness}), or data is left at the end, also once the JVM is shutting down (see {@link
 * JournalLoader#open}). Until then Chronicle is not loaded at all: with a backend that keeps up,
 * never.
 *
 * <p>Confined to the dispatcher thread but for {@link #wantJournal}, {@link #opening} and {@link
 * #journalUsable} (any thread) and the opening itself (the journal's thread). Internal, may change.
 */
final class JournalOpening {
  private static final Logger logger = Logger.getLogger(Pipeline.class.getName());
  /** Left in a signal's journal directory by a stop with nothing pending: no backlog to open for. */
  static final String DRAINED_MARK = "levee-drained";

  private final Signal signal;
  private final Dispatcher dispatcher;
  private final DoorState doorState;
  private final JournalSetup journal;
  private final PipelineStats stats;
  private final long shutdownTimeoutNanos;
  /** The journal once the opening thread has opened it; taken by the dispatcher thread. */
  private final AtomicReference<ChunkJournal> opened = new AtomicReference<>();
  /** The journal's thread, started by the dispatcher thread once the journal is wanted. */
  private Thread openingThread;
  private volatile Thread dispatcherThread;
  private final boolean openAtStart;
  /**
   * The journal directory is usable (checked as the dispatcher thread starts), and no opening has
   * failed.
   */
  private volatile boolean usable;
  /** The journal is needed: the dispatcher thread starts the journal's thread, which opens it. */
  private volatile boolean wanted;
  /** The journal was opened by this run (and the drained mark removed). */
  private volatile boolean everOpened;
  /** The journal's thread is opening it; cleared once it is attached or could not be opened. */
  private volatile boolean opening;
  /** Takes what memory cannot while the journal opens. */
  private final OpeningSpill spill;
  private final Opener opener;

  JournalOpening(
      Signal signal,
      Dispatcher dispatcher,
      DoorState doorState,
      JournalSetup journal,
      boolean openAtStart,
      PipelineStats stats,
      long shutdownTimeoutNanos,
      Opener opener) {
    this.signal = signal;
    this.dispatcher = dispatcher;
    this.doorState = doorState;
    this.journal = journal;
    this.openAtStart = openAtStart;
    this.stats = stats;
    this.shutdownTimeoutNanos = shutdownTimeoutNanos;
    this.opener = opener;
    this.spill = new OpeningSpill(signal, doorState, stats);
  }

  /**
   * Dispatcher thread, as it starts: checks the journal directory (an unusable one is said at start,
   * not when the journal is first needed), and wants the journal at once when it must be there
   * before data.
   */
  void checkJournalDirectory() {
    dispatcherThread = Thread.currentThread();
    if (!journal.enabled()) {
      return;
    }
    Path directory = journal.options(signal).directory();
    try {
      Files.createDirectories(directory);
      if (!Files.isWritable(directory)) {
        throw new IOException(directory + " is not writable");
      }
    } catch (IOException | RuntimeException e) {
      cannotUse(e); // said at start, not when the journal is first needed
      return;
    }
    usable = true;
    if (openAtStart || backlogOnDisk()) {
      wanted = true;
    }
  }

  /** Any thread: the journal is needed; the dispatcher thread has it opened. Never blocks. */
  void wantJournal() {
    if (!wanted) {
      wanted = true;
      Thread dispatching = dispatcherThread;
      if (dispatching != null) {
        LockSupport.unpark(dispatching);
      }
    }
  }

  /** Dispatcher thread: starts the journal's thread once the journal is wanted. */
  void startOpeningIfWanted() {
    if (wanted && usable && openingThread == null) {
      spill.start(journal.options(signal));
      opening = true;
      openingThread = new Thread(this::openJournal, "levee-" + signal.lowerName() + "-journal-open");
      openingThread.setDaemon(true);
      openingThread.start();
    }
  }

  /**
   * Whether journal files lie in the directory without the mark of a drained stop, or spill files
   * an earlier run left while its journal was opening.
   */
  private boolean backlogOnDisk() {
    Path directory = journal.options(signal).directory();
    try {
      if (!SpillFile.leftBehind(directory).isEmpty()) {
        return true;
      }
    } catch (IOException | RuntimeException e) {
      return true; // cannot tell: open it and see
    }
    if (!Files.isDirectory(directory)
        || Files.exists(directory.resolve(DRAINED_MARK))) {
      return false;
    }
    try (Stream<Path> files = Files.list(directory)) {
      return files.anyMatch(file -> file.getFileName().toString().endsWith(".cq4"));
    } catch (IOException | RuntimeException e) {
      return true; // cannot tell: open it and see
    }
  }

  /**
   * After the pipeline stopped: with nothing pending, marks the journal directory drained (the next
   * start need not open the journal); otherwise removes the mark.
   */
  void recordDrained(boolean drained) {
    if (!everOpened) {
      return; // untouched by this run: whatever the directory says still holds
    }
    Path mark = journal.options(signal).directory().resolve(DRAINED_MARK);
    try {
      if (drained) {
        Files.writeString(mark, "nothing pending at the last stop\n");
      } else {
        Files.deleteIfExists(mark);
      }
    } catch (IOException | RuntimeException e) {
      // Without the mark the next start opens the journal: slower, never wrong.
    }
  }

  /** On the journal's thread. */
  private void openJournal() {
    JournalOptions options = journal.options(signal);
    try {
      Files.deleteIfExists(options.directory().resolve(DRAINED_MARK));
    } catch (IOException | RuntimeException e) {
      // the journal's own open below reports a directory it cannot use
    }
    try {
      opened.set(opener.open(options));
      everOpened = true;
      LockSupport.unpark(dispatcherThread);
    } catch (IOException | RuntimeException | LinkageError e) {
      usable = false;
      opening = false;
      spill.keepForTheNextStart();
      cannotUse(e);
    }
  }

  /** Whether this exporter has a journal that can be opened (or is open). */
  boolean journalUsable() {
    return usable;
  }

  /** Any thread: whether the journal is being opened and not yet attached. */
  boolean opening() {
    return opening;
  }

  private void cannotUse(Throwable e) {
    logger.log(
        Level.SEVERE,
        "Levee cannot use its journal at "
            + journal.options(signal).directory()
            + " and runs memory-only for "
            + signal.itemNoun()
            + ": what does not fit in memory, or is not delivered by shutdown, is dropped and"
            + " counted. Check otel.exporter.levee.journal.directory. Cause: "
            + e);
  }

  /** Dispatcher thread: hands the journal to the dispatcher and the door once it is open. */
  void attachJournalIfOpened() {
    ChunkJournal open = opened.getAndSet(null);
    if (open == null) {
      return;
    }
    try {
      // Counted as recovered with the rest of the backlog.
      spill.leftBehindInto(open, journal.options(signal).directory());
      long recovered = dispatcher.attachJournal(open, journal.drainOrder());
      doorState.journalOpened(open, journal.mode() == JournalMode.WRITE_AHEAD);
      long spilled = spill.moveInto(open); // after: this run's spill is pending already
      opening = false;
      logger.info(
          "Levee journal for "
              + signal.itemNoun()
              + " at "
              + journal.options(signal).directory()
              + (recovered > 0
                  ? ": " + recovered + " " + signal.itemNoun() + " left by an earlier run will be delivered"
                  : "")
              + (spilled > 0
                  ? (recovered > 0 ? "; " : ": ")
                      + spilled
                      + " "
                      + signal.itemNoun()
                      + " memory could not take while it opened were moved in from its spill file"
                  : ""));
    } catch (RuntimeException e) {
      usable = false;
      opening = false;
      spill.keepForTheNextStart();
      open.close();
      logger.log(
          Level.SEVERE,
          "Levee cannot read its journal at "
              + journal.options(signal).directory()
              + " and runs memory-only for "
              + signal.itemNoun()
              + ". Cause: "
              + e);
    }
  }

  /**
   * Before the end: when memory still holds data and the journal is still opening (a very
   * short-lived application), the opening is waited for, at most the shutdown timeout, so that the
   * data can go to the journal rather than be dropped. An opening already under way is waited for
   * too, so that the journal is closed cleanly (and marked drained) rather than left half open by
   * the JVM's exit. With nothing left and nothing opening, the exit does not wait. An opening that
   * outlasts the wait leaves what is left to the spill file ({@link #keepSpillAfterLeftovers}).
   */
  void awaitJournalForTheEnd() {
    if (dispatcher.holdsData()) {
      wantJournal();
      startOpeningIfWanted();
    }
    Thread opening = openingThread;
    if (opening != null && opening.isAlive()) {
      try {
        opening.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(shutdownTimeoutNanos)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    attachJournalIfOpened();
    dispatcher.spillLeftoversWith(spill.forLeftovers()); // still opening: the file takes them
  }

  /**
   * Dispatcher thread, after the dispatcher settled what was left: a spill file still here (the
   * journal still opening) is sealed and kept, with what it holds pending, for the next start.
   */
  void keepSpillAfterLeftovers() {
    spill.keepForTheNextStart();
  }

  /** Opens a signal's journal: {@link JournalLoader#open}, or in tests one that fails or waits. */
  @FunctionalInterface
  interface Opener {
    ChunkJournal open(JournalOptions options) throws IOException;
  }
}
