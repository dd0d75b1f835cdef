package dev.levee.config.agent;

import dev.levee.config.LeveeExporterNames;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.internal.AutoConfigureListener;
import io.opentelemetry.sdk.autoconfigure.spi.metrics.ConfigurableMetricExporterProvider;
import io.opentelemetry.sdk.metrics.export.MetricExporter;

/**
 * Inside the agent, {@code otel.metrics.exporter=levee}: hands the call to {@code
 * dev.levee.config.LeveeMetricExporterProvider}, made from {@link LeveeClassLoader} when the agent
 * first asks for the exporter.
 */
public final class MetricExporterProvider
    implements ConfigurableMetricExporterProvider, AutoConfigureListener {
  static final String IMPLEMENTATION = "dev.levee.config.LeveeMetricExporterProvider";

  private final Lazy<ConfigurableMetricExporterProvider> levee =
      new Lazy<>(IMPLEMENTATION, ConfigurableMetricExporterProvider.class);

  @Override
  public String getName() {
    // A constant: compiled in, LeveeExporterNames is not loaded here.
    return LeveeExporterNames.NAME;
  }

  @Override
  public MetricExporter createExporter(ConfigProperties config) {
    return levee.get().createExporter(config);
  }

  @Override
  public void afterAutoConfigure(OpenTelemetrySdk sdk) {
    levee.afterAutoConfigure(sdk);
  }
}
