package dev.levee.config;

import dev.levee.buffer.Signal;
import dev.levee.config.internal.DiscardingExporters;
import dev.levee.config.internal.ExporterFactory;
import dev.levee.config.internal.SelfMetrics;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.internal.AutoConfigureListener;
import dev.levee.exporter.LeveeSpanExporter;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * Makes Levee available as {@code otel.traces.exporter=levee}. Never throws: see {@link
 * ExporterFactory}.
 */
public final class LeveeSpanExporterProvider
    implements ConfigurableSpanExporterProvider, AutoConfigureListener {
  private final SelfMetrics selfMetrics = new SelfMetrics();

  @Override
  public String getName() {
    return LeveeExporterNames.NAME;
  }

  @Override
  public SpanExporter createExporter(ConfigProperties config) {
    return selfMetrics.remember(
        ExporterFactory.create(
        Signal.SPANS,
        config,
        configurer -> configurer.configure(LeveeSpanExporter.builder()).build(),
        DiscardingExporters.Spans::new));
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
