package dev.levee.exporter.internal.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.levee.buffer.Signal;
import dev.levee.exporter.DropReason;
import dev.levee.exporter.LeveeStats;
import dev.levee.testing.LogCapture;
import io.opentelemetry.sdk.testing.time.TestClock;
import java.util.EnumMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** What the watch logs when memory passes 80% of its limit. */
class WatchTest {
  private static final long MIB = 1L << 20;

  /** Memory 90% full of 32 MiB, the journal open or not; nothing else going on. */
  private static LeveeStats memoryNinetyPercentFull(boolean journalOpen) {
    return new LeveeStats(
        Signal.SPANS,
        1000,
        0,
        0,
        new EnumMap<>(DropReason.class),
        1000,
        0,
        0,
        0,
        29 * MIB,
        32 * MIB,
        journalOpen,
        "closed",
        0,
        65536,
        1,
        0,
        journalOpen ? 1L << 30 : 0);
  }

  private static List<String> warningsOnce(LeveeStats stats, boolean spills) {
    return warningsOnce(stats, spills, false);
  }

  private static List<String> warningsOnce(LeveeStats stats, boolean spills, boolean journalUsable) {
    Watch watch =
        new Watch(
            Signal.SPANS,
            () -> stats,
            () -> "collector:4317",
            null,
            new Watch.Traits(true, spills, false),
            new ThrottledLogger(Logger.getLogger("test"), TestClock.create(), TimeUnit.SECONDS.toNanos(1)));
    watch.journalUsable(() -> journalUsable);
    try (LogCapture logs = LogCapture.of(Watch.class.getName())) {
      watch.tick(Watch.LISTENER_INTERVAL_NANOS);
      return logs.messages(Level.WARNING);
    }
  }

  @Test
  void memoryNearlyFullWithTheJournalOpenSaysNewDataGoesThere() {
    assertThat(warningsOnce(memoryNinetyPercentFull(true), true))
        .singleElement()
        .asString()
        .contains("memory for spans is 91% full", "new data goes to the journal")
        .doesNotContain("dropped");
  }

  @Test
  void memoryNearlyFullWhileAUsableJournalOpensSaysNewDataGoesThere() {
    // Its spill file takes what memory cannot until it is open.
    assertThat(warningsOnce(memoryNinetyPercentFull(false), true, true))
        .singleElement()
        .asString()
        .contains("new data goes to the journal")
        .doesNotContain("dropped");
  }

  @Test
  void memoryNearlyFullWithNoUsableJournalSaysDataIsDropped() {
    assertThat(warningsOnce(memoryNinetyPercentFull(false), true))
        .singleElement()
        .asString()
        .contains("data is dropped and counted");
  }

  @Test
  void underAPolicyThatDropsTheOpenJournalTakesNothing() {
    assertThat(warningsOnce(memoryNinetyPercentFull(true), false))
        .singleElement()
        .asString()
        .contains("data is dropped and counted");
  }
}
