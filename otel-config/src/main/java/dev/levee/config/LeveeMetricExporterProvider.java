package dev.levee.config;

import dev.levee.buffer.Signal;
import dev.levee.config.internal.DiscardingExporters;
import dev.levee.config.internal.ExporterFactory;
import dev.levee.exporter.LeveeMetricExporter;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.metrics.ConfigurableMetricExporterProvider;
import io.opentelemetry.sdk.metrics.export.MetricExporter;

/**
 * Makes Levee available as {@code otel.metrics.exporter=levee}. Never throws: see {@link
 * ExporterFactory}.
 */
public final class LeveeMetricExporterProvider implements ConfigurableMetricExporterProvider {

  @Override
  public String getName() {
    return LeveeExporterNames.NAME;
  }

  @Override
  public MetricExporter createExporter(ConfigProperties config) {
    return ExporterFactory.create(
        Signal.METRICS,
        config,
        configurer ->
            configurer
                .configureMetrics(configurer.configure(LeveeMetricExporter.builder()))
                .build(),
        DiscardingExporters.Metrics::new);
  }
}
