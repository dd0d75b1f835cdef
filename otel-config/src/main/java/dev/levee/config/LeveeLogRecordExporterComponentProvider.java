package dev.levee.config;

import dev.levee.buffer.Signal;
import dev.levee.config.internal.DiscardingExporters;
import dev.levee.config.internal.LeveeComponentProvider;
import dev.levee.exporter.LeveeLogRecordExporter;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;

/**
 * Makes Levee available as exporter {@code levee} in a declarative configuration file
 * ({@code otel.config.file}); the keys are described in Levee's README. Never throws.
 */
public final class LeveeLogRecordExporterComponentProvider extends LeveeComponentProvider<LogRecordExporter> {
  public LeveeLogRecordExporterComponentProvider() {
    super(
        LogRecordExporter.class,
        Signal.LOGS,
        configurer -> configurer.configure(LeveeLogRecordExporter.builder()).build(),
        DiscardingExporters.Logs::new);
  }
}
