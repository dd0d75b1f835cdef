package dev.levee.exporter.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.levee.buffer.BufferSettings;
import dev.levee.buffer.Chunk;
import dev.levee.buffer.ChunkBuffer;
import dev.levee.buffer.ChunkJournal;
import dev.levee.buffer.JournalOptions;
import dev.levee.buffer.Signal;
import dev.levee.buffer.internal.MemoryBufferProvider;
import dev.levee.exporter.DropReason;
import dev.levee.exporter.LeveeStats;
import dev.levee.exporter.internal.admission.DoorState;
import dev.levee.exporter.internal.dispatch.Dispatcher;
import dev.levee.exporter.internal.flow.Adaptive;
import dev.levee.exporter.internal.flow.Backoff;
import dev.levee.exporter.internal.flow.Breaker;
import dev.levee.exporter.internal.flow.RateLimiter;
import dev.levee.exporter.internal.management.PipelineStats;
import dev.levee.exporter.internal.transport.Endpoints;
import io.opentelemetry.sdk.testing.time.TestClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal's opening when it fails or outlasts the stop, with an opener that fails or waits on
 * demand (Chronicle cannot be made to): what the spill file took stays there, pending, for the
 * next start; real spill files on a real directory.
 */
class JournalOpeningTest {
  @TempDir Path dir;

  private final TestClock clock = TestClock.create();
  private final ChunkBuffer buffer =
      new MemoryBufferProvider().create(new BufferSettings(Signal.SPANS, 1 << 20));
  private final PipelineStats stats = new PipelineStats(Signal.SPANS);
  private final DoorState doorState = new DoorState();
  private final Adaptive adaptive = new Adaptive(1000, 1000, TimeUnit.SECONDS.toNanos(1), 1);
  private final Endpoints endpoints =
      Endpoints.of(new NoSender("test:4317"), new Breaker("test", Breaker.Settings.DEFAULT.disabled(), clock));
  private final Dispatcher dispatcher =
      new Dispatcher(
          Signal.SPANS,
          buffer,
          null,
          endpoints,
          new RateLimiter(RateLimiter.Settings.NONE, clock),
          stats,
          clock,
          nanos -> clock.advance(Duration.ofNanos(nanos)),
          new Backoff(1, 1, bound -> 0),
          adaptive,
          0,
          TimeUnit.SECONDS.toNanos(10),
          () -> false,
          () -> {});
  /** Holds the opener until the test lets it go on. */
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void letTheOpenerGo() {
    release.countDown();
  }

  @Test
  void aFailedOpeningKeepsWhatTheSpillFileTookForTheNextStart() throws Exception {
    JournalOpening opening =
        opening(
            options -> {
              held();
              throw new IOException("the disk says no");
            });
    opening.checkJournalDirectory();
    opening.wantJournal();
    opening.startOpeningIfWanted();
    assertThat(opening.opening()).isTrue();
    assertThat(spilledAtTheDoor(7)).isTrue();
    assertThat(spilledAtTheDoor(5)).isTrue();

    release.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> !opening.opening());

    assertThat(opening.journalUsable()).isFalse();
    assertThat(doorState.spilled(chunk(3))).as("the file takes nothing more").isFalse();
    LeveeStats s = snapshot();
    assertThat(s.pending()).isEqualTo(12);
    assertThat(s.journaled()).isEqualTo(12);
    assertThat(s.droppedTotal()).isZero();
    assertThat(itemsLeftForTheNextStart()).isEqualTo(12);
  }

  @Test
  void anOpeningThatOutlastsTheStopLeavesWhatMemoryHeldInTheSpillFileNotDropped() throws Exception {
    JournalOpening opening = stalledOpening();
    accept(40);
    accept(2);

    // Memory holds data at the stop: the opening starts, and outlasts the wait for it.
    long dropped = stop(opening);

    assertThat(opening.opening()).isTrue();
    assertThat(dropped).isZero();
    LeveeStats s = snapshot();
    assertThat(s.dropped(DropReason.SHUTDOWN)).isZero();
    assertThat(s.offered()).isEqualTo(42);
    assertThat(s.pending()).isEqualTo(42);
    assertThat(s.journaled()).isEqualTo(42);
    assertThat(s.offered()).isEqualTo(s.delivered() + s.droppedTotal() + s.pending());
    assertThat(itemsLeftForTheNextStart()).isEqualTo(42);
  }

  @Test
  void withoutASpillFileWhatMemoryHeldAtTheStopIsDroppedAndCounted() throws Exception {
    JournalOpening opening = stalledOpening();
    accept(9);
    Files.delete(signalDir()); // the spill file cannot be created
    Files.writeString(signalDir(), "not a directory");

    long dropped = stop(opening);

    assertThat(dropped).isEqualTo(9);
    LeveeStats s = snapshot();
    assertThat(s.dropped(DropReason.SHUTDOWN)).isEqualTo(9);
    assertThat(s.pending()).isZero();
    assertThat(s.offered()).isEqualTo(s.delivered() + s.droppedTotal() + s.pending());
  }

  /** An opening that waits until the test lets it go on, as Chronicle's first can take seconds. */
  private JournalOpening stalledOpening() {
    JournalOpening opening =
        opening(
            options -> {
              held();
              return new ListJournal(); // too late: the stop is over
            });
    opening.checkJournalDirectory();
    return opening;
  }

  /**
   * The dispatcher thread's end, as {@code DispatcherThread} and {@code Pipeline.close} run it: the
   * stop's deadline passed, the wait for the journal, then what is left settled.
   */
  private long stop(JournalOpening opening) {
    dispatcher.stop(0);
    assertThat(dispatcher.step()).isEqualTo(Dispatcher.Step.FINISHED);
    opening.awaitJournalForTheEnd();
    long dropped = dispatcher.finish();
    opening.keepSpillAfterLeftovers();
    return dropped;
  }

  private JournalOpening opening(JournalOpening.Opener opener) {
    JournalSetup setup =
        new JournalSetup(
            JournalMode.OVERFLOW,
            dir,
            1 << 20,
            Duration.ofHours(1),
            JournalOptions.Fsync.NONE,
            ChunkJournal.ReadOrder.OLDEST_FIRST,
            JournalOptions.Compression.NONE,
            false);
    return new JournalOpening(
        Signal.SPANS, dispatcher, doorState, setup, false, stats, TimeUnit.MILLISECONDS.toNanos(1), opener);
  }

  /** The opener waits here until the test lets it go on. */
  private void held() throws IOException {
    try {
      release.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /** As the door does when memory is full and the journal is opening. */
  private boolean spilledAtTheDoor(int items) {
    stats.offered(items);
    stats.accepted(items);
    if (doorState.spilled(chunk(items))) {
      stats.journaled(items);
      return true;
    }
    return false;
  }

  private void accept(int items) {
    stats.offered(items);
    stats.accepted(items);
    assertThat(buffer.offer(chunk(items))).isTrue();
    dispatcher.accepted();
  }

  private Chunk chunk(int items) {
    return Chunk.of(Signal.SPANS, new byte[10 * items], items, false, clock.now());
  }

  /** What the next start would move into its journal. */
  private long itemsLeftForTheNextStart() throws IOException {
    List<Path> left = SpillFile.leftBehind(signalDir());
    assertThat(left).hasSize(1);
    ListJournal next = new ListJournal();
    SpillFile.Moved moved = SpillFile.moveLeftBehind(signalDir(), next, Signal.SPANS);
    assertThat(moved.damagedBytes()).isZero();
    assertThat(next.records.stream().mapToLong(Chunk::itemCount).sum()).isEqualTo(moved.items());
    return moved.items();
  }

  /** Where the spans' journal and spill file live. */
  private Path signalDir() {
    return dir.resolve(Signal.SPANS.configName());
  }

  private LeveeStats snapshot() {
    return stats.snapshot(buffer.usedBytes(), buffer.capacityBytes(), false, endpoints, adaptive, 0, 0);
  }
}
