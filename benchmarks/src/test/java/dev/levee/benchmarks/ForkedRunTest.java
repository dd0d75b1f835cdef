package dev.levee.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.levee.benchmarks.SideBySide.DrainWatch;
import dev.levee.benchmarks.SideBySide.Run;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ForkedRunTest {

  @Test
  void aRunWithDropsAndADrainComesBackAsItWent() {
    Map<String, Long> drops = new LinkedHashMap<>();
    drops.put("memory_full", 12L);
    drops.put("shutdown", 3L);
    Run run =
        new Run(
            1954.25, 120_291, 120_280, 11, 25.58, 25.54, 26.42, 41.07, 9.5, drops, 0.0, 0.0, 17.5,
            new DrainWatch.Drain(68_036.2, 1_224_151, 950, 17.1, true), 120_291);

    String line = ForkedRun.encode(run);

    assertThat(line).doesNotContain("\n");
    assertThat(ForkedRun.decode(line)).isEqualTo(run);
  }

  @Test
  void aRunWithoutDropsOrDrainComesBackAsItWent() {
    Run run = new Run(331.0, 4_000, 3_990, 0, 74.81, 462.78, 110.11, 175.59, 5.0, Map.of(), 15.7, 11.62, 0.0, null, 3_990);

    assertThat(ForkedRun.decode(ForkedRun.encode(run))).isEqualTo(run);
  }

  @Test
  void aChildTouchesItsHeapAtStartAndTakesTheFlagsGiven() {
    String before = System.getProperty("levee.bench.jvmArgs");
    try {
      System.clearProperty("levee.bench.jvmArgs");
      List<String> plain = JournalSideBySide.javaCommand(SideBySide.class);
      System.setProperty("levee.bench.jvmArgs", " -XX:-AlwaysPreTouch  -Xlog:gc ");
      List<String> given = JournalSideBySide.javaCommand(SideBySide.class);

      assertThat(plain).contains("-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch");
      assertThat(plain.get(plain.size() - 1)).isEqualTo(SideBySide.class.getName());
      // Given flags come after the touch (the later flag wins) and before the class path.
      assertThat(given.indexOf("-XX:-AlwaysPreTouch")).isGreaterThan(given.indexOf("-XX:+AlwaysPreTouch"));
      assertThat(given.indexOf("-Xlog:gc")).isLessThan(given.indexOf("-cp"));
      assertThat(given).doesNotContain("");
    } finally {
      if (before == null) {
        System.clearProperty("levee.bench.jvmArgs");
      } else {
        System.setProperty("levee.bench.jvmArgs", before);
      }
    }
  }
}
