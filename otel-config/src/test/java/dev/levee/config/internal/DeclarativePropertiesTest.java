package dev.levee.config.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.levee.buffer.Signal;
import dev.levee.exporter.LeveeSpanExporter;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The YAML node of a {@code levee} exporter, in the shape the SDK's parser hands it over. */
class DeclarativePropertiesTest {

  private static Map<String, Object> yaml(Object... keysAndValues) {
    Map<String, Object> node = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      node.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return node;
  }

  @Test
  void nestingUnderscoresAndDotsAllSpellTheSameKey() {
    DeclarativeProperties properties =
        DeclarativeProperties.fromMap(
            yaml(
                "memory_limit", "64MiB",
                "journal", yaml("mode", "write_ahead", "drain_order", "newest_first"),
                "batch.max.size", "1MiB",
                "max_concurrency", 2L));
    assertThat(properties.keys())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "memory.limit", "64MiB",
                "journal.mode", "write_ahead",
                "journal.drain.order", "newest_first",
                "batch.max.size", "1MiB",
                "max.concurrency", "2"));
    LeveeProperties read = properties.properties(Signal.SPANS);
    assertThat(LeveeProperties.parseSize(read.levee("memory.limit").orElseThrow()))
        .isEqualTo(64L << 20);
    assertThat(read.levee("journal.drain.order").orElseThrow().value()).isEqualTo("newest_first");
    assertThat(LeveeProperties.parsePositiveInt(read.levee("max.concurrency").orElseThrow()))
        .isEqualTo(2);
  }

  @Test
  void theOtlpGrpcExportersOwnKeysKeepWorking() {
    DeclarativeProperties properties =
        DeclarativeProperties.fromMap(
            yaml(
                "endpoint", "https://collector:4317",
                "headers",
                    List.of(
                        yaml("name", "authorization", "value", "Bearer a=b,c"),
                        yaml("name", "x-tenant", "value", "blue")),
                "timeout", 2500,
                "compression", "gzip",
                "tls", yaml("ca_file", "/etc/ca.pem", "key_file", "/k.pem", "cert_file", "/c.pem")));
    LeveeProperties read = properties.properties(Signal.LOGS);
    assertThat(LeveeProperties.parseHeaders(read.inherited("headers").orElseThrow()))
        .containsExactly(Map.entry("authorization", "Bearer a=b,c"), Map.entry("x-tenant", "blue"));
    assertThat(LeveeProperties.parseDuration(read.inherited("timeout").orElseThrow()))
        .isEqualTo(Duration.ofMillis(2500));
    assertThat(read.inherited("certificate").orElseThrow().value()).isEqualTo("/etc/ca.pem");
    assertThat(read.inherited("client.key").orElseThrow().value()).isEqualTo("/k.pem");
    assertThat(read.inherited("client.certificate").orElseThrow().value()).isEqualTo("/c.pem");
    assertThat(read.inherited("compression").orElseThrow().value()).isEqualTo("gzip");
  }

  @Test
  void headersListIsTheCommaFormAndTheStructuredFormWins() {
    assertThat(
            DeclarativeProperties.fromMap(yaml("headers_list", "a=1,b=2")).keys())
        .containsExactly(Map.entry("headers", "a=1,b=2"));
    assertThat(
            DeclarativeProperties.fromMap(
                    yaml(
                        "headers", List.of(yaml("name", "a", "value", "9")),
                        "headers_list", "a=1"))
                .keys())
        .containsExactly(Map.entry("headers", "a=9"));
  }

  @Test
  void aListOfPlainValuesIsCommaSeparated() {
    assertThat(
            DeclarativeProperties.fromMap(
                    yaml("endpoints", List.of("http://a:4317", "http://b:4317"), "endpoints_mode", "round_robin"))
                .keys())
        .containsEntry("endpoints", "http://a:4317,http://b:4317")
        .containsEntry("endpoints.mode", "round_robin");
  }

  @Test
  void aShapeLeveeCannotReadNamesItsKey() {
    assertThatThrownBy(
            () -> DeclarativeProperties.fromMap(yaml("endpoints", List.of(yaml("url", "x")))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'endpoints'");
    assertThatThrownBy(
            () -> DeclarativeProperties.fromMap(yaml("headers", List.of(yaml("value", "x")))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'headers'")
        .hasMessageContaining("'name' and 'value'");
  }

  @Test
  void aBadValueIsReportedWithItsYamlKeyAndTheDefaultIsUsed() {
    LeveeProperties read =
        DeclarativeProperties.fromMap(yaml("memory", yaml("limit", "12XB"))).properties(Signal.SPANS);
    BuilderConfigurer configurer = new BuilderConfigurer(read);
    configurer.configure(LeveeSpanExporter.builder());
    assertThat(configurer.problems())
        .anySatisfy(
            problem ->
                assertThat(problem)
                    .contains("'memory.limit' of the levee spans exporter in the declarative configuration")
                    .contains("'12XB'")
                    .contains("using 32MiB instead"));
  }

  @Test
  void keysLeveeNeverReadsAreReportedAsUnknown() {
    DeclarativeProperties properties =
        DeclarativeProperties.fromMap(
            yaml("memory_limit", "8MiB", "memroy_limit", "8MiB", "journal", yaml("colour", "blue")));
    LeveeProperties read = properties.properties(Signal.SPANS);
    new BuilderConfigurer(read).configure(LeveeSpanExporter.builder());
    assertThat(properties.unknownKeys(read)).containsExactly("journal.colour", "memroy.limit");
  }
}
