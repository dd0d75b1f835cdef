package dev.levee.exporter.internal.management;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.testing.time.TestClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class ThrottledLoggerTest {
  private final List<String> messages = new ArrayList<>();
  private final Logger logger = Logger.getAnonymousLogger();
  private final TestClock clock = TestClock.create();

  ThrottledLoggerTest() {
    logger.setUseParentHandlers(false);
    logger.addHandler(
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            messages.add(record.getMessage());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        });
  }

  @Test
  void logsOncePerIntervalAndCountsWhatItHeldBack() {
    ThrottledLogger throttled = new ThrottledLogger(logger, clock, Duration.ofSeconds(30).toNanos());

    throttled.log(Level.WARNING, "down", () -> "backend down");
    throttled.log(Level.WARNING, "down", () -> "backend down");
    throttled.log(Level.WARNING, "down", () -> "backend down");
    clock.advance(Duration.ofSeconds(29));
    throttled.log(Level.WARNING, "down", () -> "backend down");
    clock.advance(Duration.ofSeconds(1));
    throttled.log(Level.WARNING, "down", () -> "backend still down");

    assertThat(messages)
        .containsExactly(
            "backend down", "backend still down (3 similar messages since the last report)");
  }

  @Test
  void keysAreThrottledIndependently() {
    ThrottledLogger throttled = new ThrottledLogger(logger, clock, Duration.ofSeconds(30).toNanos());
    throttled.log(Level.WARNING, "a", () -> "first a");
    throttled.log(Level.WARNING, "b", () -> "first b");
    throttled.log(Level.WARNING, "a", () -> "second a");
    assertThat(messages).containsExactly("first a", "first b");
  }

  @Test
  void buildsNoMessageForADisabledLevel() {
    ThrottledLogger throttled = new ThrottledLogger(logger, clock, 1);
    logger.setLevel(Level.SEVERE);
    throttled.log(
        Level.WARNING,
        "k",
        () -> {
          throw new AssertionError("message built for a disabled level");
        });
    assertThat(messages).isEmpty();
  }
}
