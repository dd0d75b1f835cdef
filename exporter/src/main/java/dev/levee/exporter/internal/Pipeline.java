package dev.levee.exporter.internal;

import dev.levee.buffer.Chunk;
import dev.levee.buffer.ChunkBuffer;
import dev.levee.buffer.ChunkJournal;
import dev.levee.buffer.Signal;
import dev.levee.exporter.LeveeHealth;
import dev.levee.exporter.LeveeMetrics;
import dev.levee.exporter.LeveeStats;
import dev.levee.exporter.internal.admission.Door;
import dev.levee.exporter.internal.admission.DoorState;
import dev.levee.exporter.internal.admission.OverflowPolicy;
import dev.levee.exporter.internal.admission.Stage;
import dev.levee.exporter.internal.dispatch.Dispatcher;
import dev.levee.exporter.internal.encode.ChunkEncoder;
import dev.levee.exporter.internal.flow.Adaptive;
import dev.levee.exporter.internal.flow.Backoff;
import dev.levee.exporter.internal.flow.Breaker;
import dev.levee.exporter.internal.flow.RateLimiter;
import dev.levee.exporter.internal.management.ComponentNames;
import dev.levee.exporter.internal.management.PipelineStats;
import dev.levee.exporter.internal.management.ThrottledLogger;
import dev.levee.exporter.internal.transport.Endpoints;
import dev.levee.exporter.internal.transport.Sender;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.common.CompletableResultCode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Logger;

/**
 * One signal's path through Levee, assembled: the {@link Door} the SDK's threads export through,
 * and a dispatcher thread that opens the journal, runs the {@link Dispatcher}, and looks after
 * health, listeners and retention between its steps. The public exporters are thin shells around
 * this.
 *
 * <p>{@link #export}, {@link #exportEncoded}, {@link #flush} and {@link #shutdown} run on the SDK's
 * threads and never block on I/O or throw; {@link DispatcherThread} is the dispatcher thread's
 * body; the rest may be called from any thread.
 *
 * <p>Internal, may change. Thread-safe.
 */
public final class Pipeline<T> {
  private static final Logger logger = Logger.getLogger(Pipeline.class.getName());
  /** The longest single wait of the dispatcher thread. */
  private static final long MAX_WAIT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
  private static final long INITIAL_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(5);
  /** The longest single wait of the {@code block} overflow policy. */
  private static final long BLOCK_WAIT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private final Signal signal;
  private final ChunkBuffer buffer;
  /** With {@code overflow.policy=priority}, the lane for errors and warnings; else null. */
  private final ChunkBuffer priorityBuffer;
  private final ExporterSettings settings;
  private final Clock clock;
  private final String componentName;
  private final PipelineStats stats;
  private final Endpoints endpoints;
  private final RateLimiter limiter;
  private final Dispatcher dispatcher;
  private final DoorState doorState = new DoorState();
  private final Door<T> door;
  private final ThrottledLogger throttled;
  private final PipelineManagement management;
  private final Thread thread;
  private final JournalOpening journal;
  private final DispatcherThread body;

  private final AtomicInteger exportsInProgress = new AtomicInteger();
  private final AtomicBoolean shutdownStarted = new AtomicBoolean();
  private final CompletableResultCode shutdownResult = new CompletableResultCode();

  public Pipeline(
      ChunkEncoder<T> encoder,
      ChunkBuffer buffer,
      ChunkBuffer priorityBuffer,
      List<Sender> senders,
      ExporterSettings settings) {
    this.signal = encoder.signal();
    this.buffer = buffer;
    this.priorityBuffer = priorityBuffer;
    this.settings = settings;
    this.clock = settings.clock();
    this.componentName = ComponentNames.next(signal);
    this.stats = new PipelineStats(signal);
    this.throttled = new ThrottledLogger(logger, clock, ThrottledLogger.DEFAULT_INTERVAL_NANOS);
    List<Endpoints.Endpoint> list = new ArrayList<>();
    for (Sender sender : senders) {
      list.add(new Endpoints.Endpoint(sender, new Breaker(sender.target(), settings.breaker(), clock)));
    }
    this.endpoints = new Endpoints(list, settings.transport().mode());
    this.limiter = new RateLimiter(settings.admission().rateLimit(), clock);
    this.dispatcher = newDispatcher();
    dispatcher.setRetryMaxElapsed(settings.batch().retryMaxElapsed().toNanos());
    this.door =
        new Door<>(
            encoder,
            buffer,
            priorityBuffer,
            settings.admission(),
            doorState,
            stats,
            limiter,
            new DispatcherDelivery(dispatcher, endpoints, this::wakeDispatcher),
            clock,
            nanos -> LockSupport.parkNanos(this, Math.min(nanos, BLOCK_WAIT_SLICE_NANOS)),
            throttled);
    this.management =
        new PipelineManagement(this, componentName, settings, endpoints, limiter, dispatcher, throttled);
    this.journal =
        new JournalOpening(
            signal,
            dispatcher,
            doorState,
            settings.journal(),
            settings.journal().opensAtStart(memoryLimitBytes()),
            stats,
            settings.shutdownTimeout().toNanos(),
            JournalLoader::open);
    doorState.onJournalWanted(journal::wantJournal, journal::opening);
    management.watch().journalUsable(journal::journalUsable);
    dispatcher.setJournalWanted(doorState::wantJournal, journal::journalUsable);
    this.body =
        new DispatcherThread(
            signal,
            dispatcher,
            endpoints,
            management.watch(),
            doorState,
            journal,
            clock,
            throttled,
            settings.batch().linger().toNanos(),
            this::close);
    this.thread = new Thread(body, "levee-" + signal.lowerName() + "-dispatcher");
    doorState.dispatcherThread(thread);
    thread.setDaemon(true);
    thread.start();
  }

  private Dispatcher newDispatcher() {
    return new Dispatcher(
        signal,
        buffer,
        priorityBuffer,
        endpoints,
        limiter,
        stats,
        clock,
        // At most half a second at a time, so that health and listeners are looked at while a
        // backoff or an open breaker keeps the dispatcher waiting.
        nanos -> LockSupport.parkNanos(Math.min(nanos, MAX_WAIT_SLICE_NANOS)),
        new Backoff(
            INITIAL_BACKOFF_NANOS, MAX_BACKOFF_NANOS, bound -> ThreadLocalRandom.current().nextLong(bound)),
        new Adaptive(
            settings.batch().minBatchBytes(),
            settings.batch().maxBatchBytes(),
            settings.batch().targetLatency().toNanos(),
            settings.batch().maxConcurrency()),
        settings.batch().linger().toNanos(),
        settings.transport().timeout().toNanos(),
        () -> exportsInProgress.get() > 0,
        this::wakeDispatcher);
  }

  public Signal signal() {
    return signal;
  }

  /** Any thread: a delivery completed, data arrived, or memory is wanted back. */
  private void wakeDispatcher() {
    Thread dispatcherThread = thread;
    if (dispatcherThread != null) {
      LockSupport.unpark(dispatcherThread);
    }
  }

  /** Turns on latest-value compaction of cumulative metric data; see {@link Door#compactMetrics}. */
  public void compactMetrics() {
    door.compactMetrics();
  }

  /** Whether metric compaction is on. */
  public boolean compacting() {
    return door.compacting();
  }

  /** Whether this pipeline has a priority lane ({@code overflow.policy=priority}). */
  public boolean hasPriorityLane() {
    return door.hasPriorityLane();
  }

  /** Encodes and buffers a batch. On the SDK's thread; returns at once; never throws. */
  public CompletableResultCode export(Collection<T> items) {
    exportsInProgress.incrementAndGet();
    try {
      return door.export(items);
    } finally {
      exportsInProgress.decrementAndGet();
    }
  }

  /**
   * A Levee processor's stage is in front of this pipeline (the first, with fanout): its dispatcher
   * thread takes from the stage between steps, and what the stage holds counts as memory in use.
   */
  public void takeFrom(Stage<?, T> stage) {
    doorState.stageInFront(stage::heldBytes, stage.capBytes());
    stage.setTaker(thread);
    body.takeFrom(stage, this::roomForTheStage);
    wakeDispatcher();
  }

  /**
   * Whether the dispatcher thread takes from the stage now: always, but with {@code
   * overflow.policy=block} only while memory has room for a request beside the room it keeps for
   * the stage, so that when it has none the stage fills and the application's threads wait for
   * room, as that policy says.
   */
  private boolean roomForTheStage() {
    return settings.admission().overflowPolicy() != OverflowPolicy.BLOCK
        || buffer.usedBytes() + doorState.stageReserveBytes() + settings.batch().minBatchBytes()
            <= buffer.capacityBytes();
  }

  /** An item a Levee processor handed over could not be read; see {@link Door#unreadable}. */
  public void unreadable(Throwable t) {
    door.unreadable(t);
  }

  /** The encoded size of a recent item. */
  public int bytesPerItem() {
    return door.bytesPerItem();
  }

  /** The memory this pipeline holds at most ({@code memory.limit}, or its share with fanout). */
  public long memoryLimitBytes() {
    return buffer.capacityBytes() + (priorityBuffer != null ? priorityBuffer.capacityBytes() : 0);
  }

  /** Takes a batch already encoded by another pipeline's caller; see {@link Door#exportEncoded}. */
  public CompletableResultCode exportEncoded(
      Collection<T> items, int count, Chunk chunk, boolean priority, Throwable failure) {
    exportsInProgress.incrementAndGet();
    try {
      return door.exportEncoded(items, count, chunk, priority, failure);
    } finally {
      exportsInProgress.decrementAndGet();
    }
  }

  /** Completes when everything accepted before the call is delivered, dropped or in the journal. */
  public CompletableResultCode flush() {
    if (doorState.closed()) {
      return CompletableResultCode.ofSuccess();
    }
    door.releaseHeld();
    CompletableResultCode result = dispatcher.flush(settings.transport().timeout().toNanos());
    wakeDispatcher();
    return result;
  }

  /**
   * Stops taking data, delivers what it holds until the shutdown timeout, drops the rest (counted
   * as {@code shutdown}), and releases the thread and the channel. Idempotent.
   */
  public CompletableResultCode shutdown() {
    if (!shutdownStarted.compareAndSet(false, true)) {
      return shutdownResult;
    }
    door.releaseHeld();
    doorState.close();
    buffer.close();
    if (priorityBuffer != null) {
      priorityBuffer.close();
    }
    dispatcher.stop(settings.shutdownTimeout().toNanos());
    wakeDispatcher();
    return shutdownResult;
  }

  /** The exporter's name in self-metrics and JMX, e.g. {@code levee_span_exporter/0}. */
  public String componentName() {
    return componentName;
  }

  /** The endpoints' targets, comma-separated, for messages. */
  public String targets() {
    return endpoints.targets();
  }

  /** The exporter's health now: state, reasons and advice. */
  public LeveeHealth health() {
    return management.health();
  }

  public long timeoutNanos() {
    return settings.transport().timeout().toNanos();
  }

  /**
   * Registers the self-metrics on the dispatcher thread when first needed: at the first request,
   * or a few seconds after this call (see {@link DeferredMetrics}).
   */
  public void registerMetricsWhenNeeded(MeterProvider meterProvider) {
    management.registerMetricsWhenNeeded(meterProvider, doorState::closed);
  }

  /** Registers the self-metrics. */
  public LeveeMetrics registerMetrics(MeterProvider meterProvider) {
    return management.registerMetrics(meterProvider);
  }

  public LeveeStats stats() {
    ChunkJournal open = doorState.journal();
    boolean journalOpen = open != null && !shutdownResult.isDone();
    long journalBytes = 0;
    if (journalOpen) {
      try {
        journalBytes = open.stats().bytes();
      } catch (RuntimeException e) {
        journalBytes = 0; // closing concurrently
      }
    }
    return stats.snapshot(
        buffer.usedBytes()
            + (priorityBuffer != null ? priorityBuffer.usedBytes() : 0)
            + doorState.stagedBytes(),
        memoryLimitBytes(),
        journalOpen,
        endpoints,
        dispatcher.adaptive(),
        journalBytes,
        journalOpen ? settings.journal().limitBytes() : 0);
  }

  /**
   * Dispatcher thread, last (see {@link DispatcherThread}): settles what is left, releases the
   * endpoints, says what happened.
   */
  private void close() {
    try {
      long dropped = dispatcher.finish();
      journal.keepSpillAfterLeftovers();
      management.watch().last();
      if (dropped > 0) {
        logger.warning(
            "Levee dropped "
                + dropped
                + " "
                + signal.itemNoun()
                + " at shutdown: the backend at "
                + endpoints.targets()
                + " did not take them within otel.exporter.levee.shutdown.timeout ("
                + settings.shutdownTimeout().toMillis()
                + " ms).");
      }
      journal.recordDrained(stats().pending() == 0);
      endpoints.close(TimeUnit.SECONDS.toNanos(2));
      management.close();
      logger.info(
          "Levee "
              + signal.lowerName()
              + " exporter "
              + (management.fanoutMember() ? "to " + endpoints.targets() + " " : "")
              + "stopped: "
              + stats().summary());
    } finally {
      shutdownResult.succeed();
    }
  }

  @Override
  public String toString() {
    return "signal=" + signal.lowerName() + ", " + settings;
  }
}
