package dev.levee.config.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.levee.buffer.Signal;
import dev.levee.exporter.LeveeLogRecordExporter;
import dev.levee.exporter.LeveeMetricExporter;
import dev.levee.exporter.LeveeSpanExporter;
import io.opentelemetry.sdk.autoconfigure.spi.internal.DefaultConfigProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The configuration reference in README.md against the keys the code reads: no undocumented key,
 * no documented key the code ignores, and "(inherited)" exactly on the keys that fall back to the
 * OTLP exporter's.
 */
class ConfigurationReferenceTest {
  private static final Pattern KEY = Pattern.compile("`([a-z0-9.]+)`");

  /** Every key each signal's configuration reads; keys only metrics read are per-signal keys. */
  private static Map<String, Boolean> keysTheCodeReads() {
    Map<String, Boolean> keys = new TreeMap<>();
    for (Signal signal : Signal.values()) {
      LeveeProperties properties =
          new LeveeProperties(DefaultConfigProperties.createFromMap(Map.of()), signal);
      BuilderConfigurer configurer = new BuilderConfigurer(properties);
      switch (signal) {
        case SPANS -> {
          configurer.configure(LeveeSpanExporter.builder());
          ProcessorChoice.leveeProcessor(properties);
        }
        case LOGS -> {
          configurer.configure(LeveeLogRecordExporter.builder());
          ProcessorChoice.leveeProcessor(properties);
        }
        case METRICS -> configurer.configureMetrics(configurer.configure(LeveeMetricExporter.builder()));
      }
      properties.keysRead().forEach((key, inherited) -> keys.merge(key, inherited, Boolean::logicalOr));
    }
    // Keys only the metric exporter reads are documented with their signal.
    LeveeProperties spans = new LeveeProperties(DefaultConfigProperties.createFromMap(Map.of()), Signal.SPANS);
    new BuilderConfigurer(spans).configure(LeveeSpanExporter.builder());
    ProcessorChoice.leveeProcessor(spans);
    Map<String, Boolean> documentedForm = new TreeMap<>();
    keys.forEach(
        (key, inherited) ->
            documentedForm.put(spans.keysRead().containsKey(key) ? key : "metrics." + key, inherited));
    return documentedForm;
  }

  /** The keys in the README's configuration table, each with whether it says "(inherited)". */
  private static Map<String, Boolean> keysTheReadmeDocuments() throws IOException {
    Path readme = Path.of("..", "README.md");
    String text = Files.readString(readme);
    int start = text.indexOf("## Configuration");
    int end = text.indexOf("\n## ", start + 1);
    assertThat(start).as("README.md has a Configuration section").isNotNegative();
    Map<String, Boolean> keys = new TreeMap<>();
    for (String line : text.substring(start, end < 0 ? text.length() : end).split("\n")) {
      if (!line.startsWith("| `")) {
        continue;
      }
      String firstCell = line.substring(1, line.indexOf('|', 1));
      boolean inherited = firstCell.contains("(inherited)");
      Matcher matcher = KEY.matcher(firstCell);
      while (matcher.find()) {
        keys.put(matcher.group(1), inherited);
      }
    }
    return keys;
  }

  @Test
  void theReadmeDocumentsExactlyTheKeysTheCodeReads() throws IOException {
    Map<String, Boolean> read = keysTheCodeReads();
    Map<String, Boolean> documented = keysTheReadmeDocuments();

    assertThat(read.keySet()).as("keys read but not documented in README.md").isSubsetOf(documented.keySet());
    assertThat(documented.keySet()).as("keys documented but never read").isSubsetOf(read.keySet());
    assertThat(documented).as("keys marked (inherited) in README.md").isEqualTo(read);
  }
}
