package dev.levee.config;

import dev.levee.buffer.Signal;
import dev.levee.config.internal.DeclarativeExporters;
import dev.levee.config.internal.DiscardingExporters;
import dev.levee.config.internal.SelfMetrics;
import dev.levee.exporter.LeveeLogRecordExporter;
import io.opentelemetry.api.incubator.config.DeclarativeConfigProperties;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.internal.AutoConfigureListener;
import io.opentelemetry.sdk.autoconfigure.spi.internal.ComponentProvider;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;

/**
 * Makes Levee available as exporter {@code levee} in a declarative configuration file
 * ({@code otel.config.file}); the keys are described in Levee's README. Never throws.
 */
public final class LeveeLogRecordExporterComponentProvider implements ComponentProvider, AutoConfigureListener {
  private final SelfMetrics selfMetrics = new SelfMetrics();

  @Override
  public Class<?> getType() {
    return LogRecordExporter.class;
  }

  @Override
  public String getName() {
    return LeveeExporterNames.NAME;
  }

  @Override
  public LogRecordExporter create(DeclarativeConfigProperties config) {
    LogRecordExporter exporter =
        DeclarativeExporters.create(
            Signal.LOGS,
            config,
            configurer -> configurer.configure(LeveeLogRecordExporter.builder()).build(),
            DiscardingExporters.Logs::new);
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
