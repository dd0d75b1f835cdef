package dev.levee.config;

import dev.levee.buffer.Signal;
import dev.levee.config.internal.DiscardingExporters;
import dev.levee.config.internal.ExporterFactory;
import dev.levee.config.internal.SelfMetrics;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.internal.AutoConfigureListener;
import dev.levee.exporter.LeveeLogRecordExporter;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.logs.ConfigurableLogRecordExporterProvider;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;

/**
 * Makes Levee available as {@code otel.logs.exporter=levee}. Never throws: see {@link
 * ExporterFactory}.
 */
public final class LeveeLogRecordExporterProvider
    implements ConfigurableLogRecordExporterProvider, AutoConfigureListener {
  private final SelfMetrics selfMetrics = new SelfMetrics();

  @Override
  public String getName() {
    return LeveeExporterNames.NAME;
  }

  @Override
  public LogRecordExporter createExporter(ConfigProperties config) {
    return selfMetrics.remember(
        ExporterFactory.create(
        Signal.LOGS,
        config,
        configurer -> configurer.configure(LeveeLogRecordExporter.builder()).build(),
        DiscardingExporters.Logs::new));
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
