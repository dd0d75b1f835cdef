package dev.levee.config.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.levee.config.internal.LeveeProperties.Found;
import dev.levee.exporter.LeveeSpanExporter;
import dev.levee.exporter.LeveeSpanExporterBuilder;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class PropertyKeysTest {
  private static List<PropertyKeys.Key> everyKey() {
    return Stream.of(PropertyKeys.SHARED, PropertyKeys.JOURNAL, PropertyKeys.BREAKER)
        .flatMap(List::stream)
        .toList();
  }

  @Test
  void everyKeyInTheTablesHasItsBuilderCallAndRefusesANonsenseValueByName() {
    LeveeSpanExporterBuilder builder = LeveeSpanExporter.builder();
    List<String> keys = new ArrayList<>();
    for (PropertyKeys.Key key : everyKey()) {
      keys.add(key.name());
      Found found = new Found("otel.exporter.levee." + key.name(), "%%nonsense%%");
      // A key without a case in the switch would throw IllegalStateException instead.
      assertThatThrownBy(() -> PropertyKeys.set(key, found, builder))
          .as(key.name())
          .isInstanceOfAny(ConfigurationException.class, IllegalArgumentException.class)
          .isNotInstanceOf(IllegalStateException.class);
    }
    assertThat(keys).doesNotHaveDuplicates().hasSize(30);
  }

  @Test
  void aGoodValueReachesTheBuilder() {
    LeveeSpanExporterBuilder builder = LeveeSpanExporter.builder();
    PropertyKeys.Key memory =
        everyKey().stream().filter(k -> k.name().equals("memory.limit")).findFirst().orElseThrow();
    assertThat(memory.fallback()).isEqualTo("32MiB");
    assertThat(memory.inherited()).isFalse();
    PropertyKeys.set(memory, new Found("otel.exporter.levee.memory.limit", "48MiB"), builder);
    LeveeSpanExporter exporter = builder.build();
    try {
      assertThat(exporter.stats().memoryLimitBytes()).isEqualTo(48L << 20);
    } finally {
      exporter.shutdown();
    }
  }

  @Test
  void aKeyOutsideTheTablesIsAProgrammingErrorNamedAsSuch() {
    assertThatThrownBy(
            () ->
                PropertyKeys.set(
                    new PropertyKeys.Key("no.such.key", false, "x"),
                    new Found("otel.exporter.levee.no.such.key", "1"),
                    LeveeSpanExporter.builder()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no.such.key");
  }
}
