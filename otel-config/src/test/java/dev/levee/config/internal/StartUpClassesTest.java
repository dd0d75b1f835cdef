package dev.levee.config.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.autoconfigure.spi.internal.DefaultConfigProperties;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StartUpClassesTest {
  @Test
  void loadsAheadOnlyWhenLeveeExportsASignal() {
    assertThat(exports(Map.of())).isFalse();
    assertThat(exports(Map.of("otel.traces.exporter", "otlp"))).isFalse();
    assertThat(exports(Map.of("otel.traces.exporter", "leveeish"))).isFalse();
    assertThat(exports(Map.of("otel.traces.exporter", "levee"))).isTrue();
    assertThat(exports(Map.of("otel.metrics.exporter", "otlp, LEVEE "))).isTrue();
    assertThat(exports(Map.of("otel.traces.exporter", "none", "otel.logs.exporter", "levee")))
        .isTrue();
  }

  @Test
  void loadsEveryListedClassThatIsOnTheClassPath() throws IOException {
    List<String> listed;
    try (InputStream in = StartUpClasses.class.getResourceAsStream(StartUpClasses.LIST)) {
      listed = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
    assertThat(listed).contains("dev.levee.exporter.internal.Pipeline");
    // The shaded libraries' names exist only in the extension jar (StartupWorkIT checks those).
    long unshaded = listed.stream().filter(name -> !name.startsWith("dev.levee.shaded.")).count();

    assertThat(StartUpClasses.loadAll()).isEqualTo(unshaded);
  }

  private static boolean exports(Map<String, String> properties) {
    return StartUpClasses.leveeExports(DefaultConfigProperties.createFromMap(properties));
  }
}
