package dev.levee.config.internal;

import dev.levee.buffer.Signal;
import io.opentelemetry.api.incubator.config.DeclarativeConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.opentelemetry.sdk.autoconfigure.spi.internal.DefaultConfigProperties;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns the YAML node of a {@code levee} exporter in a declarative configuration file into the
 * properties the autoconfigure path reads, so both paths share one parser, one set of defaults and
 * one set of messages.
 *
 * <p>The rules, written for users in README ("Declarative configuration"):
 *
 * <ul>
 *   <li>A key is Levee's property key after {@code otel.exporter.levee.}; nesting and {@code _}
 *       both stand for {@code .}, as in environment variables: {@code memory_limit: 64MiB}, {@code
 *       memory: {limit: 64MiB}} and {@code memory.limit: 64MiB} are the same setting.
 *   <li>The {@code otlp_grpc} exporter's own keys work too, so renaming {@code otlp_grpc:} to
 *       {@code levee:} keeps its settings: {@code headers} as a list of {@code name}/{@code
 *       value}, {@code headers_list}, {@code timeout} in milliseconds, {@code tls.ca_file}, {@code
 *       tls.key_file}, {@code tls.cert_file} (and the older {@code certificate_file}, {@code
 *       client_key_file}, {@code client_certificate_file}).
 *   <li>A list of scalars becomes a comma-separated value ({@code endpoints}).
 * </ul>
 *
 * <p>Internal, may change.
 */
public final class DeclarativeProperties {
  /** YAML spellings of the OTLP exporter's keys, normalised, and the Levee key each stands for. */
  private static final Map<String, String> ALIASES =
      Map.of(
          "tls.ca.file", "certificate",
          "tls.key.file", "client.key",
          "tls.cert.file", "client.certificate",
          "certificate.file", "certificate",
          "client.key.file", "client.key",
          "client.certificate.file", "client.certificate",
          "headers.list", "headers");

  private final Map<String, String> keys;

  private DeclarativeProperties(Map<String, String> keys) {
    this.keys = keys;
  }

  /**
   * Reads the exporter's YAML node. Throws {@link ConfigurationException} naming the key for a
   * shape Levee cannot read (a list of mappings other than {@code headers}).
   */
  public static DeclarativeProperties from(DeclarativeConfigProperties node) {
    return fromMap(node == null ? Map.of() : DeclarativeConfigProperties.toMap(node));
  }

  /** Reads the node in the shape {@link DeclarativeConfigProperties#toMap} gives it. */
  static DeclarativeProperties fromMap(Map<String, Object> node) {
    Map<String, String> keys = new LinkedHashMap<>();
    flatten("", node, keys);
    return new DeclarativeProperties(keys);
  }

  /** The Levee keys the YAML set (without the prefix), with their values. */
  public Map<String, String> keys() {
    return java.util.Collections.unmodifiableMap(keys);
  }

  /**
   * The properties for {@code signal}: every key under {@code otel.exporter.levee.}, plus the
   * service name from {@code otel.service.name} or {@code OTEL_SERVICE_NAME} when set (it names the
   * default journal directory). Messages name the YAML key, not the property.
   */
  public LeveeProperties properties(Signal signal) {
    Map<String, String> properties = new LinkedHashMap<>();
    keys.forEach((key, value) -> properties.put(LeveeProperties.PREFIX + key, value));
    String service = System.getProperty("otel.service.name");
    if (service == null) {
      service = System.getenv("OTEL_SERVICE_NAME");
    }
    if (service != null) {
      properties.put("otel.service.name", service);
    }
    return new LeveeProperties(
        DefaultConfigProperties.createFromMap(properties),
        signal,
        property ->
            property.startsWith(LeveeProperties.PREFIX)
                ? "'"
                    + property.substring(LeveeProperties.PREFIX.length())
                    + "' of the levee "
                    + signal.lowerName()
                    + " exporter in the declarative configuration"
                : property,
        true);
  }

  /** The keys the YAML set that {@code read} never looked up: misspelt or unknown settings. */
  public Set<String> unknownKeys(LeveeProperties read) {
    Set<String> unknown = new TreeSet<>(keys.keySet());
    for (String key : read.keysRead().keySet()) {
      unknown.remove(key);
      unknown.remove(read.signal().configName() + "." + key);
    }
    return unknown;
  }

  private static void flatten(String prefix, Map<String, Object> node, Map<String, String> out) {
    for (Map.Entry<String, Object> entry : node.entrySet()) {
      String key = prefix + normalise(entry.getKey());
      Object value = entry.getValue();
      if (value == null) {
        continue;
      }
      if (value instanceof Map<?, ?> map) {
        @SuppressWarnings("unchecked")
        Map<String, Object> child = (Map<String, Object>) map;
        flatten(key + ".", child, out);
      } else if (value instanceof List<?> list) {
        out.put(key, key.equals("headers") ? headers(list) : scalars(key, list));
      } else {
        put(out, key, String.valueOf(value));
      }
    }
  }

  /** Stores a value under its Levee key; written both ways, the Levee key wins over an alias. */
  private static void put(Map<String, String> out, String key, String value) {
    String target = ALIASES.getOrDefault(key, key);
    if (!target.equals(key) && out.containsKey(target)) {
      return;
    }
    out.put(target, value);
  }

  private static String normalise(String yamlKey) {
    return yamlKey.trim().toLowerCase(Locale.ROOT).replace('_', '.').replace('-', '.');
  }

  /** {@code [{name: a, value: b}, ...]} as the {@code a=b,...} form, percent-encoding values. */
  private static String headers(List<?> list) {
    List<String> pairs = new ArrayList<>();
    for (Object element : list) {
      if (!(element instanceof Map<?, ?> header)
          || !(header.get("name") instanceof String name)
          || header.get("value") == null) {
        throw new ConfigurationException(
            "Invalid value for 'headers' of the levee exporter in the declarative configuration:"
                + " expected a list of entries with 'name' and 'value'");
      }
      pairs.add(
          name.trim()
              + "="
              + URLEncoder.encode(String.valueOf(header.get("value")), StandardCharsets.UTF_8));
    }
    return String.join(",", pairs);
  }

  private static String scalars(String key, List<?> list) {
    List<String> values = new ArrayList<>();
    for (Object element : list) {
      if (element instanceof Map<?, ?> || element instanceof List<?>) {
        throw new ConfigurationException(
            "Invalid value for '"
                + key
                + "' of the levee exporter in the declarative configuration: expected a list of"
                + " plain values");
      }
      values.add(String.valueOf(element));
    }
    return String.join(",", values);
  }
}
