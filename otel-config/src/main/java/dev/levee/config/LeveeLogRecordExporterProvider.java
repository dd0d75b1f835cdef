package dev.levee.config;

import dev.levee.buffer.Signal;
import dev.levee.config.internal.DiscardingExporters;
import dev.levee.config.internal.ExporterFactory;
import dev.levee.exporter.LeveeLogRecordExporter;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.logs.ConfigurableLogRecordExporterProvider;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;

/**
 * Makes Levee available as {@code otel.logs.exporter=levee}. Never throws: see {@link
 * ExporterFactory}.
 */
public final class LeveeLogRecordExporterProvider implements ConfigurableLogRecordExporterProvider {

  @Override
  public String getName() {
    return LeveeExporterNames.NAME;
  }

  @Override
  public LogRecordExporter createExporter(ConfigProperties config) {
    return ExporterFactory.create(
        Signal.LOGS,
        config,
        configurer -> configurer.configure(LeveeLogRecordExporter.builder()).build(),
        DiscardingExporters.Logs::new);
  }
}
