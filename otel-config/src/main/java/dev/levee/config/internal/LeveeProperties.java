package dev.levee.config.internal;

import dev.levee.buffer.Signal;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads Levee's properties for one signal, with the lookup order users expect from the OTLP
 * exporter.
 *
 * <p>For a key {@code k} and signal {@code s} (traces, metrics, logs):
 *
 * <ol>
 *   <li>{@code otel.exporter.levee.s.k}
 *   <li>{@code otel.exporter.levee.k}
 *   <li>for keys inherited from OTLP: {@code otel.exporter.otlp.s.k}, then {@code
 *       otel.exporter.otlp.k}
 * </ol>
 *
 * Environment variables work the same way ({@code OTEL_EXPORTER_LEVEE_MEMORY_LIMIT}); the SDK's
 * {@link ConfigProperties} maps them. Every parse error is a {@link ConfigurationException} that
 * names the property and its value.
 *
 * <p>Internal, may change.
 */
public final class LeveeProperties {
  public static final String PREFIX = "otel.exporter.levee.";
  private static final String OTLP_PREFIX = "otel.exporter.otlp.";
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(|B|KiB|MiB|GiB)");

  private final ConfigProperties config;
  private final Signal signal;
  /** Every key looked up so far, and whether it falls back to the OTLP exporter's keys. */
  private final Map<String, Boolean> keysRead = new java.util.TreeMap<>();

  /** How a property is named in messages; the declarative configuration names its YAML keys. */
  private final java.util.function.UnaryOperator<String> naming;

  public LeveeProperties(ConfigProperties config, Signal signal) {
    this(config, signal, java.util.function.UnaryOperator.identity());
  }

  /**
   * Reads {@code config} but names each property in messages by {@code naming} (given the full
   * property name, e.g. {@code otel.exporter.levee.memory.limit}).
   */
  public LeveeProperties(
      ConfigProperties config, Signal signal, java.util.function.UnaryOperator<String> naming) {
    this(config, signal, naming, false);
  }

  /** As above; {@code declarative}: the keys of one exporter node of a declarative configuration. */
  LeveeProperties(
      ConfigProperties config,
      Signal signal,
      java.util.function.UnaryOperator<String> naming,
      boolean declarative) {
    this.config = config;
    this.signal = signal;
    this.naming = naming;
    this.declarative = declarative;
  }

  private final boolean declarative;

  public Signal signal() {
    return signal;
  }

  /** All properties, for the few keys outside Levee's own (the service name). */
  public ConfigProperties config() {
    return config;
  }

  /**
   * The keys looked up so far (without the {@code otel.exporter.levee.} prefix), each with whether
   * it falls back to the OTLP exporter's key: what the configuration reference must document.
   */
  public Map<String, Boolean> keysRead() {
    return java.util.Collections.unmodifiableMap(keysRead);
  }

  /** A value found, with the property it came from. */
  public record Found(String property, String value) {}

  /** Looks a Levee-only key up: per signal first, then for all signals. */
  public Optional<Found> levee(String key) {
    keysRead.putIfAbsent(key, false);
    return first(
        PREFIX + signal.configName() + "." + key, PREFIX + key);
  }

  /**
   * Whether the keys are one signal's own: a declarative configuration's exporter node is (each
   * exporter there serves one signal); otherwise the value found for {@code key} is when it came
   * from a per-signal property ({@code otel.exporter.levee.traces.endpoint}, {@code
   * otel.exporter.otlp.traces.endpoint}).
   */
  public boolean perSignal(String key) {
    if (declarative) {
      return true;
    }
    for (String property :
        new String[] {
          PREFIX + signal.configName() + "." + key,
          PREFIX + key,
          OTLP_PREFIX + signal.configName() + "." + key,
          OTLP_PREFIX + key
        }) {
      String value = config.getString(property);
      if (value != null && !value.isBlank()) {
        return property.contains("." + signal.configName() + ".");
      }
    }
    return false;
  }

  /** Whether these are a declarative configuration's keys. */
  public boolean declarative() {
    return declarative;
  }

  /** Looks a key up in Levee's properties, then in the OTLP exporter's. */
  public Optional<Found> inherited(String key) {
    keysRead.put(key, true);
    return first(
        PREFIX + signal.configName() + "." + key,
        PREFIX + key,
        OTLP_PREFIX + signal.configName() + "." + key,
        OTLP_PREFIX + key);
  }

  private Optional<Found> first(String... properties) {
    for (String property : properties) {
      String value = config.getString(property);
      if (value != null && !value.isBlank()) {
        return Optional.of(new Found(naming.apply(property), value.trim()));
      }
    }
    return Optional.empty();
  }

  /** Parses a size: bytes, or a whole number with {@code KiB}, {@code MiB} or {@code GiB}. */
  public static long parseSize(Found found) {
    Matcher matcher = SIZE.matcher(found.value());
    if (!matcher.matches()) {
      throw invalid(found, "expected a size such as 65536, 512KiB, 64MiB or 1GiB");
    }
    long number;
    try {
      number = Long.parseLong(matcher.group(1));
    } catch (NumberFormatException e) {
      throw invalid(found, "the number is too large");
    }
    int shift =
        switch (matcher.group(2)) {
          case "KiB" -> 10;
          case "MiB" -> 20;
          case "GiB" -> 30;
          default -> 0;
        };
    if (number <= 0) {
      throw invalid(found, "a size must be positive");
    }
    if (number > (Long.MAX_VALUE >> shift)) {
      throw invalid(found, "the size is too large");
    }
    return number << shift;
  }

  /**
   * Parses a duration the way the OTel SDK does: a whole number with {@code ms}, {@code s}, {@code
   * m}, {@code h} or {@code d}, or plain milliseconds.
   */
  public static Duration parseDuration(Found found) {
    Matcher matcher = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d|)").matcher(found.value());
    if (!matcher.matches()) {
      throw invalid(found, "expected a duration such as 500ms, 10s or 1m");
    }
    long number;
    try {
      number = Long.parseLong(matcher.group(1));
    } catch (NumberFormatException e) {
      throw invalid(found, "the number is too large");
    }
    Duration duration =
        switch (matcher.group(2)) {
          case "s" -> Duration.ofSeconds(number);
          case "m" -> Duration.ofMinutes(number);
          case "h" -> Duration.ofHours(number);
          case "d" -> Duration.ofDays(number);
          default -> Duration.ofMillis(number);
        };
    if (duration.isZero()) {
      throw invalid(found, "a duration must be positive");
    }
    return duration;
  }

  /** A size as {@link #parseSize} reads it, in the largest whole unit: {@code 32MiB}. */
  public static String formatSize(long bytes) {
    String[] units = {"GiB", "MiB", "KiB"};
    int[] shifts = {30, 20, 10};
    for (int i = 0; i < units.length; i++) {
      if (bytes > 0 && bytes % (1L << shifts[i]) == 0) {
        return (bytes >> shifts[i]) + units[i];
      }
    }
    return String.valueOf(bytes);
  }

  /** A duration as {@link #parseDuration} reads it, in the largest whole unit: {@code 10s}. */
  public static String formatDuration(Duration duration) {
    long millis = duration.toMillis();
    long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
    String[] units = {"d", "h", "m", "s"};
    for (int i = 0; i < sizes.length; i++) {
      if (millis > 0 && millis % sizes[i] == 0) {
        return millis / sizes[i] + units[i];
      }
    }
    return millis + "ms";
  }

  /** Parses a duration as {@link #parseDuration} does, but allows zero. */
  public static Duration parseDurationOrZero(Found found) {
    if (found.value().matches("0+\\s*(ms|s|m|h|d|)")) {
      return Duration.ZERO;
    }
    return parseDuration(found);
  }

  /** Parses a whole number from 1 up. */
  public static int parsePositiveInt(Found found) {
    try {
      int number = Integer.parseInt(found.value());
      if (number > 0) {
        return number;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid(found, "expected a whole number from 1");
  }

  /** Parses a percentage above 0 and at most 100, e.g. {@code 50} or {@code 12.5}. */
  public static float parsePercent(Found found) {
    try {
      float percent = Float.parseFloat(found.value().replace("%", ""));
      if (percent > 0 && percent <= 100) {
        return percent;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid(found, "expected a percentage above 0 and at most 100, such as 50");
  }

  /** Parses {@code true} or {@code false}, case-insensitively. */
  public static boolean parseBoolean(Found found) {
    return parseChoice(found, "true", "false").equals("true");
  }

  /** Parses one of the allowed words, case-insensitively; returns it in lower case. */
  public static String parseChoice(Found found, String... allowed) {
    String value = found.value().toLowerCase(Locale.ROOT);
    for (String choice : allowed) {
      if (choice.equals(value)) {
        return choice;
      }
    }
    throw invalid(found, "expected one of " + String.join(", ", allowed));
  }

  /**
   * Parses {@code key=value,key2=value2}; values are percent-decoded as the OTLP exporter does.
   */
  public static Map<String, String> parseHeaders(Found found) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (String pair : found.value().split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw invalid(found, "expected key=value pairs separated by commas");
      }
      String key = pair.substring(0, eq).trim();
      String value = pair.substring(eq + 1).trim();
      try {
        headers.put(key, URLDecoder.decode(value, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw invalid(found, "the value of header '" + key + "' is not valid percent-encoding");
      }
    }
    return headers;
  }

  /** Reads the file a property names. */
  public static byte[] readFile(Found found) {
    try {
      return Files.readAllBytes(Path.of(found.value()));
    } catch (IOException | RuntimeException e) {
      throw invalid(found, "the file cannot be read (" + e + ")");
    }
  }

  /**
   * The uniform message: {@code Invalid value for otel.exporter.levee.memory.limit: '12XB' (expected
   * a size such as ...)}. Header values are never echoed.
   */
  public static ConfigurationException invalid(Found found, String why) {
    String shown = found.property().endsWith("headers") ? "<redacted>" : "'" + found.value() + "'";
    return new ConfigurationException(
        "Invalid value for " + found.property() + ": " + shown + " (" + why + ")");
  }
}
