package dev.levee.exporter.internal.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AdaptiveTest {
  private static final long TARGET = TimeUnit.MILLISECONDS.toNanos(200);
  private static final long FAST = TimeUnit.MILLISECONDS.toNanos(20);
  private static final long SLOW = TimeUnit.MILLISECONDS.toNanos(900);

  @Test
  void startsSmallAndOneAtATime() {
    Adaptive adaptive = new Adaptive(64, 1024, TARGET, 4);
    assertThat(adaptive.batchBytes()).isEqualTo(64);
    assertThat(adaptive.concurrency()).isEqualTo(1);
  }

  @Test
  void startsFastDoublingTheSizeAndAddingARequestPerAnswerUntilTheFirstSlowAnswer() {
    Adaptive adaptive = new Adaptive(64, 1024, TARGET, 8);
    adaptive.onAnswer(FAST, 64);
    assertThat(adaptive.batchBytes()).isEqualTo(128);
    assertThat(adaptive.concurrency()).isEqualTo(2);
    adaptive.onAnswer(FAST, 10); // a small request says nothing about larger ones
    assertThat(adaptive.batchBytes()).isEqualTo(128);
    adaptive.onAnswer(FAST, 128);
    assertThat(adaptive.batchBytes()).isEqualTo(256);
    assertThat(adaptive.concurrency()).isEqualTo(4);

    adaptive.onAnswer(SLOW, 256); // the end of the fast start: halve, then grow by the minimum
    assertThat(adaptive.batchBytes()).isEqualTo(128);
    assertThat(adaptive.concurrency()).isEqualTo(3);
    adaptive.onAnswer(FAST, 128);
    assertThat(adaptive.batchBytes()).isEqualTo(192);
  }

  @Test
  void afterTheFastStartTheSizeGrowsByTheMinimumUpToTheMaximum() {
    Adaptive adaptive = new Adaptive(64, 256, TARGET, 4);
    adaptive.onFailure(); // ends the fast start
    adaptive.onAnswer(FAST, 64);
    assertThat(adaptive.batchBytes()).isEqualTo(128);
    adaptive.onAnswer(FAST, 128);
    adaptive.onAnswer(FAST, 192);
    adaptive.onAnswer(FAST, 256);
    assertThat(adaptive.batchBytes()).isEqualTo(256);
  }

  @Test
  void aSlowAnswerHalvesTheSizeAndTakesAQuarterOffTheConcurrency() {
    Adaptive adaptive = new Adaptive(64, 1024, TARGET, 8);
    for (int i = 0; i < 40; i++) {
      adaptive.onAnswer(FAST, adaptive.batchBytes());
    }
    assertThat(adaptive.batchBytes()).isEqualTo(1024);
    assertThat(adaptive.concurrency()).isEqualTo(8);

    adaptive.onAnswer(SLOW, 1024);

    assertThat(adaptive.batchBytes()).isEqualTo(512);
    assertThat(adaptive.concurrency()).isEqualTo(6);
  }

  @Test
  void afterTheFastStartConcurrencyGrowsByAboutOnePerRoundOfRequests() {
    Adaptive adaptive = new Adaptive(64, 64, TARGET, 16);
    adaptive.onFailure(); // ends the fast start; still 1
    adaptive.onAnswer(FAST, 64); // 1 -> 2
    assertThat(adaptive.concurrency()).isEqualTo(2);
    adaptive.onAnswer(FAST, 64);
    adaptive.onAnswer(FAST, 64); // a round of 2: 2 -> about 3
    assertThat(adaptive.concurrency()).isEqualTo(2); // 2.9
    adaptive.onAnswer(FAST, 64);
    assertThat(adaptive.concurrency()).isEqualTo(3);
  }

  @Test
  void neverBelowOneNorTheMinimumSize() {
    Adaptive adaptive = new Adaptive(64, 1024, TARGET, 4);
    adaptive.onAnswer(FAST, 64); // the backend's own latency: 20 ms
    for (int i = 0; i < 10; i++) {
      adaptive.onAnswer(SLOW, 64);
      adaptive.onFailure();
    }
    assertThat(adaptive.concurrency()).isEqualTo(1);
    assertThat(adaptive.batchBytes()).isEqualTo(64);
  }

  @Test
  void refusesBoundsThatDoNotMakeSense() {
    assertThatThrownBy(() -> new Adaptive(0, 10, TARGET, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Adaptive(10, 5, TARGET, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Adaptive(10, 10, TARGET, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aBackendThatAlwaysTakesTwoSecondsGetsBigRequestsAndSeveralAtOnce() {
    long twoSeconds = TimeUnit.SECONDS.toNanos(2);
    Adaptive adaptive = new Adaptive(64, 1024, TARGET, 4);
    for (int i = 0; i < 20; i++) {
      adaptive.onAnswer(twoSeconds + i % 3 * FAST, adaptive.batchBytes());
    }
    // Two seconds is this backend's own latency, not a sign of load: the target follows it.
    assertThat(adaptive.effectiveTargetNanos()).isBetween(2 * twoSeconds, 2 * twoSeconds + FAST);
    assertThat(adaptive.batchBytes()).isEqualTo(1024);
    assertThat(adaptive.concurrency()).isEqualTo(4);

    // Answers slowing down as more is sent (over twice the base): it backs off.
    adaptive.onAnswer(5 * twoSeconds / 2 + twoSeconds, 1024);
    assertThat(adaptive.batchBytes()).isEqualTo(512);
    assertThat(adaptive.concurrency()).isEqualTo(3);
  }

  @Test
  void aNearBackendKeepsTheConfiguredTarget() {
    Adaptive adaptive = new Adaptive(64, 1024, TARGET, 4);
    adaptive.onAnswer(TimeUnit.MILLISECONDS.toNanos(1), 64);
    assertThat(adaptive.effectiveTargetNanos()).isEqualTo(TARGET);
    adaptive.onAnswer(SLOW, 128);
    assertThat(adaptive.concurrency()).isEqualTo(1); // 2 * 0.75, down to 1
  }

  @Test
  void theLingerStretchesWithEachFailureUpToTenTimesAndShrinksWithEachAnswer() {
    long linger = TimeUnit.MILLISECONDS.toNanos(100);
    Adaptive adaptive = new Adaptive(64, 1024, TARGET, 4);
    assertThat(adaptive.lingerNanos(linger)).isEqualTo(linger);
    adaptive.onFailure();
    assertThat(adaptive.lingerNanos(linger)).isEqualTo(2 * linger);
    for (int i = 0; i < 5; i++) {
      adaptive.onFailure();
    }
    assertThat(adaptive.lingerNanos(linger)).isEqualTo((long) (Adaptive.MAX_LINGER_STRETCH * linger));
    adaptive.onAnswer(FAST, 64);
    assertThat(adaptive.lingerNanos(linger)).isEqualTo(linger + 9 * linger * 7 / 8);
    for (int i = 0; i < 60; i++) {
      adaptive.onAnswer(FAST, 64);
    }
    assertThat(adaptive.lingerNanos(linger)).isBetween(linger, linger + linger / 100);
    assertThat(adaptive.lingerNanos(0)).as("no linger stays none").isZero();
  }

  @Test
  void oneFailureInTenStretchesTheLingerLittleAndOneInThreeToTheMost() {
    long linger = TimeUnit.MILLISECONDS.toNanos(100);
    Adaptive rare = new Adaptive(64, 1024, TARGET, 4);
    Adaptive frequent = new Adaptive(64, 1024, TARGET, 4);
    for (int i = 0; i < 300; i++) {
      if (i % 10 == 0) {
        rare.onFailure();
      } else {
        rare.onAnswer(FAST, 64);
      }
      if (i % 3 == 0) {
        frequent.onFailure();
      } else {
        frequent.onAnswer(FAST, 64);
      }
    }
    assertThat(rare.lingerNanos(linger)).isBetween(linger, 2 * linger);
    assertThat(frequent.lingerNanos(linger)).isGreaterThan(7 * linger); // 10, less two eighths
  }
}
