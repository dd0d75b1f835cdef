package dev.levee.config.agent;

import dev.levee.config.LeveeExporterNames;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.internal.AutoConfigureListener;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * Inside the agent, {@code otel.traces.exporter=levee}: hands the call to {@code
 * dev.levee.config.LeveeSpanExporterProvider}, made from {@link LeveeClassLoader} when the agent
 * first asks for the exporter.
 */
public final class SpanExporterProvider
    implements ConfigurableSpanExporterProvider, AutoConfigureListener {
  static final String IMPLEMENTATION = "dev.levee.config.LeveeSpanExporterProvider";

  private final Lazy<ConfigurableSpanExporterProvider> levee =
      new Lazy<>(IMPLEMENTATION, ConfigurableSpanExporterProvider.class);

  @Override
  public String getName() {
    // A constant: compiled in, LeveeExporterNames is not loaded here.
    return LeveeExporterNames.NAME;
  }

  @Override
  public SpanExporter createExporter(ConfigProperties config) {
    return levee.get().createExporter(config);
  }

  @Override
  public void afterAutoConfigure(OpenTelemetrySdk sdk) {
    levee.afterAutoConfigure(sdk);
  }
}
