package dev.levee.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StartupOverheadTest {

  @Test
  void differencesAreTakenRunByRun() {
    assertThat(StartupOverhead.differences(List.of(10L, 25L, 7L), List.of(4L, 30L, 7L)))
        .containsExactly(6L, -5L, 0L);
    assertThat(StartupOverhead.pairedMedian(List.of(10L, 25L, 7L), List.of(4L, 30L, 7L))).isZero();
  }

  @Test
  void theIntervalOfRunsThatAllAgreeIsThatValue() {
    assertThat(StartupOverhead.bootstrapInterval(List.of(42L, 42L, 42L, 42L, 42L)))
        .containsExactly(42L, 42L);
  }

  @Test
  void theIntervalHoldsTheMedianNarrowsWithMoreRunsAndIsTheSameForTheSameRuns() {
    List<Long> few = new ArrayList<>();
    List<Long> many = new ArrayList<>();
    for (long i = 0; i < 10; i++) {
      few.add(i * 10);
    }
    for (int copy = 0; copy < 10; copy++) {
      many.addAll(few);
    }

    long[] fewInterval = StartupOverhead.bootstrapInterval(few);
    long[] manyInterval = StartupOverhead.bootstrapInterval(many);

    assertThat(fewInterval[0]).isLessThanOrEqualTo(StartupOverhead.median(few));
    assertThat(fewInterval[1]).isGreaterThanOrEqualTo(StartupOverhead.median(few));
    assertThat(manyInterval[1] - manyInterval[0]).isLessThan(fewInterval[1] - fewInterval[0]);
    assertThat(StartupOverhead.bootstrapInterval(few)).containsExactly(fewInterval);
  }
}
