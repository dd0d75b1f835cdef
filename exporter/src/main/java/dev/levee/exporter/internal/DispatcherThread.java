package dev.levee.exporter.internal;

import dev.levee.buffer.ChunkJournal;
import dev.levee.buffer.Signal;
import dev.levee.exporter.internal.admission.DoorState;
import dev.levee.exporter.internal.admission.Stage;
import dev.levee.exporter.internal.dispatch.Dispatcher;
import dev.levee.exporter.internal.management.ThrottledLogger;
import dev.levee.exporter.internal.management.Watch;
import dev.levee.exporter.internal.transport.Endpoints;
import io.opentelemetry.sdk.common.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The body of one exporter's dispatcher thread: has the journal opened beside it when it is
 * needed ({@link JournalOpening}), runs the dispatcher's steps and, between them, takes from a
 * Levee processor's stage, attaches the journal once open, runs the watch and the early probe of a
 * reconnected endpoint, and when idle the journal's retention; when the dispatcher has finished,
 * hands over to the pipeline's close. Everything here runs on that one thread, except the
 * journal's opening, on a thread of its own: Chronicle's first start takes a second or two, and
 * delivery from memory does not wait for it.
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
  private final JournalOpening journal;
  private final Clock clock;
  private final ThrottledLogger throttled;
  private final Runnable close;
  private final long lingerNanos;
  /** A Levee processor's stage in front, taken from between steps; or null. */
  private volatile Stage<?, ?> stage;
  private volatile BooleanSupplier mayTakeFromTheStage = () -> true;
  private long lastRetentionNanos;

  DispatcherThread(
      Signal signal,
      Dispatcher dispatcher,
      Endpoints endpoints,
      Watch watch,
      DoorState doorState,
      JournalOpening journal,
      Clock clock,
      ThrottledLogger throttled,
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
    this.lingerNanos = lingerNanos;
  }

  /** From now on this thread takes from {@code front} between the dispatcher's steps. */
  void takeFrom(Stage<?, ?> front, BooleanSupplier mayTake) {
    this.mayTakeFromTheStage = mayTake;
    this.stage = front;
  }

  @Override
  public void run() {
    try {
      journal.checkJournalDirectory();
      while (true) {
        journal.startOpeningIfWanted();
        journal.attachJournalIfOpened();
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
          journal.awaitJournalForTheEnd();
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

  /** The journal's age limit and consumed files, once a minute when idle. */
  private void applyJournalRetentionIfDue(long now) {
    ChunkJournal open = doorState.journal();
    if (open != null && now - lastRetentionNanos >= RETENTION_INTERVAL_NANOS) {
      lastRetentionNanos = now;
      open.applyRetention();
    }
  }
}
