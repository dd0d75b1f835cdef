package dev.levee.exporter.internal.management;

import dev.levee.exporter.LeveeExporterMXBean;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;

/** The admin endpoint's JSON, written by hand (no JSON library in the agent). Internal. */
final class AdminJson {
  private AdminJson() {}

  /** {@code {"traces":{...},...}}, each exporter's fields written by {@code fields}. */
  private static String perSignal(
      Map<String, LeveeExporterMXBean> exporters, BiConsumer<StringBuilder, LeveeExporterMXBean> fields) {
    StringBuilder json = new StringBuilder("{");
    exporters.forEach(
        (signal, exporter) -> {
          if (json.length() > 1) {
            json.append(',');
          }
          json.append(quote(signal)).append(":{");
          fields.accept(json, exporter);
          json.append('}');
        });
    return json.append('}').toString();
  }

  /** Every exporter's counters and state. */
  static String stats(Map<String, LeveeExporterMXBean> exporters) {
    return perSignal(
        exporters,
        (json, e) ->
          json.append("\"offered\":")
              .append(e.getOffered())
              .append(",\"recovered\":")
              .append(e.getRecovered())
              .append(",\"delivered\":")
              .append(e.getDelivered())
              .append(",\"dropped\":")
              .append(object(e.getDropped()))
              .append(",\"pending\":")
              .append(e.getPending())
              .append(",\"journaled\":")
              .append(e.getJournaled())
              .append(",\"retries\":")
              .append(e.getRetries())
              .append(",\"throttled\":")
              .append(e.getThrottled())
              .append(",\"memory_used_bytes\":")
              .append(e.getMemoryUsedBytes())
              .append(",\"memory_limit_bytes\":")
              .append(e.getMemoryLimitBytes())
              .append(",\"journal_open\":")
              .append(e.isJournalOpen())
              .append(",\"breaker\":")
              .append(quote(e.getBreakerState()))
              .append(",\"breakers\":")
              .append(object(e.getBreakerStates()))
              .append(",\"batch_bytes\":")
              .append(e.getBatchBytes())
              .append(",\"concurrency\":")
              .append(e.getConcurrency())
              .append(",\"rate_limit_items_per_second\":")
              .append(e.getRateLimitItemsPerSecond())
              .append(",\"rate_limit_bytes_per_second\":")
              .append(e.getRateLimitBytesPerSecond())
              .append(",\"paused\":")
              .append(e.isPaused()));
  }

  /** Every exporter's health and its reasons. */
  static String health(Map<String, LeveeExporterMXBean> exporters) {
    return perSignal(
        exporters,
        (json, e) ->
            json.append("\"state\":")
                .append(quote(e.getHealth()))
                .append(",\"detail\":")
                .append(quote(e.getHealthDetail())));
  }

  private static String object(Map<String, ?> map) {
    StringBuilder json = new StringBuilder("{");
    map.forEach(
        (key, value) -> {
          if (json.length() > 1) {
            json.append(',');
          }
          json.append(quote(key)).append(':').append(value instanceof Number ? value.toString() : quote(String.valueOf(value)));
        });
    return json.append('}').toString();
  }

  static String quote(String text) {
    StringBuilder json = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        default -> {
          if (c < 0x20) {
            json.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    return json.append('"').toString();
  }
}
