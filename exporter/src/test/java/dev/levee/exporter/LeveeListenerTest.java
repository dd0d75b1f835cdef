package dev.levee.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.levee.testing.Ports;
import dev.levee.testing.TestData;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Listeners registered with ServiceLoader hear of drops, thresholds and breaker changes. */
class LeveeListenerTest {

  @BeforeEach
  void clear() {
    RecordingListener.EVENTS.clear();
    RecordingListener.fail = false;
  }

  @AfterEach
  void reset() {
    RecordingListener.fail = false;
  }

  private static long heardMemoryFull() {
    return RecordingListener.EVENTS.stream()
        .filter(e -> e.startsWith("drop traces memory_full "))
        .mapToLong(e -> Long.parseLong(e.substring(e.lastIndexOf(' ') + 1)))
        .sum();
  }

  @Test
  void hearsOfDropsTheMemoryThresholdAndTheBreaker() {
    LeveeSpanExporter exporter =
        LeveeSpanExporter.builder()
            .setEndpoint(Ports.closedPortEndpoint())
            .setMemoryLimitBytes(4096)
            .setCircuitBreakerWindow(2)
            .setCircuitBreakerMinimumCalls(2)
            .setCircuitBreakerOpenWait(Duration.ofMinutes(10))
            .setShutdownTimeout(Duration.ofMillis(200))
            .build();
    try {
      for (int i = 0; i < 60; i++) {
        exporter.export(TestData.spans(1, "listened")); // small chunks: memory fills past 80%
      }
      long memoryFull = exporter.stats().dropped(DropReason.MEMORY_FULL);
      assertThat(memoryFull).isPositive();

      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  RecordingListener.EVENTS.contains("breaker traces closed -> open")
                      && RecordingListener.EVENTS.contains("threshold traces memory above"));
      // Counts come aggregated every half second: the listener catches up with every drop.
      await().atMost(Duration.ofSeconds(30)).until(() -> heardMemoryFull() == memoryFull);
      assertThat(heardMemoryFull()).isEqualTo(exporter.stats().dropped(DropReason.MEMORY_FULL));
    } finally {
      exporter.shutdown().join(10, TimeUnit.SECONDS);
    }
    // What shutdown dropped is told too.
    assertThat(RecordingListener.EVENTS).anyMatch(e -> e.startsWith("drop traces shutdown "));
  }

  @Test
  void memoryPastEightyPercentIsLoggedOnceWithWhatToDo() {
    try (dev.levee.testing.LogCapture logs = dev.levee.testing.LogCapture.of("dev.levee")) {
      LeveeSpanExporter exporter =
          LeveeSpanExporter.builder()
              .setEndpoint(Ports.closedPortEndpoint())
              .setMemoryLimitBytes(4096)
              .setShutdownTimeout(Duration.ofMillis(200))
              .build();
      try {
        for (int i = 0; i < 60; i++) {
          exporter.export(TestData.spans(1, "filling"));
        }
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> logs.messages(java.util.logging.Level.WARNING).stream().anyMatch(m -> m.contains("% full")));
        assertThat(logs.messages(java.util.logging.Level.WARNING).stream().filter(m -> m.contains("% full (")))
            .hasSize(1)
            .allSatisfy(m -> assertThat(m).contains("Raise otel.exporter.levee.memory.limit or check the backend."));
      } finally {
        exporter.shutdown().join(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aFailingListenerDoesNotStopDelivery() {
    RecordingListener.fail = true;
    LeveeSpanExporter exporter =
        LeveeSpanExporter.builder()
            .setEndpoint(Ports.closedPortEndpoint())
            .setMemoryLimitBytes(2048)
            .setShutdownTimeout(Duration.ofMillis(200))
            .build();
    try {
      for (int i = 0; i < 10; i++) {
        exporter.export(TestData.spans(10, "failing-listener"));
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> RecordingListener.EVENTS.stream().anyMatch(e -> e.startsWith("drop")));
      exporter.export(TestData.spans(1, "after"));
      assertThat(exporter.stats().offered()).isEqualTo(101);
    } finally {
      exporter.shutdown().join(10, TimeUnit.SECONDS);
    }
    LeveeStats stats = exporter.stats();
    assertThat(stats.offered()).isEqualTo(stats.delivered() + stats.droppedTotal() + stats.pending());
  }
}
