package dev.levee.config;

import dev.levee.buffer.Signal;
import dev.levee.config.internal.DeclarativeExporters;
import dev.levee.config.internal.DiscardingExporters;
import dev.levee.config.internal.SelfMetrics;
import dev.levee.exporter.LeveeMetricExporter;
import io.opentelemetry.api.incubator.config.DeclarativeConfigProperties;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.internal.AutoConfigureListener;
import io.opentelemetry.sdk.autoconfigure.spi.internal.ComponentProvider;
import io.opentelemetry.sdk.metrics.export.MetricExporter;

/**
 * Makes Levee available as exporter {@code levee} in a declarative configuration file
 * ({@code otel.config.file}); the keys are described in Levee's README. Never throws.
 */
public final class LeveeMetricExporterComponentProvider implements ComponentProvider, AutoConfigureListener {
  private final SelfMetrics selfMetrics = new SelfMetrics();

  @Override
  public Class<?> getType() {
    return MetricExporter.class;
  }

  @Override
  public String getName() {
    return LeveeExporterNames.NAME;
  }

  @Override
  public MetricExporter create(DeclarativeConfigProperties config) {
    MetricExporter exporter =
        DeclarativeExporters.create(
            Signal.METRICS,
            config,
            configurer -> configurer.configureMetrics(configurer.configure(LeveeMetricExporter.builder())).build(),
            DiscardingExporters.Metrics::new);
    selfMetrics.remember(exporter);
    // The SDK built from a file does not call afterAutoConfigure: register on the global meter
    // provider once the agent (or the application) has set it.
    selfMetrics.registerOnGlobalWhenSet();
    return exporter;
  }

  /** Registers the self-metrics on the SDK's meter provider, where the SDK calls this. */
  @Override
  public void afterAutoConfigure(OpenTelemetrySdk sdk) {
    selfMetrics.register(sdk.getMeterProvider());
  }
}
