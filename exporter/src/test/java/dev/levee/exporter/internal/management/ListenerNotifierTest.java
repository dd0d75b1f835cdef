package dev.levee.exporter.internal.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.levee.buffer.LeveeListener;
import dev.levee.buffer.Signal;
import dev.levee.exporter.DropReason;
import dev.levee.exporter.LeveeStats;
import io.opentelemetry.sdk.common.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class ListenerNotifierTest {
  private final List<String> heard = new ArrayList<>();
  private final LeveeListener listener =
      new LeveeListener() {
        @Override
        public void onDrop(Signal signal, String reason, long items) {
          heard.add("drop " + reason + " " + items);
        }

        @Override
        public void onSpill(Signal signal, long items) {
          heard.add("spill " + items);
        }

        @Override
        public void onBreakerStateChange(Signal signal, String from, String to) {
          heard.add("breaker " + from + " -> " + to);
        }
      };
  private final ListenerNotifier notifier =
      new ListenerNotifier(
          Signal.SPANS,
          List.of(listener),
          new ThrottledLogger(Logger.getLogger("dev.levee.test.ListenerNotifierTest"), Clock.getDefault(), 1),
          (resource, used, limit, above, journalOpen) -> {});

  private static LeveeStats stats(long memoryFull, long journaled, String breaker) {
    return new LeveeStats(
        Signal.SPANS, 100, 0, 0, Map.of(DropReason.MEMORY_FULL, memoryFull), 0, journaled, 0, 0, 0, 4096,
        true, breaker, 0, 65536, 1, 0, 1 << 30);
  }

  @Test
  void whatHappenedBeforeTheFirstLookIsToldToo() {
    // The exporter dropped, spilled and opened its breaker before the dispatcher first looked.
    notifier.notify(stats(38, 12, "open"));
    assertThat(heard).containsExactly("drop memory_full 38", "spill 12", "breaker closed -> open");

    notifier.notify(stats(40, 12, "open"));
    assertThat(heard).endsWith("drop memory_full 2").hasSize(4);
  }

  @Test
  void aQuietStartIsNotAnEvent() {
    notifier.notify(stats(0, 0, "closed"));
    assertThat(heard).isEmpty();
  }
}
