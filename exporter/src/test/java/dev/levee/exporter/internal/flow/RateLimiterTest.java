package dev.levee.exporter.internal.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.sdk.testing.time.TestClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The rate limit's decisions on a fake clock: pacing the sender, the door's drop and sample. */
class RateLimiterTest {
  private final TestClock clock = TestClock.create();

  private RateLimiter limiter(long itemsPerSecond, long bytesPerSecond, RateLimiter.Policy policy) {
    return new RateLimiter(
        new RateLimiter.Settings(itemsPerSecond, bytesPerSecond, Duration.ofSeconds(1), policy), clock);
  }

  @Test
  void withoutLimitsEverythingGoesAtOnce() {
    RateLimiter none = new RateLimiter(RateLimiter.Settings.NONE, clock);

    none.sent(1_000_000, 1L << 30);

    assertThat(RateLimiter.Settings.NONE.limits()).isFalse();
    assertThat(none.nanosUntilSend()).isZero();
    assertThat(none.admit(1_000_000, 1L << 30)).isTrue();
  }

  @Test
  void aRequestLargerThanTheBurstGoesAndThenTheSenderWaitsItsTimeOut() {
    RateLimiter limiter = limiter(1000, 0, RateLimiter.Policy.SPILL);
    assertThat(limiter.nanosUntilSend()).isZero();

    // 3,000 items at 1,000/s: the request goes, and the buckets owe two seconds and a token.
    limiter.sent(3000, 0);
    long wait = limiter.nanosUntilSend();
    assertThat(wait).isBetween(Duration.ofMillis(2000).toNanos(), Duration.ofMillis(2002).toNanos());

    clock.advance(Duration.ofSeconds(1));
    assertThat(limiter.nanosUntilSend()).isBetween(Duration.ofMillis(1000).toNanos(), wait);
    clock.advance(Duration.ofMillis(1002));
    assertThat(limiter.nanosUntilSend()).isZero();
  }

  @Test
  void theBytesLimitPacesOnItsOwn() {
    RateLimiter limiter = limiter(0, 1 << 20, RateLimiter.Policy.SPILL);

    limiter.sent(1, 2 << 20);

    assertThat(limiter.nanosUntilSend()).isGreaterThan(Duration.ofMillis(990).toNanos());
    clock.advance(Duration.ofSeconds(1).plusMillis(1));
    assertThat(limiter.nanosUntilSend()).isZero();
  }

  @Test
  void spillAdmitsEverythingAtTheDoor() {
    RateLimiter limiter = limiter(10, 0, RateLimiter.Policy.SPILL);

    for (int i = 0; i < 100; i++) {
      assertThat(limiter.admit(10, 100)).isTrue();
    }
  }

  @Test
  void dropTurnsAwayWhatDoesNotFitAndAdmitsAgainOnceTheBucketRefills() {
    RateLimiter limiter = limiter(100, 0, RateLimiter.Policy.DROP);

    assertThat(limiter.admit(60, 0)).isTrue();
    assertThat(limiter.admit(60, 0)).isFalse();
    assertThat(limiter.admit(40, 0)).isTrue();
    assertThat(limiter.admit(1, 0)).isFalse();

    clock.advance(Duration.ofMillis(500));
    assertThat(limiter.admit(50, 0)).isTrue();
    assertThat(limiter.admit(1, 0)).isFalse();
  }

  @Test
  void aBatchLargerThanTheBurstIsAdmittedWhenTheBucketIsFull() {
    RateLimiter limiter = limiter(100, 0, RateLimiter.Policy.DROP);

    // No batch size is refused for ever: a full bucket lets a large one through, into debt.
    assertThat(limiter.admit(500, 0)).isTrue();
    assertThat(limiter.admit(500, 0)).isFalse();
    clock.advance(Duration.ofSeconds(4));
    assertThat(limiter.admit(500, 0)).isFalse();
    clock.advance(Duration.ofSeconds(2));
    assertThat(limiter.admit(500, 0)).isTrue();
  }

  @Test
  void sampleSaysOneInHowManyTracesFitWhatTheBucketHolds() {
    RateLimiter limiter = limiter(100, 0, RateLimiter.Policy.SAMPLE);
    assertThat(limiter.admit(75, 0)).isTrue();

    // 25 left for a batch of 100: one trace in four.
    assertThat(limiter.admit(100, 0)).isFalse();
    assertThat(limiter.sampleRatio(100, 0)).isEqualTo(4);
    limiter.admitSampled(25, 0);

    // Nothing left: keep (almost) nothing.
    assertThat(limiter.sampleRatio(100, 0)).isEqualTo(Integer.MAX_VALUE);
    // Room for nearly all of it: still at least one in two, as the batch did not fit.
    clock.advance(Duration.ofMillis(990));
    assertThat(limiter.sampleRatio(100, 0)).isEqualTo(2);
  }

  @Test
  void newRatesKeepTheBurstAndThePolicy() {
    RateLimiter limiter = limiter(100, 0, RateLimiter.Policy.DROP);

    limiter.setRates(0, 1000);

    assertThat(limiter.settings())
        .isEqualTo(new RateLimiter.Settings(0, 1000, Duration.ofSeconds(1), RateLimiter.Policy.DROP));
    assertThat(limiter.admit(1_000_000, 1000)).isTrue();
    assertThat(limiter.admit(1, 1)).isFalse();
    assertThatThrownBy(() -> limiter.setRates(-1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rates must not be negative, were -1 items/s and 0 bytes/s");
  }
}
