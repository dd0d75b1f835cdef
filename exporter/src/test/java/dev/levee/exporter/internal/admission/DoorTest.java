package dev.levee.exporter.internal.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.levee.buffer.BufferSettings;
import dev.levee.buffer.Chunk;
import dev.levee.buffer.ChunkBuffer;
import dev.levee.buffer.Signal;
import dev.levee.buffer.internal.MemoryBufferProvider;
import dev.levee.exporter.DropReason;
import dev.levee.exporter.LeveeStats;
import dev.levee.exporter.internal.ListJournal;
import dev.levee.exporter.internal.NoSender;
import dev.levee.exporter.internal.encode.ChunkEncoder;
import dev.levee.exporter.internal.flow.Adaptive;
import dev.levee.exporter.internal.flow.Breaker;
import dev.levee.exporter.internal.flow.RateLimiter;
import dev.levee.exporter.internal.management.PipelineStats;
import dev.levee.exporter.internal.management.ThrottledLogger;
import dev.levee.exporter.internal.transport.Endpoints;
import dev.levee.exporter.internal.transport.Sender;
import dev.levee.testing.LogCapture;
import dev.levee.testing.TestData;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.testing.time.TestClock;
import io.opentelemetry.sdk.testing.trace.TestSpanData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * The door's stages on their own, on a fake clock: the overflow policies, the priority lane, the
 * rate limit's policies and write-ahead, each reconciled (offered = pending + dropped by reason).
 * No dispatcher runs: what memory takes stays pending, as it would while the backend is down.
 */
class DoorTest {
  private static final int SLOTS = 4;

  private final TestClock clock = TestClock.create();
  private final ChunkEncoder<SpanData> encoder = ChunkEncoder.spans();
  private final PipelineStats stats = new PipelineStats(Signal.SPANS);
  private final DoorState state = new DoorState();
  private final FakeDelivery delivery = new FakeDelivery();
  private final ListJournal journal = new ListJournal();
  /** Room for {@link #SLOTS} one-span batches of {@link #span}. */
  private final ChunkBuffer memory = buffer(SLOTS * oneSpanBytes());
  private ChunkBuffer priorityLane;
  /** What the {@code block} policy's waits did: each advances the clock. */
  private final List<Long> waits = new ArrayList<>();
  private Runnable duringWait = () -> {};
  private long start;

  /** Nothing is sent in these tests: delivery is not part of the door. */
  private static final Sender NO_SENDER = new NoSender("collector:4317");

  private final class FakeDelivery implements Delivery {
    int accepted;
    int evicted;
    int woken;

    @Override
    public void accepted() {
      accepted++;
    }

    @Override
    public void evicted() {
      evicted++;
    }

    @Override
    public void wake() {
      woken++;
    }

    @Override
    public boolean behind() {
      return false;
    }

    @Override
    public String targets() {
      return "collector:4317";
    }
  }

  private static ChunkBuffer buffer(long bytes) {
    return new MemoryBufferProvider().create(new BufferSettings(Signal.SPANS, bytes));
  }

  private static long oneSpanBytes() {
    try {
      List<SpanData> one = List.of(span(traceId(), false));
      return ChunkEncoder.spans().encode(one, 1, 0).sizeBytes();
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  private static final java.util.Random random = new java.util.Random(7);

  private static String traceId() {
    return io.opentelemetry.api.trace.TraceId.fromLongs(random.nextLong(), random.nextLong());
  }

  private static SpanData span(String traceId, boolean error) {
    return TestSpanData.builder()
        .setSpanContext(
            SpanContext.create(
                traceId, TestData.nextSpanId(), TraceFlags.getSampled(), TraceState.getDefault()))
        .setName("s")
        .setKind(SpanKind.INTERNAL)
        .setStartEpochNanos(1)
        .setEndEpochNanos(2)
        .setStatus(error ? StatusData.error() : StatusData.ok())
        .setHasEnded(true)
        .build();
  }

  private static List<SpanData> spans(int count) {
    List<SpanData> list = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      list.add(span(traceId(), false));
    }
    return list;
  }

  private Door<SpanData> door(OverflowPolicy policy, RateLimiter.Settings limit) {
    return new Door<>(
        encoder,
        memory,
        priorityLane,
        new AdmissionSettings(limit, policy, Duration.ofSeconds(2), 10),
        state,
        stats,
        new RateLimiter(limit, clock),
        delivery,
        clock,
        nanos -> {
          waits.add(nanos);
          clock.advance(Duration.ofNanos(nanos));
          duringWait.run();
        },
        new ThrottledLogger(Logger.getLogger(DoorTest.class.getName()), clock, TimeUnit.SECONDS.toNanos(30)));
  }

  private Door<SpanData> door(OverflowPolicy policy) {
    return door(policy, RateLimiter.Settings.NONE);
  }

  /** Fills memory with one-span batches; returns how many it took. */
  private int fillMemory(Door<SpanData> door) {
    int taken = 0;
    while (memory.usedBytes() + oneSpanBytes() <= memory.capacityBytes()) {
      assertThat(door.export(spans(1)).isSuccess()).isTrue();
      taken++;
    }
    return taken;
  }

  private LeveeStats snapshot() {
    return stats.snapshot(
        memory.usedBytes(),
        memory.capacityBytes(),
        true,
        Endpoints.of(NO_SENDER, new Breaker("test", Breaker.Settings.DEFAULT.disabled(), clock)),
        new Adaptive(1000, 1000, 1, 1),
        0,
        0);
  }

  private void assertReconciled() {
    LeveeStats s = snapshot();
    assertThat(s.offered()).isEqualTo(s.delivered() + s.droppedTotal() + s.pending());
  }

  @Test
  void spillSendsWhatMemoryCannotTakeToTheJournalAndDropsOnlyWhenBothAreFull() {
    Door<SpanData> door = door(OverflowPolicy.SPILL);
    state.journalOpened(journal, false);
    journal.limit = 2;
    int inMemory = fillMemory(door);

    assertThat(door.export(spans(3)).isSuccess()).isTrue();
    assertThat(door.export(spans(2)).isSuccess()).isTrue();
    assertThat(door.export(spans(5)).isSuccess()).isFalse();

    LeveeStats s = snapshot();
    assertThat(inMemory).isEqualTo(SLOTS);
    assertThat(journal.records).extracting(Chunk::itemCount).containsExactly(3, 2);
    assertThat(s.journaled()).isEqualTo(5);
    assertThat(s.dropped()).containsEntry(DropReason.JOURNAL_FULL, 5L);
    assertThat(s.pending()).isEqualTo(SLOTS + 5);
    assertThat(delivery.accepted).isEqualTo(SLOTS);
    assertReconciled();
  }

  @Test
  void spillWithoutAJournalDropsAsMemoryFull() {
    Door<SpanData> door = door(OverflowPolicy.SPILL);
    fillMemory(door);

    assertThat(door.export(spans(3)).isSuccess()).isFalse();

    assertThat(snapshot().dropped()).containsEntry(DropReason.MEMORY_FULL, 3L);
    assertReconciled();
  }

  /** Exports one-span batches until one is refused; returns how many memory took. */
  private int exportUntilRefused(Door<SpanData> door) {
    int taken = 0;
    while (door.export(spans(1)).isSuccess()) {
      taken++;
      assertThat(taken).isLessThanOrEqualTo(SLOTS);
    }
    return taken;
  }

  @Test
  void memoryKeepsRoomForTheMostAStageInFrontHolds() {
    // The stage is empty now, but may fill to its cap while memory is full: memory leaves it free.
    state.stageInFront(() -> 0, oneSpanBytes());
    Door<SpanData> door = door(OverflowPolicy.SPILL);

    assertThat(exportUntilRefused(door)).isEqualTo(SLOTS - 1);

    assertThat(memory.usedBytes() + oneSpanBytes()).isLessThanOrEqualTo(memory.capacityBytes());
    assertThat(snapshot().dropped()).containsEntry(DropReason.MEMORY_FULL, 1L);
    assertReconciled();
  }

  @Test
  void aStageHoldingMoreThanItsCapIsLeftWhatItHolds() {
    // The stage's bound is by the encoded size of recent items: it may hold a little more.
    state.stageInFront(() -> 2 * oneSpanBytes(), oneSpanBytes());
    Door<SpanData> door = door(OverflowPolicy.SPILL);

    assertThat(exportUntilRefused(door)).isEqualTo(SLOTS - 2);
    assertReconciled();
  }

  /** A door with an empty stage of one span's bound in front, its memory filled to that bound. */
  private Door<SpanData> fullBesideAStage(OverflowPolicy policy) {
    state.stageInFront(() -> 0, oneSpanBytes());
    Door<SpanData> door = door(policy);
    for (int i = 0; i < SLOTS - 1; i++) {
      assertThat(door.export(spans(1)).isSuccess()).isTrue();
    }
    return door;
  }

  @Test
  void dropOldestMakesRoomWithinTheLimitBesideTheStage() {
    Door<SpanData> door = fullBesideAStage(OverflowPolicy.DROP_OLDEST);

    assertThat(door.export(spans(1)).isSuccess()).isTrue();

    assertThat(delivery.evicted).isEqualTo(1);
    assertThat(memory.usedBytes() + oneSpanBytes()).isLessThanOrEqualTo(memory.capacityBytes());
    assertThat(snapshot().pending()).isEqualTo(SLOTS - 1);
    assertReconciled();
  }

  @Test
  void blockWaitsForRoomBesideTheStage() {
    Door<SpanData> door = fullBesideAStage(OverflowPolicy.BLOCK);
    duringWait =
        () -> {
          if (waits.size() == 3) {
            memory.release(memory.poll()); // the dispatcher delivered the oldest
          }
        };

    assertThat(door.export(spans(1)).isSuccess()).isTrue();

    assertThat(waits).hasSize(3);
    assertThat(memory.usedBytes() + oneSpanBytes()).isLessThanOrEqualTo(memory.capacityBytes());
  }

  /** Fills memory, then exports three spans that do not fit; returns the one warning logged. */
  private String memoryFullWarning(boolean journalOpening) {
    state.onJournalWanted(() -> {}, () -> journalOpening);
    Door<SpanData> door = door(OverflowPolicy.SPILL);
    fillMemory(door);
    try (LogCapture logs = LogCapture.of(DoorTest.class.getName())) {
      assertThat(door.export(spans(3)).isSuccess()).isFalse();
      assertThat(snapshot().dropped()).containsEntry(DropReason.MEMORY_FULL, 3L);
      assertReconciled();
      assertThat(logs.messages(Level.WARNING)).hasSize(1);
      return logs.messages(Level.WARNING).get(0);
    }
  }

  @Test
  void whileTheJournalOpensItsSpillTakesWhatMemoryCannot() {
    java.util.List<Chunk> spilled = new java.util.ArrayList<>();
    state.spillWith(spilled::add);
    Door<SpanData> door = door(OverflowPolicy.SPILL);
    fillMemory(door);

    assertThat(door.export(spans(3)).isSuccess()).isTrue();

    assertThat(spilled).extracting(Chunk::itemCount).containsExactly(3);
    assertThat(snapshot().droppedTotal()).isZero();
    assertThat(snapshot().journaled()).isEqualTo(3);
    assertReconciled();
  }

  @Test
  void onceTheJournalIsOpenItTakesWhatMemoryCannotAndTheSpillNothing() {
    java.util.List<Chunk> spilled = new java.util.ArrayList<>();
    state.spillWith(spilled::add);
    state.journalOpened(journal, false);
    Door<SpanData> door = door(OverflowPolicy.SPILL);
    fillMemory(door);

    assertThat(door.export(spans(2)).isSuccess()).isTrue();

    assertThat(spilled).isEmpty();
    assertThat(journal.records).extracting(Chunk::itemCount).containsExactly(2);
    assertReconciled();
  }

  @Test
  void dropNewestNeverSpills() {
    java.util.List<Chunk> spilled = new java.util.ArrayList<>();
    state.spillWith(spilled::add);
    Door<SpanData> door = door(OverflowPolicy.DROP_NEWEST);
    fillMemory(door);

    assertThat(door.export(spans(1)).isSuccess()).isFalse();

    assertThat(spilled).isEmpty();
    assertThat(snapshot().dropped()).containsEntry(DropReason.MEMORY_FULL, 1L);
    assertReconciled();
  }

  @Test
  void memoryFullWhileTheJournalOpensSaysSoAndHowToAvoidIt() {
    assertThat(memoryFullWarning(true))
        .contains("journal is still opening", "journal.open=at_start", "memory_full");
  }

  @Test
  void memoryFullWithNoJournalOpeningPointsAtTheBackend() {
    assertThat(memoryFullWarning(false))
        .contains("collector:4317 is slow or down")
        .doesNotContain("journal");
  }

  @Test
  void dropNewestKeepsTheJournalOutOfIt() {
    Door<SpanData> door = door(OverflowPolicy.DROP_NEWEST);
    state.journalOpened(journal, false);
    fillMemory(door);

    assertThat(door.export(spans(1)).isSuccess()).isFalse();

    assertThat(journal.records).isEmpty();
    assertThat(snapshot().dropped()).containsEntry(DropReason.MEMORY_FULL, 1L);
    assertReconciled();
  }

  @Test
  void dropOldestEvictsTheOldestQueuedChunkForTheNewOne() {
    Door<SpanData> door = door(OverflowPolicy.DROP_OLDEST);
    fillMemory(door);
    Chunk oldest = memory.poll();
    memory.release(oldest);
    assertThat(door.export(spans(1)).isSuccess()).isTrue(); // the room the poll made

    assertThat(door.export(spans(1)).isSuccess()).isTrue();

    assertThat(delivery.evicted).isEqualTo(1);
    LeveeStats s = snapshot();
    assertThat(s.dropped()).containsEntry(DropReason.MEMORY_FULL, 1L);
    // The chunk polled by hand stands for one in flight: neither delivered nor dropped here.
    assertThat(s.pending()).isEqualTo(SLOTS + 1);
    assertReconciled();
  }

  @Test
  void blockWaitsOnTheClockForRoomThenTakesIt() {
    Door<SpanData> door = door(OverflowPolicy.BLOCK);
    fillMemory(door);
    // The dispatcher frees one chunk while the door waits, after 5 ms.
    duringWait =
        () -> {
          if (clock.nanoTime() >= TimeUnit.MILLISECONDS.toNanos(5) + start && waits.size() == 5) {
            memory.release(memory.poll());
          }
        };
    start = clock.nanoTime();

    assertThat(door.export(spans(1)).isSuccess()).isTrue();

    assertThat(waits).hasSize(5).allMatch(w -> w == Intake.BLOCK_POLL_NANOS);
    assertThat(delivery.woken).isEqualTo(5);
    assertThat(snapshot().droppedTotal()).isZero();
  }

  @Test
  void blockGivesUpAtItsTimeoutAndSpills() {
    Door<SpanData> door = door(OverflowPolicy.BLOCK);
    state.journalOpened(journal, false);
    fillMemory(door);
    long before = clock.nanoTime();

    assertThat(door.export(spans(2)).isSuccess()).isTrue();

    assertThat(clock.nanoTime() - before).isEqualTo(Duration.ofSeconds(2).toNanos());
    assertThat(journal.records).hasSize(1);
    assertThat(snapshot().journaled()).isEqualTo(2);
    assertReconciled();
  }

  @Test
  void blockStopsWaitingWhenShutdownBegins() {
    Door<SpanData> door = door(OverflowPolicy.BLOCK);
    fillMemory(door);
    duringWait = state::close;

    assertThat(door.export(spans(2)).isSuccess()).isFalse();

    assertThat(waits).hasSize(1);
    assertThat(snapshot().dropped()).containsEntry(DropReason.SHUTDOWN, 2L);
    assertReconciled();
  }

  @Test
  void downsampleKeepsWholeTracesAtTheRatioAndCountsTheRest() {
    Door<SpanData> door = door(OverflowPolicy.DOWNSAMPLE);
    state.journalOpened(journal, false);
    fillMemory(door);
    List<SpanData> batch = new ArrayList<>();
    int keptTraces = 0;
    for (int t = 0; t < 200; t++) {
      String traceId = traceId();
      batch.add(span(traceId, false));
      batch.add(span(traceId, false));
      if (encoder.sampledIn(batch.get(batch.size() - 1), 10)) {
        keptTraces++;
      }
    }

    assertThat(door.export(batch).isSuccess()).isFalse(); // not everything was kept

    LeveeStats s = snapshot();
    assertThat(s.dropped()).containsEntry(DropReason.DOWNSAMPLED, 400L - 2L * keptTraces);
    assertThat(s.journaled()).isEqualTo(2L * keptTraces);
    assertThat(keptTraces).isBetween(5, 40);
    assertReconciled();
  }

  @Test
  void thePriorityLaneTakesRoomFromOrdinaryDataWhenItIsFull() {
    priorityLane = buffer(oneSpanBytes());
    Door<SpanData> door = door(OverflowPolicy.PRIORITY);
    fillMemory(door);
    List<SpanData> errors = List.of(span(traceId(), true));

    assertThat(door.export(errors).isSuccess()).isTrue(); // its own lane
    assertThat(door.export(errors).isSuccess()).isTrue(); // an ordinary chunk makes room

    assertThat(priorityLane.usedBytes()).isEqualTo(oneSpanBytes());
    assertThat(delivery.evicted).isEqualTo(1);
    LeveeStats s = snapshot();
    assertThat(s.dropped()).containsEntry(DropReason.MEMORY_FULL, 1L);
    assertThat(s.pending()).isEqualTo(SLOTS + 1);
    assertReconciled();
  }

  @Test
  void aMixedBatchIsSplitIntoTheLanes() {
    priorityLane = buffer(4 * oneSpanBytes());
    Door<SpanData> door = door(OverflowPolicy.PRIORITY);
    List<SpanData> mixed = List.of(span(traceId(), true), span(traceId(), false));

    assertThat(door.export(mixed).isSuccess()).isTrue();

    assertThat(priorityLane.poll().itemCount()).isEqualTo(1);
    assertThat(memory.poll().itemCount()).isEqualTo(1);
    assertThat(delivery.accepted).isEqualTo(2);
  }

  @Test
  void overTheRateLimitDropTurnsDataAwayAtTheDoor() {
    RateLimiter.Settings limit =
        new RateLimiter.Settings(10, 0, Duration.ofSeconds(1), RateLimiter.Policy.DROP);
    Door<SpanData> door = door(OverflowPolicy.SPILL, limit);
    state.journalOpened(journal, false); // what memory cannot hold spills: only the limit drops

    assertThat(door.export(spans(10)).isSuccess()).isTrue();
    assertThat(door.export(spans(1)).isSuccess()).isFalse();
    clock.advance(Duration.ofMillis(100)); // a tenth of a second: room for one more
    assertThat(door.export(spans(1)).isSuccess()).isTrue();

    LeveeStats s = snapshot();
    assertThat(s.dropped()).containsEntry(DropReason.RATE_LIMITED, 1L);
    assertThat(s.pending()).isEqualTo(11);
    assertReconciled();
  }

  @Test
  void overTheRateLimitSampleKeepsWhatTheLimitHasRoomFor() {
    RateLimiter.Settings limit =
        new RateLimiter.Settings(100, 0, Duration.ofSeconds(1), RateLimiter.Policy.SAMPLE);
    Door<SpanData> door = door(OverflowPolicy.SPILL, limit);
    state.journalOpened(journal, false);

    assertThat(door.export(spans(50)).isSuccess()).isTrue(); // half the bucket
    // 500 more where 50 fit: about one trace in ten is kept, the rest counted.
    assertThat(door.export(spans(500)).isSuccess()).isFalse();

    LeveeStats s = snapshot();
    assertThat(s.dropped().get(DropReason.RATE_LIMITED)).isBetween(410L, 490L);
    assertThat(s.pending()).isEqualTo(550 - s.dropped().get(DropReason.RATE_LIMITED));
    assertReconciled();
  }

  @Test
  void writeAheadPutsEveryChunkInTheJournalAndCountsARefusal() {
    Door<SpanData> door = door(OverflowPolicy.SPILL);
    state.journalOpened(journal, true);
    journal.limit = 1;

    assertThat(door.export(spans(2)).isSuccess()).isTrue();
    assertThat(door.export(spans(3)).isSuccess()).isFalse();

    assertThat(memory.usedBytes()).isZero();
    assertThat(delivery.woken).isEqualTo(1);
    LeveeStats s = snapshot();
    assertThat(s.journaled()).isEqualTo(2);
    assertThat(s.dropped()).containsEntry(DropReason.JOURNAL_FULL, 3L);
    assertReconciled();
  }

  @Test
  void aClosedDoorTakesNothingAndSaysSo() {
    Door<SpanData> door = door(OverflowPolicy.SPILL);
    state.close();

    assertThat(door.export(spans(3)).isSuccess()).isFalse();
    assertThat(door.exportEncoded(spans(2), 2, null, false, new RuntimeException()).isSuccess())
        .isFalse();

    assertThat(snapshot().dropped()).containsEntry(DropReason.SHUTDOWN, 5L);
    assertReconciled();
  }

  @Test
  void aBatchThatCannotBeEncodedIsCountedNotThrown() {
    Door<SpanData> door = door(OverflowPolicy.SPILL);
    List<SpanData> broken = new ArrayList<>(spans(2));
    broken.add(null);

    CompletableResultCode result = door.export(broken);

    assertThat(result.isSuccess()).isFalse();
    assertThat(snapshot().droppedTotal()).isEqualTo(snapshot().offered());
    assertReconciled();
  }
}
