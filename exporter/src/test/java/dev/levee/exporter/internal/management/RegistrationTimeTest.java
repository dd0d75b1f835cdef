package dev.levee.exporter.internal.management;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RegistrationTimeTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicInteger looks = new AtomicInteger();
  private final RegistrationTime time =
      new RegistrationTime(5_000 * MS, () -> {
        looks.incrementAndGet();
        return running.get();
      });

  @Test
  void withNobodyRunningJmxItIsDueFiveSecondsAfterTheFirstTickOnce() {
    long start = 1_000_000 * MS;
    for (long t = start; t < start + 5_000 * MS; t += 100 * MS) {
      assertThat(time.due(t)).as("at %d ms", (t - start) / MS).isFalse();
    }
    assertThat(looks.get()).as("looked once a second, not at every tick").isEqualTo(5);
    assertThat(time.due(start + 5_000 * MS)).isTrue();
    assertThat(time.due(start + 5_100 * MS)).as("once").isFalse();
  }

  @Test
  void itIsDueAtTheFirstLookOnceSomeoneElseStartedThePlatformServer() {
    running.set(true);
    assertThat(time.due(0)).isTrue();
  }

  @Test
  void aServerStartedLaterIsSeenWithinASecond() {
    assertThat(time.due(0)).isFalse();
    running.set(true); // e.g. jcmd ManagementAgent.start
    assertThat(time.due(500 * MS)).isFalse();
    assertThat(time.due(1_000 * MS)).isTrue();
  }

  @Test
  void cancelledItIsNeverDue() {
    time.cancel();
    running.set(true);
    assertThat(time.due(10_000 * MS)).isFalse();
    assertThat(looks.get()).isZero();
  }
}
