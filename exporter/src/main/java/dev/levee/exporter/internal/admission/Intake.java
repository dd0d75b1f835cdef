package dev.levee.exporter.internal.admission;

import dev.levee.buffer.Chunk;
import dev.levee.buffer.ChunkBuffer;
import dev.levee.buffer.ChunkJournal;
import dev.levee.buffer.Signal;
import dev.levee.exporter.DropReason;
import dev.levee.exporter.internal.flow.Sleeper;
import dev.levee.exporter.internal.management.PipelineStats;
import dev.levee.exporter.internal.management.ThrottledLogger;
import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.common.CompletableResultCode;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

/**
 * The last stage of the door: places a chunk the rate limit let through. With {@code
 * journal.mode=write_ahead} it goes to the journal; otherwise into memory (the priority lane for
 * urgent data), and when memory is full, as the overflow policy says: evict the oldest, wait for
 * room, downsample, spill to the journal, or drop. Every drop is counted with its reason.
 *
 * <p>Runs on the SDK's export threads; waits only with {@link OverflowPolicy#BLOCK}, on the injected
 * sleeper and clock, never longer than {@code overflow.block.timeout}.
 *
 * <p>Internal, may change. Thread-safe.
 */
final class Intake<T> {
  /** The longest single wait of the {@code block} policy before it looks for room again. */
  static final long BLOCK_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private final Signal signal;
  private final ChunkBuffer buffer;
  /** With {@code overflow.policy=priority}, the lane for errors and warnings; else null. */
  private final ChunkBuffer priorityBuffer;
  private final AdmissionSettings settings;
  private final DoorState state;
  private final Delivery delivery;
  private final PipelineStats stats;
  private final Clock clock;
  private final Sleeper blockWait;
  private final Sampler<T> sampler;
  private final ThrottledLogger throttled;
  private final JournalReadiness readiness;

  Intake(
      Signal signal,
      ChunkBuffer buffer,
      ChunkBuffer priorityBuffer,
      AdmissionSettings settings,
      DoorState state,
      Delivery delivery,
      PipelineStats stats,
      Clock clock,
      Sleeper blockWait,
      Sampler<T> sampler,
      ThrottledLogger throttled) {
    this.signal = signal;
    this.buffer = buffer;
    this.priorityBuffer = priorityBuffer;
    this.settings = settings;
    this.state = state;
    this.delivery = delivery;
    this.stats = stats;
    this.clock = clock;
    this.blockWait = blockWait;
    this.sampler = sampler;
    this.throttled = throttled;
    this.readiness = new JournalReadiness(buffer, clock);
  }

  /** Takes an encoded batch within the rate limit: into the journal (write-ahead) or memory. */
  CompletableResultCode accept(Collection<T> items, int count, Chunk chunk, boolean priority) {
    // Count as pending before the offer: once offered, the dispatcher may settle it at any time.
    stats.accepted(count);
    ChunkJournal durable = state.writeAheadJournal();
    if (durable != null) {
      // Write-ahead: success means the chunk is in the journal (the page cache: it survives the
      // process being killed; journal.fsync decides about power loss).
      if (durable.append(chunk)) {
        stats.journaled(count);
        delivery.wake();
        return CompletableResultCode.ofSuccess();
      }
      stats.droppedPending(state.closed() ? DropReason.SHUTDOWN : DropReason.JOURNAL_FULL, count);
      return CompletableResultCode.ofFailure();
    }
    boolean inMemory = priority ? offerToPriorityLane(chunk) : offerToMemory(chunk);
    if (inMemory) {
      delivery.accepted();
      if (readiness.wantedAfter(chunk.sizeBytes())) {
        state.wantJournal(); // memory may soon be full: the journal is to be open by then
      }
      return CompletableResultCode.ofSuccess();
    }
    if (!state.closed()
        && settings.overflowPolicy() == OverflowPolicy.DOWNSAMPLE
        && signal != Signal.METRICS) {
      return downsample(items, count, priority);
    }
    return spillOrDrop(chunk, count);
  }

  /**
   * Memory is full and the policy is {@code downsample}: keeps the items of one trace in {@code
   * overflow.downsample.ratio} (so traces are kept or dropped whole; log records without a trace
   * are sampled at the same rate), counts the others as {@code downsampled}, and offers what is
   * kept as usual. Metric data is not sampled: it spills.
   */
  private CompletableResultCode downsample(Collection<T> items, int count, boolean priority) {
    int ratio = settings.downsampleRatio();
    Sampler.Sampled<T> sampled = sampler.sample(items, ratio, priority);
    stats.droppedPending(DropReason.DOWNSAMPLED, count - sampled.count());
    throttled.log(
        Level.WARNING,
        "downsample",
        () ->
            "Levee memory for "
                + signal.itemNoun()
                + " is full while the backend at "
                + delivery.targets()
                + " is slow or down; keeping one trace in "
                + ratio
                + " (overflow.policy=downsample), the rest counted as downsampled.");
    if (sampled.chunk() == null) {
      stats.droppedPending(DropReason.ENCODING_FAILED, sampled.count());
      return CompletableResultCode.ofFailure();
    }
    int keptCount = sampled.count();
    CompletableResultCode result;
    if (offerToMemory(sampled.chunk())) {
      delivery.accepted();
      result = CompletableResultCode.ofSuccess();
    } else {
      result = spillOrDrop(sampled.chunk(), keptCount);
    }
    return keptCount == count ? result : CompletableResultCode.ofFailure();
  }

  /** Memory had no room: the journal takes the chunk (unless the policy says drop), or it is dropped. */
  private CompletableResultCode spillOrDrop(Chunk chunk, int count) {
    if (state.closed()) {
      // Shutdown closed the buffer while this call was under way.
      stats.droppedPending(DropReason.SHUTDOWN, count);
      return CompletableResultCode.ofFailure();
    }
    boolean spills = settings.overflowPolicy() != OverflowPolicy.DROP_NEWEST;
    ChunkJournal overflow = spills ? state.journal() : null;
    if (overflow == null && spills) {
      state.wantJournal();
      if (state.spilled(chunk)) {
        // The journal is opening: the chunk waits in its spill file, moved into it once open.
        stats.journaled(count);
        return CompletableResultCode.ofSuccess();
      }
      overflow = state.journal(); // it may have opened meanwhile (its spill then takes nothing)
    }
    if (overflow == null) {
      stats.droppedPending(DropReason.MEMORY_FULL, count);
      throttled.log(Level.WARNING, "memory-full", this::memoryFullMessage);
      return CompletableResultCode.ofFailure();
    }
    // Memory is full: the chunk goes to the journal (a copy into mapped memory, no fsync unless
    // journal.fsync=always).
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
                + signal.itemNoun()
                + " are both full while the backend at "
                + delivery.targets()
                + " is slow or down; dropping new data (journal_full). Raise"
                + " otel.exporter.levee.journal.limit or check the backend.");
    return CompletableResultCode.ofFailure();
  }

  private String memoryFullMessage() {
    long staged = state.stagedBytes();
    long reserve = state.stageReserveBytes();
    String full =
        "Levee memory for "
            + signal.itemNoun()
            + " is full ("
            + (buffer.usedBytes() + staged)
            + " of "
            + buffer.capacityBytes()
            + " bytes in use"
            + (reserve > 0
                ? "; " + reserve + " kept for the processor's stage, which holds " + staged
                : "")
            + ")";
    if (state.journalOpening()) {
      return full
          + " while its journal is still opening (its first start takes a second or two on a busy"
          + " machine); dropping new data (memory_full). For bursts in the first seconds, open the"
          + " journal at start (otel.exporter.levee.journal.open=at_start) or raise"
          + " otel.exporter.levee.memory.limit.";
    }
    return full
        + " while the backend at "
        + delivery.targets()
        + " is slow or down; dropping new data (memory_full). Raise"
        + " otel.exporter.levee.memory.limit or check the backend.";
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
    if (state.stageReserveBytes() + chunk.sizeBytes() > buffer.capacityBytes()) {
      return false;
    }
    // Room in the ordinary lane counts too: an error matters more than routine data.
    while (!state.closed() && !offerWithinLimit(chunk)) {
      if (!evictOldest()) {
        return false;
      }
    }
    return !state.closed();
  }

  /**
   * Offers to the memory tier as the overflow policy says: {@code drop_oldest} evicts the oldest
   * queued chunks to make room (counted {@code memory_full}); {@code block} waits for room up to
   * {@code overflow.block.timeout}. Returns whether memory took the chunk.
   */
  private boolean offerToMemory(Chunk chunk) {
    if (offerWithinLimit(chunk)) {
      return true;
    }
    return switch (settings.overflowPolicy()) {
      case DROP_OLDEST -> makeRoomByEviction(chunk);
      case BLOCK -> waitForRoom(chunk);
      default -> false;
    };
  }

  /**
   * Memory takes the chunk if it has room for it beside the room it keeps for a Levee processor's
   * stage in front of the door: the two share {@code memory.limit}, and the stage fills while
   * memory is full too, so memory leaves the stage's most free rather than what it holds now.
   */
  private boolean offerWithinLimit(Chunk chunk) {
    long reserve = state.stageReserveBytes();
    if (reserve > 0 && buffer.usedBytes() + reserve + chunk.sizeBytes() > buffer.capacityBytes()) {
      return false;
    }
    return buffer.offer(chunk);
  }

  private boolean makeRoomByEviction(Chunk chunk) {
    if (state.stageReserveBytes() + chunk.sizeBytes() > buffer.capacityBytes()) {
      return false;
    }
    while (!state.closed()) {
      if (!evictOldest()) {
        return false; // what holds memory is in flight: the new chunk cannot have its room
      }
      throttled.log(
          Level.WARNING,
          "drop-oldest",
          () ->
              "Levee memory for "
                  + signal.itemNoun()
                  + " is full while the backend at "
                  + delivery.targets()
                  + " is slow or down; dropping the oldest data for the newest"
                  + " (overflow.policy=drop_oldest, counted as memory_full). Raise"
                  + " otel.exporter.levee.memory.limit or check the backend.");
      if (offerWithinLimit(chunk)) {
        return true;
      }
    }
    return false;
  }

  /** Drops the oldest chunk queued in ordinary memory; false if none is queued. */
  private boolean evictOldest() {
    Chunk oldest = buffer.poll();
    if (oldest == null) {
      return false;
    }
    buffer.release(oldest);
    stats.droppedPending(DropReason.MEMORY_FULL, oldest.itemCount());
    delivery.evicted();
    return true;
  }

  /** {@code block}: waits for the dispatcher to free memory, up to the block timeout. */
  private boolean waitForRoom(Chunk chunk) {
    if (state.onTheDispatcherThread()) {
      // Taking from a Levee processor's stage: only the dispatcher frees memory, so it cannot wait
      // for itself (it takes from the stage only while memory has room; see DispatcherThread).
      return false;
    }
    long deadline = clock.nanoTime() + settings.blockTimeout().toNanos();
    while (!state.closed()) {
      long left = deadline - clock.nanoTime();
      if (left <= 0) {
        return false;
      }
      delivery.wake(); // the dispatcher frees memory as it delivers
      blockWait.sleep(Math.min(left, BLOCK_POLL_NANOS));
      if (offerWithinLimit(chunk)) {
        return true;
      }
    }
    return false;
  }
}
