package dev.levee.buffer;

import java.util.Locale;

/** The three OpenTelemetry signals Levee carries. */
public enum Signal {
  SPANS("traces", "spans"),
  METRICS("metrics", "metric data points"),
  LOGS("logs", "log records");

  private final String configName;
  private final String itemNoun;

  Signal(String configName, String itemNoun) {
    this.configName = configName;
    this.itemNoun = itemNoun;
  }

  /**
   * The signal's name in configuration keys, as the OTLP exporter spells it: {@code traces},
   * {@code metrics} or {@code logs}.
   */
  public String configName() {
    return configName;
  }

  /** What one item of this signal is called in messages, e.g. {@code spans}. */
  public String itemNoun() {
    return itemNoun;
  }

  /** Lower-case name used in thread names and metric attributes, e.g. {@code spans}. */
  public String lowerName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
