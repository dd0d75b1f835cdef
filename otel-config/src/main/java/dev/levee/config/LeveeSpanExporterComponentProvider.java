package dev.levee.config;

import dev.levee.buffer.Signal;
import dev.levee.config.internal.DeclarativeExporters;
import dev.levee.config.internal.DiscardingExporters;
import dev.levee.config.internal.SelfMetrics;
import dev.levee.exporter.LeveeSpanExporter;
import io.opentelemetry.api.incubator.config.DeclarativeConfigProperties;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.internal.AutoConfigureListener;
import io.opentelemetry.sdk.autoconfigure.spi.internal.ComponentProvider;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * Makes Levee available as exporter {@code levee} in a declarative configuration file
 * ({@code otel.config.file}); the keys are described in Levee's README. Never throws.
 */
public final class LeveeSpanExporterComponentProvider implements ComponentProvider, AutoConfigureListener {
  private final SelfMetrics selfMetrics = new SelfMetrics();

  @Override
  public Class<?> getType() {
    return SpanExporter.class;
  }

  @Override
  public String getName() {
    return LeveeExporterNames.NAME;
  }

  @Override
  public SpanExporter create(DeclarativeConfigProperties config) {
    SpanExporter exporter =
        DeclarativeExporters.create(
            Signal.SPANS,
            config,
            configurer -> configurer.configure(LeveeSpanExporter.builder()).build(),
            DiscardingExporters.Spans::new);
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
