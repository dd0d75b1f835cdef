package dev.levee.exporter.internal;

import dev.levee.buffer.ChunkJournal;
import dev.levee.buffer.JournalOptions;
import dev.levee.buffer.Signal;
import dev.levee.exporter.internal.admission.DoorState;
import dev.levee.exporter.internal.admission.Stage;
import dev.levee.exporter.internal.dispatch.Dispatcher;
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
 * The body of one exporter's dispatcher thread: has the journal opened beside it as soon as it
 * starts, runs the dispatcher's steps and, between them, attaches the journal once open, the
 * watch and the early probe of a reconnected endpoint, and when idle the journal's retention; when
 * the dispatcher has finished, hands over to the pipeline's close. Everything here runs on that one
 * thread, except the opening of the journal, on a short-lived thread of its own: Chronicle's first
 * start takes a second or two, and delivery from memory does not wait for it.
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

  private final Signal signal;
  private final Dispatcher dispatcher;
  private final Endpoints endpoints;
  private final Watch watch;
  private final DoorState doorState;
  private final JournalSetup journal;
  private final Clock clock;
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
  private Thread opener;
  private Thread dispatcherThread;

  DispatcherThread(
      Signal signal,
      Dispatcher dispatcher,
      Endpoints endpoints,
      Watch watch,
      DoorState doorState,
      JournalSetup journal,
      Clock clock,
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
    this.clock = clock;
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
      startOpeningJournal();
      while (true) {
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
          Stage<?, ?> front = stage;
          long park = dispatcher.idleParkNanos(IDLE_PARK_NANOS);
          LockSupport.parkNanos(
              this, front == null || front.isEmpty() ? park : Math.min(park, lingerNanos));
        }
      }
    } finally {
      close.run();
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
   * Has the journal opened as soon as the exporter starts. Not later, on demand: the exporter is
   * shut down from a JVM shutdown hook, when Chronicle Queue can no longer be initialised (it
   * registers shutdown hooks of its own), so a short-lived application with its backend down would
   * lose what it could not send.
   */
  private void startOpeningJournal() {
    if (!journal.enabled()) {
      return;
    }
    opener = new Thread(this::openJournal, "levee-" + signal.lowerName() + "-journal-open");
    opener.setDaemon(true);
    opener.start();
  }

  /** On the opening thread. */
  private void openJournal() {
    JournalOptions options = journal.options(signal);
    try {
      opened.set(JournalLoader.open(options));
      LockSupport.unpark(dispatcherThread);
    } catch (IOException | RuntimeException | LinkageError e) {
      logger.log(
          Level.SEVERE,
          "Levee cannot use its journal at "
              + options.directory()
              + " and runs memory-only for "
              + signal.itemNoun()
              + ": what does not fit in memory, or is not delivered by shutdown, is dropped and"
              + " counted. Check otel.exporter.levee.journal.directory. Cause: "
              + e);
    }
  }

  /** Dispatcher thread: hands the journal to the dispatcher and the door once it is open. */
  private void attachJournalIfOpened() {
    ChunkJournal open = opened.getAndSet(null);
    if (open == null) {
      return;
    }
    try {
      long recovered = dispatcher.attachJournal(open, journal.drainOrder());
      doorState.journalOpened(open, journal.mode() == JournalMode.WRITE_AHEAD);
      logger.info(
          "Levee journal for "
              + signal.itemNoun()
              + " at "
              + journal.options(signal).directory()
              + (recovered > 0
                  ? ": " + recovered + " " + signal.itemNoun() + " left by an earlier run will be delivered"
                  : ""));
    } catch (RuntimeException e) {
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
   * data can go to the journal rather than be dropped. With nothing left, the exit does not wait.
   */
  private void awaitJournalForTheEnd() {
    Thread opening = opener;
    if (opening != null && opening.isAlive() && dispatcher.holdsData()) {
      try {
        opening.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(shutdownTimeoutNanos)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    attachJournalIfOpened();
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
