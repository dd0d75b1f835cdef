package dev.levee.config;

import dev.levee.buffer.Signal;
import dev.levee.config.internal.DiscardingExporters;
import dev.levee.config.internal.ExporterFactory;
import dev.levee.config.internal.SelfMetrics;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.internal.AutoConfigureListener;
import dev.levee.exporter.LeveeMetricExporter;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.metrics.ConfigurableMetricExporterProvider;
import io.opentelemetry.sdk.metrics.export.MetricExporter;

/**
 * Makes Levee available as {@code otel.metrics.exporter=levee}. Never throws: see {@link
 * ExporterFactory}.
 */
public final class LeveeMetricExporterProvider
    implements ConfigurableMetricExporterProvider, AutoConfigureListener {
  private final SelfMetrics selfMetrics = new SelfMetrics();

  @Override
  public String getName() {
    return LeveeExporterNames.NAME;
  }

  @Override
  public MetricExporter createExporter(ConfigProperties config) {
    return selfMetrics.remember(
        ExporterFactory.create(
        Signal.METRICS,
        config,
        configurer ->
            configurer
                .configureMetrics(configurer.configure(LeveeMetricExporter.builder()))
                .build(),
        DiscardingExporters.Metrics::new));
  }

  /**
   * Registers the self-metrics of the exporter this provider created on the SDK's meter provider
   * (the SDK calls this once it is built).
   */
  @Override
  public void afterAutoConfigure(OpenTelemetrySdk sdk) {
    selfMetrics.register(sdk.getMeterProvider());
  }
}
