package dev.levee.config.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.levee.buffer.Signal;
import dev.levee.config.internal.LeveeProperties.Found;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.opentelemetry.sdk.autoconfigure.spi.internal.DefaultConfigProperties;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeveePropertiesTest {

  private static LeveeProperties properties(Signal signal, Map<String, String> values) {
    return new LeveeProperties(DefaultConfigProperties.createFromMap(values), signal);
  }

  private static Found found(String value) {
    return new Found("otel.exporter.levee.memory.limit", value);
  }

  @Test
  void perSignalLeveeKeyWinsOverEverythingElse() {
    Map<String, String> values =
        Map.of(
            "otel.exporter.levee.traces.endpoint", "http://a:1",
            "otel.exporter.levee.endpoint", "http://b:2",
            "otel.exporter.otlp.traces.endpoint", "http://c:3",
            "otel.exporter.otlp.endpoint", "http://d:4");
    assertThat(properties(Signal.SPANS, values).inherited("endpoint"))
        .contains(new Found("otel.exporter.levee.traces.endpoint", "http://a:1"));
    assertThat(properties(Signal.LOGS, values).inherited("endpoint"))
        .contains(new Found("otel.exporter.levee.endpoint", "http://b:2"));
  }

  @Test
  void fallsBackToTheOtlpExporterKeysPerSignalFirst() {
    Map<String, String> values =
        Map.of(
            "otel.exporter.otlp.metrics.timeout", "3s",
            "otel.exporter.otlp.timeout", "4s");
    assertThat(properties(Signal.METRICS, values).inherited("timeout"))
        .contains(new Found("otel.exporter.otlp.metrics.timeout", "3s"));
    assertThat(properties(Signal.SPANS, values).inherited("timeout"))
        .contains(new Found("otel.exporter.otlp.timeout", "4s"));
  }

  @Test
  void leveeOnlyKeysDoNotReadOtlpKeys() {
    Map<String, String> values = Map.of("otel.exporter.otlp.memory.limit", "1MiB");
    assertThat(properties(Signal.SPANS, values).levee("memory.limit")).isEmpty();
  }

  @Test
  void parsesSizes() {
    assertThat(LeveeProperties.parseSize(found("65536"))).isEqualTo(65536);
    assertThat(LeveeProperties.parseSize(found("512KiB"))).isEqualTo(512 * 1024);
    assertThat(LeveeProperties.parseSize(found("64MiB"))).isEqualTo(64L << 20);
    assertThat(LeveeProperties.parseSize(found("2 GiB"))).isEqualTo(2L << 30);
    assertThat(LeveeProperties.parseSize(found("100B"))).isEqualTo(100);
  }

  @Test
  void rejectsBadSizesNamingPropertyAndValue() {
    assertThatThrownBy(() -> LeveeProperties.parseSize(found("12XB")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "Invalid value for otel.exporter.levee.memory.limit: '12XB' (expected a size such as"
                + " 65536, 512KiB, 64MiB or 1GiB)");
    assertThatThrownBy(() -> LeveeProperties.parseSize(found("-5MiB")))
        .hasMessageStartingWith("Invalid value for otel.exporter.levee.memory.limit: '-5MiB'");
    assertThatThrownBy(() -> LeveeProperties.parseSize(found("0")))
        .hasMessage(
            "Invalid value for otel.exporter.levee.memory.limit: '0' (a size must be positive)");
    assertThatThrownBy(() -> LeveeProperties.parseSize(found("99999999999GiB")))
        .hasMessage(
            "Invalid value for otel.exporter.levee.memory.limit: '99999999999GiB' (the size is too"
                + " large)");
  }

  @Test
  void parsesDurations() {
    assertThat(LeveeProperties.parseDuration(new Found("p", "250ms")))
        .isEqualTo(Duration.ofMillis(250));
    assertThat(LeveeProperties.parseDuration(new Found("p", "1500"))).isEqualTo(Duration.ofMillis(1500));
    assertThat(LeveeProperties.parseDuration(new Found("p", "10s"))).isEqualTo(Duration.ofSeconds(10));
    assertThat(LeveeProperties.parseDuration(new Found("p", "2m"))).isEqualTo(Duration.ofMinutes(2));
    assertThatThrownBy(() -> LeveeProperties.parseDuration(new Found("otel.exporter.levee.timeout", "soon")))
        .hasMessage(
            "Invalid value for otel.exporter.levee.timeout: 'soon' (expected a duration such as"
                + " 500ms, 10s or 1m)");
  }

  @Test
  void parsesHeadersPercentDecodedAndNeverEchoesThem() {
    assertThat(
            LeveeProperties.parseHeaders(
                new Found("otel.exporter.otlp.headers", "api-key=a%20b,x=1")))
        .containsExactly(Map.entry("api-key", "a b"), Map.entry("x", "1"));
    assertThatThrownBy(
            () ->
                LeveeProperties.parseHeaders(
                    new Found("otel.exporter.levee.headers", "secret-token")))
        .hasMessage(
            "Invalid value for otel.exporter.levee.headers: <redacted> (expected key=value pairs"
                + " separated by commas)");
  }

  @Test
  void parsesChoicesCaseInsensitively() {
    assertThat(LeveeProperties.parseChoice(new Found("p", "GZIP"), "gzip", "none")).isEqualTo("gzip");
    assertThatThrownBy(
            () -> LeveeProperties.parseChoice(new Found("otel.exporter.levee.compression", "zstd"), "gzip", "none"))
        .hasMessage(
            "Invalid value for otel.exporter.levee.compression: 'zstd' (expected one of gzip, none)");
  }

  @Test
  void unreadableFileNamesThePropertyAndPath() {
    Path missing = Path.of("/nonexistent/ca.pem");
    assertThatThrownBy(
            () -> LeveeProperties.readFile(new Found("otel.exporter.otlp.certificate", missing.toString())))
        .hasMessageStartingWith(
            "Invalid value for otel.exporter.otlp.certificate: '/nonexistent/ca.pem' (the file"
                + " cannot be read (java.nio.file.NoSuchFileException");
  }
}
