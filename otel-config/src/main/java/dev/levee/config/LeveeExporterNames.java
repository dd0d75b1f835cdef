package dev.levee.config;

/** Names under which Levee registers with OpenTelemetry autoconfiguration. */
public final class LeveeExporterNames {
  /** The exporter name for {@code otel.traces.exporter}, {@code otel.metrics.exporter} and {@code otel.logs.exporter}. */
  public static final String NAME = "levee";

  private LeveeExporterNames() {}
}
