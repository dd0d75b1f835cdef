package dev.levee.exporter.internal.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.levee.buffer.Signal;
import dev.levee.exporter.DropReason;
import dev.levee.exporter.LeveeStats;
import dev.levee.testing.LogCapture;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Drops are logged once per interval, aggregated by reason, with advice; on an injected clock. */
class DropLogTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  private static final String LOGGER = "dev.levee.test.DropLogTest";

  private final LogCapture log = LogCapture.of(LOGGER);
  private final DropLog dropLog =
      new DropLog(Logger.getLogger(LOGGER), Signal.SPANS, 30 * SECOND);

  @AfterEach
  void close() {
    log.close();
  }

  private static LeveeStats dropped(long memoryFull, long rejected) {
    Map<DropReason, Long> dropped = new EnumMap<>(DropReason.class);
    dropped.put(DropReason.MEMORY_FULL, memoryFull);
    dropped.put(DropReason.REJECTED, rejected);
    return new LeveeStats(
        Signal.SPANS, 100, 0, 0, dropped, 0, 0, 0, 0, 0, 1 << 20, false, "closed", 0, 65536, 1, 0, 0);
  }

  @Test
  void nothingIsLoggedWithoutDrops() {
    dropLog.observe(dropped(0, 0), 0);
    dropLog.observe(dropped(0, 0), 60 * SECOND);
    assertThat(log.messages(Level.WARNING)).isEmpty();
  }

  @Test
  void dropsAddUpOverTheIntervalAndAreReportedOnceWithAdvice() {
    dropLog.observe(dropped(0, 0), 0);
    dropLog.observe(dropped(5, 0), 1 * SECOND);
    dropLog.observe(dropped(50, 2), 10 * SECOND);
    dropLog.observe(dropped(120, 3), 29 * SECOND);
    assertThat(log.messages(Level.WARNING)).isEmpty();

    dropLog.observe(dropped(120, 3), 30 * SECOND);
    assertThat(log.messages(Level.WARNING))
        .singleElement()
        .satisfies(
            message ->
                assertThat(message)
                    .startsWith(
                        "Levee dropped 123 spans in the last 30 s: memory_full=120 (memory was full:"
                            + " raise memory.limit")
                    .contains("journal.open=at_start when it fills before the journal opens")
                    .contains("; rejected=3 (the backend refused them as invalid")
                    .endsWith("levee.dropped counts them all."));

    dropLog.observe(dropped(130, 3), 45 * SECOND);
    dropLog.observe(dropped(131, 3), 61 * SECOND);
    assertThat(log.messages(Level.WARNING)).hasSize(2);
    assertThat(log.messages(Level.WARNING).get(1))
        .startsWith("Levee dropped 11 spans in the last 31 s: memory_full=11 (")
        .doesNotContain("rejected");

    // Nothing new: no report, even long after.
    dropLog.observe(dropped(131, 3), 200 * SECOND);
    assertThat(log.messages(Level.WARNING)).hasSize(2);
  }

  @Test
  void withFanoutTheMessageNamesTheEndpoint() {
    DropLog fanout = new DropLog(Logger.getLogger(LOGGER), Signal.SPANS, 30 * SECOND, "collector-b:4317");
    fanout.observe(dropped(0, 0), 0);
    fanout.observe(dropped(5, 0), 31 * SECOND);
    assertThat(log.messages(Level.WARNING))
        .singleElement()
        .asString()
        .startsWith("Levee dropped 5 spans for collector-b:4317 in the last 31 s: memory_full=5 (");
  }

  @Test
  void everyReasonHasAdvice() {
    for (DropReason reason : DropReason.values()) {
      assertThat(DropLog.advice(reason)).isNotBlank();
    }
  }
}
