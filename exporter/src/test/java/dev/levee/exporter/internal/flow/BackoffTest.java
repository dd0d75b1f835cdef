package dev.levee.exporter.internal.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void ceilingDoublesUpToTheMaximum() {
    List<Long> bounds = new ArrayList<>();
    Backoff backoff =
        new Backoff(
            100,
            1000,
            bound -> {
              bounds.add(bound);
              return bound - 1;
            });
    List<Long> delays = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      delays.add(backoff.nextDelayNanos());
    }
    assertThat(delays).containsExactly(100L, 200L, 400L, 800L, 1000L, 1000L);
    assertThat(bounds).containsExactly(101L, 201L, 401L, 801L, 1001L, 1001L);
    assertThat(backoff.attempts()).isEqualTo(6);
  }

  @Test
  void fullJitterCanWaitNothing() {
    Backoff backoff = new Backoff(100, 1000, bound -> 0);
    assertThat(backoff.nextDelayNanos()).isZero();
  }

  @Test
  void resetStartsOver() {
    Backoff backoff = new Backoff(100, 1000, bound -> bound - 1);
    backoff.nextDelayNanos();
    backoff.nextDelayNanos();
    backoff.reset();
    assertThat(backoff.nextDelayNanos()).isEqualTo(100);
  }

  @Test
  void rejectsMaximumBelowInitial() {
    assertThatThrownBy(() -> new Backoff(100, 10, bound -> 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("backoff needs 0 < initial <= max, was initial=100 max=10");
  }
}
