package dev.levee.config.agent;

import dev.levee.config.LeveeExporterNames;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.internal.AutoConfigureListener;
import io.opentelemetry.sdk.autoconfigure.spi.logs.ConfigurableLogRecordExporterProvider;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;

/**
 * Inside the agent, {@code otel.logs.exporter=levee}: hands the call to {@code
 * dev.levee.config.LeveeLogRecordExporterProvider}, made from {@link LeveeClassLoader} when the
 * agent first asks for the exporter.
 */
public final class LogRecordExporterProvider
    implements ConfigurableLogRecordExporterProvider, AutoConfigureListener {
  static final String IMPLEMENTATION = "dev.levee.config.LeveeLogRecordExporterProvider";

  private final Lazy<ConfigurableLogRecordExporterProvider> levee =
      new Lazy<>(IMPLEMENTATION, ConfigurableLogRecordExporterProvider.class);

  @Override
  public String getName() {
    // A constant: compiled in, LeveeExporterNames is not loaded here.
    return LeveeExporterNames.NAME;
  }

  @Override
  public LogRecordExporter createExporter(ConfigProperties config) {
    return levee.get().createExporter(config);
  }

  @Override
  public void afterAutoConfigure(OpenTelemetrySdk sdk) {
    levee.afterAutoConfigure(sdk);
  }
}
