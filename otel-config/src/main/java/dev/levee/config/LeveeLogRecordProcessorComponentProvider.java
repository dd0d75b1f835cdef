package dev.levee.config;

import dev.levee.buffer.Signal;
import dev.levee.config.internal.DiscardingExporters;
import dev.levee.config.internal.LeveeComponentProvider;
import dev.levee.exporter.LeveeLogRecordExporter;
import dev.levee.exporter.LeveeLogRecordProcessor;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;

/**
 * Makes Levee available as log record processor {@code levee} in a declarative configuration
 * file: the processor and its exporter in one, configured with the exporter's keys, with no batch
 * processor in front. Never throws. See {@link LeveeSpanProcessorComponentProvider}.
 */
public final class LeveeLogRecordProcessorComponentProvider
    extends LeveeComponentProvider<LogRecordProcessor> {
  public LeveeLogRecordProcessorComponentProvider() {
    super(
        LogRecordProcessor.class,
        Signal.LOGS,
        configurer ->
            LeveeLogRecordProcessor.create(
                configurer.configure(LeveeLogRecordExporter.builder()).build()),
        () -> SimpleLogRecordProcessor.create(new DiscardingExporters.Logs()));
  }

  @Override
  protected Object exporterOf(LogRecordProcessor made) {
    return made instanceof LeveeLogRecordProcessor levee ? levee.exporter() : made;
  }
}
