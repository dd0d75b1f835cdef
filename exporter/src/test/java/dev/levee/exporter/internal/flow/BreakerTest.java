package dev.levee.exporter.internal.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.testing.time.TestClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The breaker's decisions on a fake clock: when it opens, how long it waits, how it closes. */
class BreakerTest {
  private static final long MS = 1_000_000L;

  private final TestClock clock = TestClock.create();

  /** A count window of 10 calls, judged from 4, opening at 50% failures, waiting 10 s, 2 probes. */
  private final Breaker.Settings settings =
      new Breaker.Settings(
          true, 50, 100, Duration.ofSeconds(5), false, 10, 4, Duration.ofSeconds(10), 2);

  private final Breaker breaker = new Breaker("backend:4317", settings, clock);

  @Test
  void beforeItsFirstRequestItIsClosedOrDisabledAndTheOperatorsCallsDoNothing() {
    Breaker disabled = new Breaker("backend:4317", settings.disabled(), clock);
    assertThat(disabled.state()).isEqualTo(Breaker.State.DISABLED);
    assertThat(breaker.state()).isEqualTo(Breaker.State.CLOSED);
    breaker.probeNow();
    breaker.reset();
    assertThat(breaker.state()).isEqualTo(Breaker.State.CLOSED);
    assertThat(breaker.remainingOpenNanos()).isZero();
    // The first request makes the state machine, as configured.
    assertThat(disabled.tryAcquire()).isTrue();
    assertThat(disabled.state()).isEqualTo(Breaker.State.DISABLED);
    for (int i = 0; i < 4; i++) {
      assertThat(breaker.tryAcquire()).isTrue();
      breaker.onFailure(MS, "UNAVAILABLE");
    }
    assertThat(breaker.state()).isEqualTo(Breaker.State.OPEN);
  }

  @Test
  void anAnswerToARequestThatDidNotAskItDoesNotMakeTheStateMachine() {
    // As at shutdown: the request went without tryAcquire and was answered.
    breaker.onAnswer(20 * MS);
    for (int i = 0; i < 3; i++) {
      breaker.onFailure(MS, "UNAVAILABLE");
    }
    // Three calls in its window, under the minimum of four: the answer was not one of them.
    assertThat(breaker.state()).isEqualTo(Breaker.State.CLOSED);
    breaker.onFailure(MS, "UNAVAILABLE");
    assertThat(breaker.state()).isEqualTo(Breaker.State.OPEN);
  }

  @Test
  void staysClosedWhileFailuresAreBelowTheRate() {
    for (int i = 0; i < 10; i++) {
      assertThat(breaker.tryAcquire()).isTrue();
      if (i % 4 == 1) {
        breaker.onFailure(20 * MS, "UNAVAILABLE");
      } else {
        breaker.onAnswer(20 * MS);
      }
    }

    assertThat(breaker.state()).isEqualTo(Breaker.State.CLOSED);
    assertThat(breaker.openings()).isZero();
    assertThat(breaker.remainingOpenNanos()).isZero();
  }

  @Test
  void judgesNothingBeforeTheMinimumNumberOfCalls() {
    for (int i = 0; i < 3; i++) {
      breaker.onFailure(MS, "UNAVAILABLE");
    }
    assertThat(breaker.state()).isEqualTo(Breaker.State.CLOSED);

    breaker.onFailure(MS, "UNAVAILABLE");
    assertThat(breaker.state()).isEqualTo(Breaker.State.OPEN);
    assertThat(breaker.openings()).isEqualTo(1);
  }

  @Test
  void opensAtTheFailureRateAndWaitsOutItsOpenTimeOnTheClock() {
    openIt();

    assertThat(breaker.tryAcquire()).isFalse();
    assertThat(breaker.remainingOpenNanos()).isEqualTo(Duration.ofSeconds(10).toNanos());
    clock.advance(Duration.ofSeconds(4));
    assertThat(breaker.remainingOpenNanos()).isEqualTo(Duration.ofSeconds(6).toNanos());
    assertThat(breaker.tryAcquire()).isFalse();

    clock.advance(Duration.ofSeconds(6));
    assertThat(breaker.remainingOpenNanos()).isZero();
    // The open wait is over (resilience4j lets probes through strictly after it): a probe goes.
    clock.advance(Duration.ofMillis(1));
    assertThat(breaker.tryAcquire()).isTrue();
    assertThat(breaker.state()).isEqualTo(Breaker.State.HALF_OPEN);
  }

  @Test
  void closesWhenEveryProbeIsAnswered() {
    openIt();
    clock.advance(Duration.ofSeconds(10).plusMillis(1));

    assertThat(breaker.tryAcquire()).isTrue();
    assertThat(breaker.tryAcquire()).isTrue();
    // Two probes in flight: no third request while half-open.
    assertThat(breaker.tryAcquire()).isFalse();
    breaker.onAnswer(5 * MS);
    breaker.onAnswer(5 * MS);

    assertThat(breaker.state()).isEqualTo(Breaker.State.CLOSED);
    assertThat(breaker.tryAcquire()).isTrue();
  }

  @Test
  void aFailedProbeOpensItAgainForAnotherFullWait() {
    openIt();
    clock.advance(Duration.ofSeconds(10).plusMillis(1));
    breaker.tryAcquire();
    breaker.tryAcquire();
    breaker.onAnswer(5 * MS);
    breaker.onFailure(5 * MS, "UNAVAILABLE");

    assertThat(breaker.state()).isEqualTo(Breaker.State.OPEN);
    assertThat(breaker.openings()).isEqualTo(2);
    assertThat(breaker.remainingOpenNanos()).isEqualTo(Duration.ofSeconds(10).toNanos());
  }

  @Test
  void probesAtOnceWhenTheBackendAcceptsConnectionsAgain() {
    openIt();
    clock.advance(Duration.ofSeconds(1));

    breaker.probeNow();

    assertThat(breaker.state()).isEqualTo(Breaker.State.HALF_OPEN);
    assertThat(breaker.remainingOpenNanos()).isZero();
    assertThat(breaker.tryAcquire()).isTrue();
  }

  @Test
  void slowCallsOpenItOnlyWhenEveryCallIsSlow() {
    // Each request asks the breaker first, as the dispatcher's do.
    assertThat(breaker.tryAcquire()).isTrue();
    breaker.onAnswer(Duration.ofSeconds(1).toNanos());
    for (int i = 0; i < 9; i++) {
      assertThat(breaker.tryAcquire()).isTrue();
      breaker.onAnswer(Duration.ofSeconds(6).toNanos());
    }
    assertThat(breaker.state()).isEqualTo(Breaker.State.CLOSED);

    // One more slow call pushes the fast one out of the window of ten: every call is slow.
    assertThat(breaker.tryAcquire()).isTrue();
    breaker.onAnswer(Duration.ofSeconds(6).toNanos());
    assertThat(breaker.state()).isEqualTo(Breaker.State.OPEN);
  }

  @Test
  void resetClosesItAndForgetsTheWindow() {
    openIt();

    breaker.reset();

    assertThat(breaker.state()).isEqualTo(Breaker.State.CLOSED);
    breaker.onFailure(MS, "UNAVAILABLE");
    assertThat(breaker.state()).isEqualTo(Breaker.State.CLOSED);
  }

  @Test
  void aDisabledBreakerLetsEverythingThrough() {
    Breaker disabled = new Breaker("backend:4317", settings.disabled(), clock);
    for (int i = 0; i < 50; i++) {
      assertThat(disabled.tryAcquire()).isTrue();
      disabled.onFailure(MS, "UNAVAILABLE");
    }

    assertThat(disabled.state()).isEqualTo(Breaker.State.DISABLED);
    assertThat(disabled.openings()).isZero();
  }

  private void openIt() {
    for (int i = 0; i < 4; i++) {
      assertThat(breaker.tryAcquire()).isTrue();
      breaker.onFailure(MS, "UNAVAILABLE");
    }
    assertThat(breaker.state()).isEqualTo(Breaker.State.OPEN);
  }

  @Test
  void answeredErrorsAmongSuccessesNeverOpenIt() {
    Breaker judged = new Breaker("backend:4317", Breaker.Settings.DEFAULT, clock);
    for (int i = 0; i < 1_000; i++) {
      if (i % 10 < 2) {
        judged.onErrorAnswer(20 * MS, "UNAVAILABLE");
      } else if (i % 10 < 3) {
        judged.onAnswer(20 * MS); // throttled: an answer
      } else {
        judged.onAnswer(20 * MS);
      }
      // runs of failures as a random 30% would have: five in a row now and then
      if (i % 100 == 50) {
        for (int j = 0; j < 5; j++) {
          judged.onErrorAnswer(20 * MS, "UNAVAILABLE");
        }
      }
    }
    assertThat(judged.state()).isEqualTo(Breaker.State.CLOSED);
    assertThat(judged.openings()).isZero();
  }

  @Test
  void throttlingNeverOpensIt() {
    Breaker judged = new Breaker("backend:4317", Breaker.Settings.DEFAULT, clock);
    for (int i = 0; i < 100; i++) {
      judged.onAnswer(20 * MS); // RESOURCE_EXHAUSTED is recorded as an answer
    }
    assertThat(judged.state()).isEqualTo(Breaker.State.CLOSED);
  }

  @Test
  void aBackendAnsweringErrorsToNearlyEverythingOpensIt() {
    Breaker judged = new Breaker("backend:4317", Breaker.Settings.DEFAULT, clock);
    // 20 calls, judged from 10: at 90% of them failing with an answer, it opens.
    for (int i = 0; i < 8; i++) {
      judged.onErrorAnswer(MS, "UNAVAILABLE");
    }
    judged.onAnswer(MS);
    assertThat(judged.state()).isEqualTo(Breaker.State.CLOSED); // 8 of 9: not judged yet
    judged.onErrorAnswer(MS, "UNAVAILABLE");
    assertThat(judged.state()).isEqualTo(Breaker.State.OPEN); // 9 of 10
    assertThat(judged.openings()).isEqualTo(1);

    clock.advance(Duration.ofMillis(10_001));
    assertThat(judged.tryAcquire()).isTrue(); // half-open: two probes
    assertThat(judged.tryAcquire()).isTrue();
    judged.onAnswer(MS);
    judged.onErrorAnswer(MS, "UNAVAILABLE"); // a probe that fails, even with an answer, reopens
    assertThat(judged.state()).isEqualTo(Breaker.State.OPEN);
    assertThat(judged.openings()).isEqualTo(2);
  }

  @Test
  void noAnswerOpensItAtTheFailureRateWhileAnsweredErrorsNeedTheErrorRate() {
    Breaker judged = new Breaker("backend:4317", Breaker.Settings.DEFAULT, clock);
    for (int i = 0; i < 10; i++) {
      if (i % 2 == 0) {
        judged.onErrorAnswer(MS, "UNAVAILABLE");
      } else {
        judged.onAnswer(MS);
      }
    }
    assertThat(judged.state()).isEqualTo(Breaker.State.CLOSED); // 50% answered errors
    for (int i = 0; i < 10; i++) {
      if (i % 2 == 0) {
        judged.onFailure(MS, "UNAVAILABLE"); // refused
      } else {
        judged.onAnswer(MS);
      }
    }
    // Half of the last requests got no answer (and answered errors count as answers there).
    assertThat(judged.state()).isEqualTo(Breaker.State.CLOSED);
    for (int i = 0; i < 6; i++) {
      judged.onFailure(MS, "UNAVAILABLE");
    }
    assertThat(judged.state()).isEqualTo(Breaker.State.OPEN);
  }

  @Test
  void closingForgetsTheErrorsBefore() {
    Breaker judged = new Breaker("backend:4317", Breaker.Settings.DEFAULT, clock);
    for (int i = 0; i < 10; i++) {
      judged.onErrorAnswer(MS, "UNAVAILABLE");
    }
    assertThat(judged.state()).isEqualTo(Breaker.State.OPEN);
    clock.advance(Duration.ofMillis(10_001));
    assertThat(judged.tryAcquire()).isTrue();
    judged.onAnswer(MS);
    assertThat(judged.tryAcquire()).isTrue();
    judged.onAnswer(MS);
    assertThat(judged.state()).isEqualTo(Breaker.State.CLOSED);

    judged.onErrorAnswer(MS, "UNAVAILABLE"); // one error after closing is one in one, not judged
    assertThat(judged.state()).isEqualTo(Breaker.State.CLOSED);
  }
}
