package dev.levee.config;

import dev.levee.buffer.Signal;
import dev.levee.config.internal.DiscardingExporters;
import dev.levee.config.internal.LeveeComponentProvider;
import dev.levee.exporter.LeveeSpanExporter;
import dev.levee.exporter.LeveeSpanProcessor;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;

/**
 * Makes Levee available as span processor {@code levee} in a declarative configuration file: the
 * processor and its exporter in one, configured with the exporter's keys, with no batch processor
 * in front ({@code tracer_provider: processors: [levee: {endpoint: ...}]}). Never throws: an
 * exporter that cannot be built becomes one that discards and counts.
 */
public final class LeveeSpanProcessorComponentProvider extends LeveeComponentProvider<SpanProcessor> {
  public LeveeSpanProcessorComponentProvider() {
    super(
        SpanProcessor.class,
        Signal.SPANS,
        configurer ->
            LeveeSpanProcessor.create(configurer.configure(LeveeSpanExporter.builder()).build()),
        () -> SimpleSpanProcessor.create(new DiscardingExporters.Spans()));
  }

  @Override
  protected Object exporterOf(SpanProcessor made) {
    return made instanceof LeveeSpanProcessor levee ? levee.exporter() : made;
  }
}
