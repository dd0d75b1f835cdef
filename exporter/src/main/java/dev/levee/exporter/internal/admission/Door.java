package dev.levee.exporter.internal.admission;

import dev.levee.buffer.Chunk;
import dev.levee.buffer.ChunkBuffer;
import dev.levee.buffer.Signal;
import dev.levee.exporter.DropReason;
import dev.levee.exporter.internal.encode.ChunkEncoder;
import dev.levee.exporter.internal.encode.MetricCompactor;
import dev.levee.exporter.internal.flow.RateLimiter;
import dev.levee.exporter.internal.flow.Sleeper;
import dev.levee.exporter.internal.management.PipelineStats;
import dev.levee.exporter.internal.management.ThrottledLogger;
import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.data.MetricData;
import java.util.Collection;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where a batch from the SDK enters Levee, in this order: metric compaction (when on), the split
 * into the priority lane (when on), encoding, the rate limit (drop, sample or let through), and
 * the {@link Intake} that places the chunk in memory or the journal.
 *
 * <p>Every method runs on the SDK's export threads (several at once with several span processors),
 * returns without waiting on I/O (the {@code block} policy waits for memory, bounded) and never
 * throws.
 *
 * <p>Internal, may change. Thread-safe.
 */
public final class Door<T> {
  private static final Logger logger = Logger.getLogger(Door.class.getName());

  private final ChunkEncoder<T> encoder;
  private final boolean priorityLane;
  private final AdmissionSettings settings;
  private final DoorState state;
  private final PipelineStats stats;
  private final RateLimiter limiter;
  private final Delivery delivery;
  private final Clock clock;
  private final ThrottledLogger throttled;
  private final Sampler<T> sampler;
  private final Intake<T> intake;
  /** With {@code metrics.compaction=latest}, the compactor (also the lock around it); else null. */
  private volatile MetricCompactor compactor;

  /**
   * @param priorityBuffer the priority lane's memory with {@code overflow.policy=priority}, or null
   * @param blockWait how the {@code block} policy waits for room
   */
  public Door(
      ChunkEncoder<T> encoder,
      ChunkBuffer buffer,
      ChunkBuffer priorityBuffer,
      AdmissionSettings settings,
      DoorState state,
      PipelineStats stats,
      RateLimiter limiter,
      Delivery delivery,
      Clock clock,
      Sleeper blockWait,
      ThrottledLogger throttled) {
    this.encoder = encoder;
    this.priorityLane = priorityBuffer != null;
    this.settings = settings;
    this.state = state;
    this.stats = stats;
    this.limiter = limiter;
    this.delivery = delivery;
    this.clock = clock;
    this.throttled = throttled;
    this.sampler = new Sampler<>(encoder, clock);
    this.intake =
        new Intake<>(
            encoder.signal(),
            buffer,
            priorityBuffer,
            settings,
            state,
            delivery,
            stats,
            clock,
            blockWait,
            sampler,
            throttled);
  }

  private Signal signal() {
    return encoder.signal();
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

  /** Whether metric compaction is on. */
  public boolean compacting() {
    return compactor != null;
  }

  /** Whether this door has a priority lane ({@code overflow.policy=priority}). */
  public boolean hasPriorityLane() {
    return priorityLane;
  }

  /** Takes a batch from the SDK. */
  public CompletableResultCode export(Collection<T> items) {
    try {
      MetricCompactor compacting = compactor;
      if (compacting != null) {
        return exportCompacting(compacting, items);
      }
      if (priorityLane) {
        return offerByPriority(items);
      }
      return offer(items, false, true);
    } catch (Throwable t) {
      // Nothing may escape into the SDK's worker thread.
      logger.log(Level.SEVERE, "Levee failed to take a batch of " + signal().itemNoun(), t);
      return CompletableResultCode.ofFailure();
    }
  }

  /**
   * Takes a batch another door's caller has already encoded (with {@code endpoints.mode=fanout}
   * every endpoint has a pipeline of its own, and a batch is encoded once for all of them). {@code
   * chunk} is null when encoding failed ({@code failure} says why).
   */
  public CompletableResultCode exportEncoded(
      Collection<T> items, int count, Chunk chunk, boolean priority, Throwable failure) {
    try {
      stats.offered(count);
      if (state.closed()) {
        stats.droppedAtDoor(DropReason.SHUTDOWN, count);
        return CompletableResultCode.ofFailure();
      }
      if (chunk == null) {
        return encodingFailed(count, failure);
      }
      return limit(items, count, chunk, priority && priorityLane);
    } catch (Throwable t) {
      logger.log(Level.SEVERE, "Levee failed to take a batch of " + signal().itemNoun(), t);
      return CompletableResultCode.ofFailure();
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
      if (state.closed()) {
        stats.droppedAtDoor(DropReason.SHUTDOWN, count);
        return CompletableResultCode.ofFailure();
      }
      stats.held(count);
      boolean behind = stats.pendingNotHeld() > 0 || delivery.behind();
      MetricCompactor.Decision decision =
          compacting.admit((Collection<MetricData>) items, behind);
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

  /** Offers everything compaction holds; at flush and shutdown, on the caller's thread. */
  @SuppressWarnings("unchecked")
  public void releaseHeld() {
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

  /** Encodes and passes on to the rate limit; {@code countOffered} false for released data. */
  private CompletableResultCode offer(Collection<T> items, boolean priority, boolean countOffered) {
    int count = encoder.count(items);
    if (countOffered) {
      stats.offered(count);
    }
    if (state.closed()) {
      stats.droppedAtDoor(DropReason.SHUTDOWN, count);
      return CompletableResultCode.ofFailure();
    }
    Chunk chunk;
    try {
      chunk = encoder.encode(items, count, clock.now(), priority);
    } catch (Throwable t) {
      return encodingFailed(count, t);
    }
    return limit(items, count, chunk, priority);
  }

  /**
   * An item a Levee processor handed over could not be read into the SDK's data: counted as
   * offered and dropped ({@code encoding_failed}).
   */
  public void unreadable(Throwable t) {
    stats.offered(1);
    encodingFailed(1, t);
  }

  /** The encoded size of a recent item. */
  public int bytesPerItem() {
    return encoder.bytesPerItem();
  }

  private CompletableResultCode encodingFailed(int count, Throwable t) {
    stats.droppedAtDoor(DropReason.ENCODING_FAILED, count);
    throttled.log(
        Level.SEVERE,
        "encoding",
        () -> "Levee could not encode " + count + " " + signal().itemNoun() + ": " + t);
    return CompletableResultCode.ofFailure();
  }

  /** Applies the rate limit to an encoded batch, then hands it to the intake. */
  private CompletableResultCode limit(Collection<T> items, int count, Chunk chunk, boolean priority) {
    if (limiter.admit(count, chunk.sizeBytes())) {
      return intake.accept(items, count, chunk, priority);
    }
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
                + " otel.exporter.levee.rate.limit.items or .bytes, or use rate.limit.policy=spill"
                + " to keep them.");
    return CompletableResultCode.ofFailure();
  }

  /**
   * Over the rate limit with {@code rate.limit.policy=sample}: keeps one trace in as many as the
   * limit has room for (traces whole; log records without a trace at random), counts the rest as
   * {@code rate_limited}, and offers what is kept as usual.
   */
  private CompletableResultCode sampleToTheRateLimit(
      Collection<T> items, int count, Chunk whole, boolean priority) {
    int ratio = limiter.sampleRatio(count, whole.sizeBytes());
    Sampler.Sampled<T> sampled = sampler.sample(items, ratio, priority);
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
    CompletableResultCode result =
        intake.accept(sampled.items(), sampled.count(), sampled.chunk(), priority);
    return sampled.count() == count ? result : CompletableResultCode.ofFailure();
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
}
