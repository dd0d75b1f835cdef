package dev.levee.config;

import dev.levee.buffer.Signal;
import dev.levee.config.internal.DiscardingExporters;
import dev.levee.config.internal.LeveeComponentProvider;
import dev.levee.exporter.LeveeMetricExporter;
import io.opentelemetry.sdk.metrics.export.MetricExporter;

/**
 * Makes Levee available as exporter {@code levee} in a declarative configuration file
 * ({@code otel.config.file}); the keys are described in Levee's README. Never throws.
 */
public final class LeveeMetricExporterComponentProvider extends LeveeComponentProvider<MetricExporter> {
  public LeveeMetricExporterComponentProvider() {
    super(
        MetricExporter.class,
        Signal.METRICS,
        configurer ->
            configurer.configureMetrics(configurer.configure(LeveeMetricExporter.builder())).build(),
        DiscardingExporters.Metrics::new);
  }
}
