package dev.levee.exporter.internal;

import dev.levee.buffer.ChunkJournal;
import dev.levee.buffer.JournalOptions;
import dev.levee.buffer.Signal;
import dev.levee.exporter.DropReason;
import dev.levee.exporter.internal.admission.DoorState;
import dev.levee.exporter.internal.admission.Stage;
import dev.levee.exporter.internal.dispatch.Dispatcher;
import dev.levee.exporter.internal.management.PipelineStats;
import dev.levee.exporter.internal.management.ThrottledLogger;
import dev.levee.exporter.internal.management.Watch;
import dev.levee.exporter.internal.transport.Endpoints;
import io.opentelemetry.sdk.common.Clock;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The body of one exporter's dispatcher thread: has the journal opened beside it when it is
 * needed, runs the dispatcher's steps and, between them, attaches the journal once open, the
 * watch and the early probe of a reconnected endpoint, and when idle the journal's retention; when
 * the dispatcher has finished, hands over to the pipeline's close. Everything here runs on that
 * one thread, except the journal's opening, on a thread of its own: Chronicle's first start takes
 * a second or two, and delivery from memory does not wait for it.
 *
 * <p>When the journal opens: at start with {@code write_ahead}, {@code journal.open=at_start}, a
 * {@code memory.limit} under {@link JournalSetup#SMALL_MEMORY_BYTES}, or a backlog on disk (journal files
 * without the mark a clean stop with nothing pending leaves, {@value #DRAINED_MARK}); otherwise
 * when first needed: a request gets no answer, every breaker is open, memory is a quarter full or full
 * or data arrives fast enough to fill it within two seconds ({@code JournalReadiness}), or
 * data is left at the end, also once the JVM is shutting down (see {@link JournalLoader#open}).
 * Until then Chronicle is not loaded at all: with a backend that keeps up, never. While it opens,
 * what memory cannot take goes to a {@link SpillFile}, moved into the journal once it is open.
 *
 * <p>Internal, may change.
 */
final class DispatcherThread implements Runnable {
  private static final Logger logger = Logger.getLogger(Pipeline.class.getName());
  /** How long an idle dispatcher sleeps between checks when nobody wakes it. */
  private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  /** How often an idle dispatcher applies the journal's age limit and deletes consumed files. */
  private static final long RETENTION_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
  /** The most items taken from a Levee processor's stage between two dispatcher steps. */
  private static final int STAGE_ITEMS_PER_STEP = 8192;
  /** Left in a signal's journal directory by a stop with nothing pending: no backlog to open for. */
  static final String DRAINED_MARK = "levee-drained";

  private final Signal signal;
  private final Dispatcher dispatcher;
  private final Endpoints endpoints;
  private final Watch watch;
  private final DoorState doorState;
  private final JournalSetup journal;
  private final Clock clock;
  private final PipelineStats stats;
  private final ThrottledLogger throttled;
  private final Runnable close;
  private final long shutdownTimeoutNanos;
  private final long lingerNanos;
  /** A Levee processor's stage in front, taken from between steps; or null. */
  private volatile Stage<?, ?> stage;
  private volatile BooleanSupplier mayTakeFromTheStage = () -> true;
  private long lastRetentionNanos;
  /** The journal once the opening thread has opened it; taken by the dispatcher thread. */
  private final java.util.concurrent.atomic.AtomicReference<ChunkJournal> opened =
      new java.util.concurrent.atomic.AtomicReference<>();
  /** The journal's thread, started by the dispatcher thread once the journal is wanted. */
  private Thread opener;
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
  /** Takes what memory cannot while the journal opens; null before and after. */
  private volatile SpillFile spill;

  DispatcherThread(
      Signal signal,
      Dispatcher dispatcher,
      Endpoints endpoints,
      Watch watch,
      DoorState doorState,
      JournalSetup journal,
      boolean openAtStart,
      Clock clock,
      PipelineStats stats,
      ThrottledLogger throttled,
      long shutdownTimeoutNanos,
      long lingerNanos,
      Runnable close) {
    this.signal = signal;
    this.dispatcher = dispatcher;
    this.endpoints = endpoints;
    this.watch = watch;
    this.doorState = doorState;
    this.journal = journal;
    this.openAtStart = openAtStart;
    this.clock = clock;
    this.stats = stats;
    this.throttled = throttled;
    this.close = close;
    this.shutdownTimeoutNanos = shutdownTimeoutNanos;
    this.lingerNanos = lingerNanos;
  }

  /** From now on this thread takes from {@code front} between the dispatcher's steps. */
  void takeFrom(Stage<?, ?> front, BooleanSupplier mayTake) {
    this.mayTakeFromTheStage = mayTake;
    this.stage = front;
  }

  @Override
  public void run() {
    dispatcherThread = Thread.currentThread();
    try {
      checkJournalDirectory();
      while (true) {
        startOpeningIfWanted();
        attachJournalIfOpened();
        Dispatcher.Step step;
        try {
          takeFromTheStage();
          step = dispatcher.step();
        } catch (Throwable t) {
          // A bug must not end delivery for the life of the host: report it and carry on.
          throttled.log(
              Level.SEVERE,
              "dispatcher",
              () -> "Levee " + signal.lowerName() + " dispatcher failed a step: " + t);
          step = Dispatcher.Step.IDLE;
        }
        if (step == Dispatcher.Step.FINISHED) {
          awaitJournalForTheEnd();
          break;
        }
        long now = clock.nanoTime();
        watch.tick(now);
        endpoints.probeEarlyIfReconnected(now);
        if (step == Dispatcher.Step.IDLE) {
          applyJournalRetentionIfDue(now);
          parkIdle();
        }
      }
    } finally {
      close.run();
    }
  }

  /**
   * After an idle step: until the dispatcher's next due time, at most {@link #IDLE_PARK_NANOS}, and
   * at most the linger while a stage in front holds items (the stage wakes this thread only when a
   * batch is ready). When quiet (nothing held, nothing due, no breaker open, see {@link
   * Dispatcher#quiet}) for as long as the watch allows ({@link Watch#quietParkNanos}): new data, a
   * completion, a flush, the stop and the journal's opening wake it, and a stage in front is told,
   * so that the first item the application leaves in it wakes this thread at once. An exporter with
   * nothing to send then wakes every few seconds, not ten times a second: each idle wakeup runs
   * cold code for a few hundred µs (measured under the agent, 2026-12-04).
   */
  private void parkIdle() {
    Stage<?, ?> front = stage;
    boolean quiet = dispatcher.quiet() && !endpoints.anyOpen();
    long park = dispatcher.idleParkNanos(quiet ? watch.quietParkNanos() : IDLE_PARK_NANOS);
    if (front == null) {
      LockSupport.parkNanos(this, park);
    } else if (quiet && front.sleepIfEmpty()) {
      try {
        LockSupport.parkNanos(this, park);
      } finally {
        front.awake();
      }
    } else {
      LockSupport.parkNanos(this, Math.min(park, front.isEmpty() ? IDLE_PARK_NANOS : lingerNanos));
    }
  }

  /**
   * Encodes and places what a Levee processor left in its stage, a bounded amount per step so that
   * delivery goes on while the application produces faster than one thread encodes (the stage then
   * fills and the application's threads take batches themselves).
   */
  private void takeFromTheStage() {
    Stage<?, ?> front = stage;
    if (front != null && mayTakeFromTheStage.getAsBoolean()) {
      front.take(STAGE_ITEMS_PER_STEP);
    }
  }

  /**
   * Checks the journal directory at start (an unusable one is said at start, not when the journal
   * is first needed), and wants the journal at once when it must be there before data.
   */
  private void checkJournalDirectory() {
    if (!journal.enabled()) {
      return;
    }
    java.nio.file.Path directory = journal.options(signal).directory();
    try {
      java.nio.file.Files.createDirectories(directory);
      if (!java.nio.file.Files.isWritable(directory)) {
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
  private void startOpeningIfWanted() {
    if (wanted && usable && opener == null) {
      startSpilling();
      opening = true;
      opener = new Thread(this::openJournal, "levee-" + signal.lowerName() + "-journal-open");
      opener.setDaemon(true);
      opener.start();
    }
  }

  /**
   * Dispatcher thread, as the opening starts: a spill file takes what memory cannot until the
   * journal is open (without one, that is dropped as {@code memory_full}, as before).
   */
  private void startSpilling() {
    JournalOptions options = journal.options(signal);
    try {
      SpillFile file =
          SpillFile.create(
              options.directory(), options.limitBytes(), options.fsync() == JournalOptions.Fsync.ALWAYS);
      spill = file;
      doorState.spillWith(file::append);
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
   * Dispatcher thread, once the journal is open: moves this run's spill file into it; returns the
   * items moved.
   */
  private long moveSpillInto(ChunkJournal open) {
    SpillFile file = spill;
    spill = null;
    doorState.spillWith(null);
    if (file == null) {
      return 0;
    }
    try {
      SpillFile.Moved moved = file.moveInto(open, signal);
      if (moved.refusedItems() > 0) {
        stats.droppedPending(DropReason.JOURNAL_FULL, moved.refusedItems());
      }
      reportDamage(moved, file.path());
      return moved.items();
    } catch (IOException | RuntimeException e) {
      logger.log(
          Level.SEVERE,
          "Levee cannot move "
              + file.path()
              + " into its journal; what it holds stays there for the next start. Cause: "
              + e);
      return 0;
    }
  }

  /** Dispatcher thread, before the journal is read: spill files earlier runs left go into it. */
  private void moveLeftBehindInto(ChunkJournal open) {
    java.nio.file.Path directory = journal.options(signal).directory();
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

  private void reportDamage(SpillFile.Moved moved, java.nio.file.Path where) {
    if (moved.damagedBytes() > 0) {
      logger.warning(
          "Levee skipped "
              + moved.damagedBytes()
              + " damaged bytes at the end of a spill file in "
              + where
              + " (a write cut short by the end of a process); the rest went to the journal.");
    }
  }

  /**
   * Whether journal files lie in the directory without the mark of a drained stop, or spill files
   * an earlier run left while its journal was opening.
   */
  private boolean backlogOnDisk() {
    java.nio.file.Path directory = journal.options(signal).directory();
    try {
      if (!SpillFile.leftBehind(directory).isEmpty()) {
        return true;
      }
    } catch (IOException | RuntimeException e) {
      return true; // cannot tell: open it and see
    }
    if (!java.nio.file.Files.isDirectory(directory)
        || java.nio.file.Files.exists(directory.resolve(DRAINED_MARK))) {
      return false;
    }
    try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(directory)) {
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
    java.nio.file.Path mark = journal.options(signal).directory().resolve(DRAINED_MARK);
    try {
      if (drained) {
        java.nio.file.Files.writeString(mark, "nothing pending at the last stop\n");
      } else {
        java.nio.file.Files.deleteIfExists(mark);
      }
    } catch (IOException | RuntimeException e) {
      // Without the mark the next start opens the journal: slower, never wrong.
    }
  }

  /** On the journal's thread. */
  private void openJournal() {
    JournalOptions options = journal.options(signal);
    try {
      java.nio.file.Files.deleteIfExists(options.directory().resolve(DRAINED_MARK));
    } catch (IOException | RuntimeException e) {
      // the journal's own open below reports a directory it cannot use
    }
    try {
      opened.set(JournalLoader.open(options));
      everOpened = true;
      LockSupport.unpark(dispatcherThread);
    } catch (IOException | RuntimeException | LinkageError e) {
      usable = false;
      opening = false;
      keepSpillForTheNextStart();
      cannotUse(e);
    }
  }

  /**
   * The journal could not be opened, or not by the end: the spill file takes nothing more and what
   * it holds stays there, still pending, for a start whose journal opens.
   */
  private void keepSpillForTheNextStart() {
    SpillFile file = spill;
    spill = null;
    doorState.spillWith(null);
    if (file != null) {
      long items = file.seal();
      if (items > 0) {
        logger.warning(
            "Levee keeps "
                + items
                + " "
                + signal.itemNoun()
                + " in "
                + file.path()
                + ", written while its journal was opening; the next start whose journal opens"
                + " delivers them.");
      }
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
  private void attachJournalIfOpened() {
    ChunkJournal open = opened.getAndSet(null);
    if (open == null) {
      return;
    }
    try {
      moveLeftBehindInto(open); // counted as recovered with the rest of the backlog
      long recovered = dispatcher.attachJournal(open, journal.drainOrder());
      doorState.journalOpened(open, journal.mode() == JournalMode.WRITE_AHEAD);
      long spilled = moveSpillInto(open); // after: this run's spill is pending already
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
      keepSpillForTheNextStart();
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
   * the JVM's exit. With nothing left and nothing opening, the exit does not wait.
   */
  private void awaitJournalForTheEnd() {
    if (dispatcher.holdsData()) {
      wantJournal();
      startOpeningIfWanted();
    }
    Thread opening = opener;
    if (opening != null && opening.isAlive()) {
      try {
        opening.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(shutdownTimeoutNanos)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    attachJournalIfOpened();
    keepSpillForTheNextStart(); // still opening at the end
  }

  /** The journal's age limit and consumed files, once a minute when idle. */
  private void applyJournalRetentionIfDue(long now) {
    ChunkJournal open = doorState.journal();
    if (open != null && now - lastRetentionNanos >= RETENTION_INTERVAL_NANOS) {
      lastRetentionNanos = now;
      open.applyRetention();
    }
  }
}
