package dev.levee.exporter.internal;

import dev.levee.exporter.internal.admission.OverflowPolicy;
import dev.levee.exporter.internal.dispatch.Dispatcher;
import dev.levee.exporter.internal.encode.ChunkEncoder;
import dev.levee.exporter.internal.encode.MetricCompactor;
import dev.levee.exporter.internal.flow.Adaptive;
import dev.levee.exporter.internal.flow.Backoff;
import dev.levee.exporter.internal.flow.Breaker;
import dev.levee.exporter.internal.flow.RateLimiter;
import dev.levee.exporter.internal.management.AdminServer;
import dev.levee.exporter.internal.management.DropLog;
import dev.levee.exporter.internal.management.ExporterMXBean;
import dev.levee.exporter.internal.management.HealthTracker;
import dev.levee.exporter.internal.management.ListenerNotifier;
import dev.levee.exporter.internal.management.PipelineStats;
import dev.levee.exporter.internal.management.ThrottledLogger;
import dev.levee.exporter.internal.transport.Endpoints;
import dev.levee.exporter.internal.transport.Sender;
import dev.levee.buffer.Chunk;
import dev.levee.buffer.ChunkBuffer;
import dev.levee.buffer.ChunkJournal;
import dev.levee.buffer.JournalOptions;
import dev.levee.buffer.Signal;
import dev.levee.exporter.DropReason;
import dev.levee.exporter.LeveeStats;
import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.common.CompletableResultCode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One signal's path through Levee: encode at the door, offer to the memory tier, and a dispatcher
 * thread that delivers. The public exporters are thin shells around this.
 *
 * <p>{@link #export} runs on the SDK's thread and never blocks on I/O and never throws.
 *
 * <p>Internal, may change. Thread-safe.
 */
public final class Pipeline<T> {
  private static final Logger logger = Logger.getLogger(Pipeline.class.getName());
  /** How long an idle dispatcher sleeps between checks when nobody wakes it. */
  private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  /** The longest single wait of the dispatcher thread. */
  private static final long MAX_WAIT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
  private static final long INITIAL_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(5);
  /** How often an idle dispatcher applies the journal's age limit and deletes consumed files. */
  private static final long RETENTION_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final ChunkEncoder<T> encoder;
  private final ChunkBuffer buffer;
  /** With {@code overflow.policy=priority}, the lane for errors and warnings; else null. */
  private final ChunkBuffer priorityBuffer;
  private final Endpoints endpoints;
  private final String componentName;
  private final HealthTracker health;
  private final ListenerNotifier listeners;
  private final DropLog dropLog;
  private long lastListenerCheckNanos;
  /** How often the dispatcher thread compares counters for the listeners. */
  private static final long LISTENER_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
  private volatile dev.levee.exporter.LeveeHealth.State loggedHealth = dev.levee.exporter.LeveeHealth.State.OK;
  private long lastHealthCheckNanos;
  /** How often the dispatcher thread judges health and logs a change. */
  private static final long HEALTH_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
  private final ExporterMXBean mxBean;
  /** The shared admin endpoint this exporter is served on, or null. */
  private final AdminServer admin;
  private final RateLimiter limiter;
  private final PipelineStats stats;
  private final Clock clock;
  private final Dispatcher dispatcher;
  private final ExporterSettings settings;
  private final ThrottledLogger throttled;
  private final Thread thread;

  private final AtomicInteger exportsInProgress = new AtomicInteger();
  private final AtomicBoolean shutdownStarted = new AtomicBoolean();
  private final CompletableResultCode shutdownResult = new CompletableResultCode();
  private volatile boolean shutdown;
  /** With {@code metrics.compaction=latest}, the compactor (also the lock around it); else null. */
  private volatile MetricCompactor compactor;
  /** Set once by the dispatcher thread when the journal is open; null when memory-only. */
  private volatile ChunkJournal journal;

  public Pipeline(
      ChunkEncoder<T> encoder,
      ChunkBuffer buffer,
      ChunkBuffer priorityBuffer,
      List<Sender> senders,
      ExporterSettings settings) {
    this.encoder = encoder;
    this.buffer = buffer;
    this.priorityBuffer = priorityBuffer;
    this.settings = settings;
    this.clock = settings.clock();
    this.stats = new PipelineStats(encoder.signal());
    this.throttled = new ThrottledLogger(logger, clock, ThrottledLogger.DEFAULT_INTERVAL_NANOS);
    List<Endpoints.Endpoint> list = new ArrayList<>();
    for (Sender sender : senders) {
      list.add(new Endpoints.Endpoint(sender, new Breaker(sender.target(), settings.breaker(), clock)));
    }
    this.endpoints = new Endpoints(list, settings.endpointMode());
    this.limiter = new RateLimiter(settings.rateLimit(), clock);
    this.dispatcher =
        new Dispatcher(
            encoder.signal(),
            buffer,
            priorityBuffer,
            endpoints,
            limiter,
            stats,
            clock,
            // At most half a second at a time, so that health and listeners are looked at
            // while a backoff or an open breaker keeps the dispatcher waiting.
            nanos -> LockSupport.parkNanos(Math.min(nanos, MAX_WAIT_SLICE_NANOS)),
            new Backoff(
                INITIAL_BACKOFF_NANOS,
                MAX_BACKOFF_NANOS,
                bound -> ThreadLocalRandom.current().nextLong(bound)),
            new Adaptive(
                settings.minBatchBytes(),
                settings.maxBatchBytes(),
                settings.batchTargetLatency().toNanos(),
                settings.maxConcurrency()),
            settings.batchLinger().toNanos(),
            settings.timeout().toNanos(),
            () -> exportsInProgress.get() > 0,
            this::wakeDispatcher);
    dispatcher.setRetryMaxElapsed(settings.retryMaxElapsed().toNanos());
    this.componentName = componentName(encoder.signal());
    this.health = new HealthTracker(encoder.signal().itemNoun());
    this.dropLog =
        new DropLog(
            logger,
            encoder.signal(),
            DropLog.DEFAULT_INTERVAL_NANOS,
            settings.endpointMode() == Endpoints.Mode.FANOUT ? endpoints.targets() : null);
    this.listeners =
        new ListenerNotifier(
            encoder.signal(),
            ListenerNotifier.load(Pipeline.class.getClassLoader()),
            throttled,
            this::logThresholdCrossing);
    this.mxBean = new ExporterMXBean(this, endpoints, limiter, dispatcher.adaptive(), dispatcher);
    mxBean.register(componentName);
    this.admin = startAdmin();
    this.thread = new Thread(this::run, "levee-" + encoder.signal().lowerName() + "-dispatcher");
    thread.setDaemon(true);
    thread.start();
  }

  public Signal signal() {
    return encoder.signal();
  }

  /** Called by a completing request on the sender's thread. */
  private void wakeDispatcher() {
    Thread dispatcherThread = thread;
    if (dispatcherThread != null) {
      LockSupport.unpark(dispatcherThread);
    }
  }

  /**
   * Turns on latest-value compaction of cumulative metric data while delivery is behind (see
   * {@link MetricCompactor}). Metrics only; before the first export.
   */
  public void compactMetrics() {
    if (signal() != Signal.METRICS) {
      throw new IllegalStateException("compaction is for metric data, not " + signal().itemNoun());
    }
    compactor = new MetricCompactor();
  }

  /** Encodes and buffers a batch. Returns at once; never throws. */
  public CompletableResultCode export(Collection<T> items) {
    exportsInProgress.incrementAndGet();
    try {
      MetricCompactor compacting = compactor;
      if (compacting != null) {
        return exportCompacting(compacting, items);
      }
      if (priorityBuffer != null) {
        return offerByPriority(items);
      }
      return offer(items, false, true);
    } catch (Throwable t) {
      // Nothing may escape into the SDK's worker thread.
      logger.log(Level.SEVERE, "Levee failed to take a batch of " + signal().itemNoun(), t);
      return CompletableResultCode.ofFailure();
    } finally {
      exportsInProgress.decrementAndGet();
    }
  }

  /**
   * Metric data with compaction on: everything offered first counts as held; the compactor says
   * which points it keeps holding, which it supersedes, and what goes on into the pipeline now.
   * Under the compactor's lock, so that what is released is offered before anything newer.
   */
  @SuppressWarnings("unchecked")
  private CompletableResultCode exportCompacting(MetricCompactor compacting, Collection<T> items) {
    synchronized (compacting) {
      int count = encoder.count(items);
      stats.offered(count);
      if (shutdown) {
        stats.droppedAtDoor(DropReason.SHUTDOWN, count);
        return CompletableResultCode.ofFailure();
      }
      stats.held(count);
      boolean behind =
          stats.pendingNotHeld() > 0 || endpoints.state() == Breaker.State.OPEN;
      MetricCompactor.Decision decision =
          compacting.admit((Collection<io.opentelemetry.sdk.metrics.data.MetricData>) items, behind);
      stats.superseded(decision.superseded());
      return offerHeld((Collection<T>) decision.send());
    }
  }

  /** Offers what compaction held and now lets go (already counted as offered). */
  private CompletableResultCode offerHeld(Collection<T> released) {
    if (released.isEmpty()) {
      return CompletableResultCode.ofSuccess();
    }
    stats.held(-encoder.count(released));
    return offer(released, false, false);
  }

  /** Offers everything compaction holds, at flush and shutdown. */
  @SuppressWarnings("unchecked")
  private void releaseHeld() {
    MetricCompactor compacting = compactor;
    if (compacting == null) {
      return;
    }
    try {
      synchronized (compacting) {
        offerHeld((Collection<T>) compacting.releaseAll());
      }
    } catch (Throwable t) {
      logger.log(Level.SEVERE, "Levee failed to release held metric data", t);
    }
  }

  private boolean writeAhead() {
    return "write_ahead".equals(settings.journalMode());
  }

  /** Splits the batch into the priority lane's items and the rest, and offers each. */
  private CompletableResultCode offerByPriority(Collection<T> items) {
    ChunkEncoder.PrioritySplit<T> split = encoder.splitByPriority(items);
    if (split.urgent().isEmpty()) {
      return offer(items, false, true);
    }
    CompletableResultCode first = offer(split.urgent(), true, true);
    if (split.ordinary().isEmpty()) {
      return first;
    }
    return CompletableResultCode.ofAll(List.of(first, offer(split.ordinary(), false, true)));
  }

  /** Encodes, applies the rate limit, and accepts; {@code countOffered} false for released data. */
  private CompletableResultCode offer(Collection<T> items, boolean priority, boolean countOffered) {
    int count = encoder.count(items);
    if (countOffered) {
      stats.offered(count);
    }
    if (shutdown) {
      stats.droppedAtDoor(DropReason.SHUTDOWN, count);
      return CompletableResultCode.ofFailure();
    }
    Chunk chunk;
    try {
      chunk = encoder.encode(items, count, clock.now(), priority);
    } catch (Throwable t) {
      return encodingFailed(count, t);
    }
    return admit(items, count, chunk, priority);
  }

  private CompletableResultCode encodingFailed(int count, Throwable t) {
    stats.droppedAtDoor(DropReason.ENCODING_FAILED, count);
    throttled.log(
        Level.SEVERE,
        "encoding",
        () -> "Levee could not encode " + count + " " + signal().itemNoun() + ": " + t);
    return CompletableResultCode.ofFailure();
  }

  /**
   * Takes a batch another pipeline's caller has already encoded (with {@code endpoints.mode=fanout}
   * every endpoint has a pipeline of its own, and a batch is encoded once for all of them). {@code
   * chunk} is null when encoding failed ({@code failure} says why). Returns at once; never throws.
   */
  public CompletableResultCode exportEncoded(
      Collection<T> items, int count, Chunk chunk, boolean priority, Throwable failure) {
    exportsInProgress.incrementAndGet();
    try {
      stats.offered(count);
      if (shutdown) {
        stats.droppedAtDoor(DropReason.SHUTDOWN, count);
        return CompletableResultCode.ofFailure();
      }
      if (chunk == null) {
        return encodingFailed(count, failure);
      }
      return admit(items, count, chunk, priority && priorityBuffer != null);
    } catch (Throwable t) {
      logger.log(Level.SEVERE, "Levee failed to take a batch of " + signal().itemNoun(), t);
      return CompletableResultCode.ofFailure();
    } finally {
      exportsInProgress.decrementAndGet();
    }
  }

  /** Whether this pipeline has a priority lane ({@code overflow.policy=priority}). */
  public boolean hasPriorityLane() {
    return priorityBuffer != null;
  }

  /** Whether metric compaction is on. */
  public boolean compacting() {
    return compactor != null;
  }

  /** Applies the rate limit to an encoded batch, then accepts it. */
  private CompletableResultCode admit(Collection<T> items, int count, Chunk chunk, boolean priority) {
    if (!limiter.admit(count, chunk.sizeBytes())) {
      if (settings.rateLimit().policy() == RateLimiter.Policy.SAMPLE && signal() != Signal.METRICS) {
        return sampleToTheRateLimit(items, count, chunk, priority);
      }
      stats.droppedAtDoor(DropReason.RATE_LIMITED, count);
      throttled.log(
          Level.WARNING,
          "rate-limited",
          () ->
              "Levee is dropping "
                  + signal().itemNoun()
                  + " over the rate limit ("
                  + describe(settings.rateLimit())
                  + ", rate.limit.policy=drop); they are counted as rate_limited. Raise"
                  + " otel.exporter.levee.rate.limit.items or .bytes, or use rate.limit.policy=spill to keep them.");
      return CompletableResultCode.ofFailure();
    }
    return accept(items, count, chunk, priority);
  }

  /** Takes an encoded batch within the rate limit: into the journal (write-ahead) or memory. */
  private CompletableResultCode accept(Collection<T> items, int count, Chunk chunk, boolean priority) {
    // Count as pending before the offer: once offered, the dispatcher may settle it at any time.
    stats.accepted(count);
    ChunkJournal durable = journal;
    if (durable != null && writeAhead()) {
      // Write-ahead: success means the chunk is in the journal (the page cache: it survives the
      // process being killed; journal.fsync decides about power loss).
      if (durable.append(chunk)) {
        stats.journaled(count);
        LockSupport.unpark(thread);
        return CompletableResultCode.ofSuccess();
      }
      stats.droppedPending(shutdown ? DropReason.SHUTDOWN : DropReason.JOURNAL_FULL, count);
      return CompletableResultCode.ofFailure();
    }
    boolean inMemory =
        priority ? offerToPriorityLane(chunk) : offerToMemory(chunk, count);
    if (!inMemory
        && !shutdown
        && settings.overflowPolicy() == OverflowPolicy.DOWNSAMPLE
        && signal() != Signal.METRICS) {
      return downsample(items, count, priority);
    }
    if (!inMemory) {
      return spillOrDrop(chunk, count);
    }
    dispatcher.accepted();
    LockSupport.unpark(thread);
    return CompletableResultCode.ofSuccess();
  }

  /**
   * Over the rate limit with {@code rate.limit.policy=sample}: keeps one trace in as many as the
   * limit has room for (traces whole; log records without a trace at random), counts the rest as
   * {@code rate_limited}, and offers what is kept as usual.
   */
  private CompletableResultCode sampleToTheRateLimit(
      Collection<T> items, int count, Chunk whole, boolean priority) {
    int ratio = limiter.sampleRatio(count, whole.sizeBytes());
    Sampled<T> sampled = sample(items, ratio, priority);
    stats.droppedAtDoor(DropReason.RATE_LIMITED, count - sampled.count());
    throttled.log(
        Level.WARNING,
        "rate-sampled",
        () ->
            "Levee is over its rate limit for "
                + signal().itemNoun()
                + " ("
                + describe(settings.rateLimit())
                + ", rate.limit.policy=sample): keeping about one trace in "
                + ratio
                + ", the rest counted as rate_limited.");
    if (sampled.chunk() == null) {
      stats.droppedAtDoor(DropReason.ENCODING_FAILED, sampled.count());
      return CompletableResultCode.ofFailure();
    }
    limiter.admitSampled(sampled.count(), sampled.chunk().sizeBytes());
    CompletableResultCode result = accept(sampled.items(), sampled.count(), sampled.chunk(), priority);
    return sampled.count() == count ? result : CompletableResultCode.ofFailure();
  }

  /** What a sample kept: the items, their count, and their chunk (null if none, or unencodable). */
  private record Sampled<T>(List<T> items, int count, Chunk chunk) {}

  /** Keeps one trace in {@code ratio} (see {@link ChunkEncoder#sampledIn}) and encodes them. */
  private Sampled<T> sample(Collection<T> items, int ratio, boolean priority) {
    List<T> kept = new ArrayList<>();
    for (T item : items) {
      if (encoder.sampledIn(item, ratio)) {
        kept.add(item);
      }
    }
    int keptCount = encoder.count(kept);
    if (keptCount == 0) {
      return new Sampled<>(kept, 0, null);
    }
    try {
      return new Sampled<>(kept, keptCount, encoder.encode(kept, keptCount, clock.now(), priority));
    } catch (Throwable t) {
      return new Sampled<>(kept, keptCount, null);
    }
  }

  /**
   * Memory is full and the policy is {@code downsample}: keeps the items of one trace in {@code
   * overflow.downsample.ratio} (so traces are kept or dropped whole; log records without a trace
   * are sampled at the same rate), counts the others as {@code downsampled}, and offers what is
   * kept as usual. Metric data is not sampled: it spills.
   */
  private CompletableResultCode downsample(Collection<T> items, int count, boolean priority) {
    int ratio = settings.downsampleRatio();
    Sampled<T> sampled = sample(items, ratio, priority);
    stats.droppedPending(DropReason.DOWNSAMPLED, count - sampled.count());
    throttled.log(
        Level.WARNING,
        "downsample",
        () ->
            "Levee memory for "
                + signal().itemNoun()
                + " is full while the backend at "
                + endpoints.targets()
                + " is slow or down; keeping one trace in "
                + ratio
                + " (overflow.policy=downsample), the rest counted as downsampled.");
    if (sampled.chunk() == null) {
      stats.droppedPending(DropReason.ENCODING_FAILED, sampled.count());
      return CompletableResultCode.ofFailure();
    }
    int keptCount = sampled.count();
    CompletableResultCode result;
    if (offerToMemory(sampled.chunk(), keptCount)) {
      dispatcher.accepted();
      LockSupport.unpark(thread);
      result = CompletableResultCode.ofSuccess();
    } else {
      result = spillOrDrop(sampled.chunk(), keptCount);
    }
    return keptCount == count ? result : CompletableResultCode.ofFailure();
  }

  /** Memory had no room: the journal takes the chunk (unless the policy says drop), or it is dropped. */
  private CompletableResultCode spillOrDrop(Chunk chunk, int count) {
    if (shutdown) {
      // Shutdown closed the buffer while this call was under way.
      stats.droppedPending(DropReason.SHUTDOWN, count);
      return CompletableResultCode.ofFailure();
    }
    ChunkJournal overflow = settings.overflowPolicy() == OverflowPolicy.DROP_NEWEST ? null : journal;
    if (overflow != null) {
      // Memory is full: the chunk goes to the journal (a copy into mapped memory, no fsync
      // unless journal.fsync=always).
      if (overflow.append(chunk)) {
        stats.journaled(count);
        return CompletableResultCode.ofSuccess();
      }
      stats.droppedPending(DropReason.JOURNAL_FULL, count);
      throttled.log(
          Level.WARNING,
          "journal-full",
          () ->
              "Levee memory and journal for "
                  + signal().itemNoun()
                  + " are both full while the backend at "
                  + endpoints.targets()
                  + " is slow or down; dropping new data (journal_full). Raise"
                  + " otel.exporter.levee.journal.limit or check the backend.");
      return CompletableResultCode.ofFailure();
    }
    stats.droppedPending(DropReason.MEMORY_FULL, count);
    throttled.log(
        Level.WARNING,
        "memory-full",
        () ->
            "Levee memory for "
                + signal().itemNoun()
                + " is full ("
                + buffer.usedBytes()
                + " of "
                + buffer.capacityBytes()
                + " bytes) while the backend at "
                + endpoints.targets()
                + " is slow or down; dropping new data (memory_full). Raise"
                + " otel.exporter.levee.memory.limit or check the backend.");
    return CompletableResultCode.ofFailure();
  }

  private static String describe(RateLimiter.Settings limit) {
    StringBuilder text = new StringBuilder();
    if (limit.itemsPerSecond() > 0) {
      text.append(limit.itemsPerSecond()).append(" items/s");
    }
    if (limit.bytesPerSecond() > 0) {
      text.append(text.length() > 0 ? ", " : "").append(limit.bytesPerSecond()).append(" bytes/s");
    }
    return text.toString();
  }

  /**
   * The priority lane has its own share of memory; when that is full it takes room from the
   * ordinary data queued in memory (dropped, counted {@code memory_full}), and spills only when
   * neither has room.
   */
  private boolean offerToPriorityLane(Chunk chunk) {
    if (priorityBuffer.offer(chunk)) {
      return true;
    }
    if (chunk.sizeBytes() > priorityBuffer.capacityBytes() + buffer.capacityBytes()) {
      return false;
    }
    // Room in the ordinary lane counts too: an error matters more than routine data.
    while (!shutdown && !buffer.offer(chunk)) {
      Chunk oldest = buffer.poll();
      if (oldest == null) {
        return false;
      }
      buffer.release(oldest);
      stats.droppedPending(DropReason.MEMORY_FULL, oldest.itemCount());
      dispatcher.evicted();
    }
    return !shutdown;
  }

  /**
   * Offers to the memory tier as the overflow policy says: {@code drop_oldest} evicts the oldest
   * queued chunks to make room (counted {@code memory_full}); {@code block} waits for room up to
   * {@code overflow.block.timeout}. Returns whether memory took the chunk.
   */
  private boolean offerToMemory(Chunk chunk, int count) {
    if (buffer.offer(chunk)) {
      return true;
    }
    switch (settings.overflowPolicy()) {
      case DROP_OLDEST -> {
        if (chunk.sizeBytes() > buffer.capacityBytes()) {
          return false;
        }
        while (!shutdown) {
          Chunk oldest = buffer.poll();
          if (oldest == null) {
            return false; // what holds memory is in flight: the new chunk cannot have its room
          }
          buffer.release(oldest);
          stats.droppedPending(DropReason.MEMORY_FULL, oldest.itemCount());
          dispatcher.evicted();
          logDropOldest();
          if (buffer.offer(chunk)) {
            return true;
          }
        }
        return false;
      }
      case BLOCK -> {
        long deadline = clock.nanoTime() + settings.overflowBlockTimeout().toNanos();
        while (!shutdown) {
          long left = deadline - clock.nanoTime();
          if (left <= 0) {
            return false;
          }
          LockSupport.unpark(thread); // the dispatcher frees memory as it delivers
          LockSupport.parkNanos(this, Math.min(left, BLOCK_POLL_NANOS));
          if (buffer.offer(chunk)) {
            return true;
          }
        }
        return false;
      }
      default -> {
        return false;
      }
    }
  }

  private static final long BLOCK_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private void logDropOldest() {
    throttled.log(
        Level.WARNING,
        "drop-oldest",
        () ->
            "Levee memory for "
                + signal().itemNoun()
                + " is full while the backend at "
                + endpoints.targets()
                + " is slow or down; dropping the oldest data for the newest (overflow.policy=drop_oldest,"
                + " counted as memory_full). Raise otel.exporter.levee.memory.limit or check the backend.");
  }

  /** Completes when everything accepted before the call is delivered, dropped or in the journal. */
  public CompletableResultCode flush() {
    if (shutdown) {
      return CompletableResultCode.ofSuccess();
    }
    releaseHeld();
    CompletableResultCode result = dispatcher.flush(settings.timeout().toNanos());
    LockSupport.unpark(thread);
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
    releaseHeld();
    shutdown = true;
    buffer.close();
    if (priorityBuffer != null) {
      priorityBuffer.close();
    }
    dispatcher.stop(settings.shutdownTimeout().toNanos());
    LockSupport.unpark(thread);
    return shutdownResult;
  }

  private static final java.util.concurrent.ConcurrentHashMap<Signal, AtomicInteger> INSTANCES =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** The semantic-convention component name, numbering this signal's exporters from 0. */
  private static String componentName(Signal signal) {
    int instance = INSTANCES.computeIfAbsent(signal, s -> new AtomicInteger()).getAndIncrement();
    String type =
        switch (signal) {
          case SPANS -> "levee_span_exporter";
          case METRICS -> "levee_metric_exporter";
          case LOGS -> "levee_log_exporter";
        };
    return type + "/" + instance;
  }

  /** The exporter's name in self-metrics and JMX, e.g. {@code levee_span_exporter/0}. */
  public String componentName() {
    return componentName;
  }

  private AdminServer startAdmin() {
    if (settings.adminPort() < 0) {
      return null;
    }
    try {
      AdminServer server = AdminServer.acquire(settings.adminAddress(), settings.adminPort(), settings.adminToken());
      server.register(adminName(), mxBean);
      return server;
    } catch (IOException | RuntimeException e) {
      logger.log(
          Level.SEVERE,
          "Levee cannot serve its admin endpoint on "
              + settings.adminAddress()
              + ":"
              + settings.adminPort()
              + "; exporting goes on without it. Cause: "
              + e);
      return null;
    }
  }

  /** The endpoints' targets, comma-separated, for messages. */
  public String targets() {
    return endpoints.targets();
  }

  /** Whether this pipeline is one endpoint's of several that each get everything. */
  private boolean fanoutMember() {
    return settings.endpointMode() == Endpoints.Mode.FANOUT;
  }

  /**
   * The name the admin endpoint serves this exporter under: the signal ({@code traces}), or with
   * fanout the signal and the endpoint ({@code traces/collector-a:4317}).
   */
  private String adminName() {
    return fanoutMember() ? signal().configName() + "/" + endpoints.targets() : signal().configName();
  }

  /** The port of the admin endpoint serving this exporter, or -1. */
  public int adminPort() {
    return admin != null ? admin.port() : -1;
  }

  /** The exporter's health now: state, reasons and advice. */
  public dev.levee.exporter.LeveeHealth health() {
    return health.evaluate(stats(), clock.nanoTime());
  }

  /** Every half second: memory and journal thresholds (logged) and the listeners. */
  private void notifyListenersIfDue() {
    long now = clock.nanoTime();
    if (now - lastListenerCheckNanos < LISTENER_INTERVAL_NANOS) {
      return;
    }
    lastListenerCheckNanos = now;
    LeveeStats snapshot = stats();
    listeners.notify(snapshot);
    dropLog.observe(snapshot, now);
  }

  /** Logs once when memory or the journal passes 80% of its limit, and once when back below. */
  private void logThresholdCrossing(String what, long used, long limit, boolean above) {
    if (above) {
      logger.warning(
          String.format(
              java.util.Locale.ROOT,
              "Levee %s for %s is %d%% full (%.1f of %.1f MiB) while the backend at %s is slow or down;"
                  + " past the limit, data is dropped and counted. Raise %s or check the backend.",
              what,
              signal().itemNoun(),
              Math.round(100.0 * used / limit),
              used / 1048576.0,
              limit / 1048576.0,
              endpoints.targets(),
              "otel.exporter.levee." + what + ".limit"));
    } else {
      logger.info("Levee " + what + " for " + signal().itemNoun() + " is below 80% of its limit again.");
    }
  }

  /** Judges health every few seconds on the dispatcher thread; logs when it changes. */
  private void checkHealthIfDue() {
    long now = clock.nanoTime();
    if (now - lastHealthCheckNanos < HEALTH_INTERVAL_NANOS) {
      return;
    }
    lastHealthCheckNanos = now;
    dev.levee.exporter.LeveeHealth current = health();
    if (current.state() == loggedHealth) {
      return;
    }
    loggedHealth = current.state();
    logger.log(
        current.state() == dev.levee.exporter.LeveeHealth.State.OK ? Level.INFO : Level.WARNING,
        "Levee " + signal().lowerName() + " exporter is " + current.describe());
  }

  /** The JMX name this exporter is registered under, or null if it could not be. */
  public javax.management.ObjectName mxBeanName() {
    return mxBean.name();
  }

  public long timeoutNanos() {
    return settings.timeout().toNanos();
  }

  /** Registers the self-metrics. */
  public dev.levee.exporter.LeveeMetrics registerMetrics(io.opentelemetry.api.metrics.MeterProvider meterProvider) {
    dev.levee.exporter.LeveeMetrics metrics =
        dev.levee.exporter.LeveeMetrics.register(
            meterProvider,
            componentName,
            this::stats,
            this::health,
            settings.endpoint().getHost(),
            settings.port());
    dispatcher.setRequestObserver(metrics::recordRequest);
    return metrics;
  }

  public LeveeStats stats() {
    ChunkJournal open = journal;
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
        buffer.usedBytes() + (priorityBuffer != null ? priorityBuffer.usedBytes() : 0),
        buffer.capacityBytes() + (priorityBuffer != null ? priorityBuffer.capacityBytes() : 0),
        journalOpen,
        endpoints,
        dispatcher.adaptive(),
        journalBytes,
        journalOpen ? settings.journalLimitBytes() : 0);
  }

  private long lastRetentionNanos;

  private void applyJournalRetentionIfDue() {
    ChunkJournal open = journal;
    long now = clock.nanoTime();
    if (open != null && now - lastRetentionNanos >= RETENTION_INTERVAL_NANOS) {
      lastRetentionNanos = now;
      open.applyRetention();
    }
  }

  /**
   * Opens the journal on the dispatcher thread as soon as it starts. Not later, on demand: the
   * exporter is shut down from a JVM shutdown hook, when Chronicle Queue can no longer be
   * initialised (it registers shutdown hooks of its own), so a short-lived application with its
   * backend down would lose what it could not send.
   */
  private void openJournal() {
    if ("off".equals(settings.journalMode()) || settings.journalDirectory() == null) {
      return;
    }
    java.nio.file.Path directory = settings.journalDirectory().resolve(signal().configName());
    try {
      ChunkJournal opened =
          JournalLoader.open(
              new JournalOptions(
                  directory,
                  signal(),
                  settings.journalLimitBytes(),
                  settings.journalMaxAge(),
                  settings.journalFsync(),
                  settings.journalCompression()));
      long recovered =
          dispatcher.attachJournal(
              opened,
              "newest_first".equals(settings.journalDrainOrder())
                  ? ChunkJournal.ReadOrder.NEWEST_FIRST
                  : ChunkJournal.ReadOrder.OLDEST_FIRST);
      journal = opened;
      logger.info(
          "Levee journal for "
              + signal().itemNoun()
              + " at "
              + directory
              + (recovered > 0
                  ? ": " + recovered + " " + signal().itemNoun() + " left by an earlier run will be delivered"
                  : ""));
    } catch (IOException | RuntimeException | LinkageError e) {
      logger.log(
          Level.SEVERE,
          "Levee cannot use its journal at "
              + directory
              + " and runs memory-only for "
              + signal().itemNoun()
              + ": what does not fit in memory, or is not delivered by shutdown, is dropped and"
              + " counted. Check otel.exporter.levee.journal.directory. Cause: "
              + e);
    }
  }

  private void run() {
    try {
      openJournal();
      while (true) {
        Dispatcher.Step step;
        try {
          step = dispatcher.step();
        } catch (Throwable t) {
          // A bug must not end delivery for the life of the host: report it and carry on.
          throttled.log(
              Level.SEVERE,
              "dispatcher",
              () -> "Levee " + signal().lowerName() + " dispatcher failed a step: " + t);
          step = Dispatcher.Step.IDLE;
        }
        if (step == Dispatcher.Step.FINISHED) {
          break;
        }
        checkHealthIfDue();
        notifyListenersIfDue();
        endpoints.probeEarlyIfReconnected(clock.nanoTime());
        if (step == Dispatcher.Step.IDLE) {
          applyJournalRetentionIfDue();
          LockSupport.parkNanos(this, dispatcher.idleParkNanos(IDLE_PARK_NANOS));
        }
      }
    } finally {
      close();
    }
  }

  private void close() {
    try {
      long dropped = dispatcher.finish();
      listeners.notify(stats()); // what shutdown dropped or moved to the journal
      if (dropped > 0) {
        logger.warning(
            "Levee dropped "
                + dropped
                + " "
                + signal().itemNoun()
                + " at shutdown: the backend at "
                + endpoints.targets()
                + " did not take them within otel.exporter.levee.shutdown.timeout ("
                + settings.shutdownTimeout().toMillis()
                + " ms).");
      }
      endpoints.close(TimeUnit.SECONDS.toNanos(2));
      mxBean.unregister();
      if (admin != null) {
        admin.unregister(adminName(), mxBean);
        AdminServer.release(admin);
      }
      logger.info(
          "Levee "
              + signal().lowerName()
              + " exporter "
              + (fanoutMember() ? "to " + endpoints.targets() + " " : "")
              + "stopped: "
              + stats().summary());
    } finally {
      shutdownResult.succeed();
    }
  }

  @Override
  public String toString() {
    return "signal=" + signal().lowerName() + ", " + settings;
  }
}
