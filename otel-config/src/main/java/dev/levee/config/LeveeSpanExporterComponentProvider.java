package dev.levee.config;

import dev.levee.buffer.Signal;
import dev.levee.config.internal.DiscardingExporters;
import dev.levee.config.internal.LeveeComponentProvider;
import dev.levee.exporter.LeveeSpanExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * Makes Levee available as exporter {@code levee} in a declarative configuration file
 * ({@code otel.config.file}); the keys are described in Levee's README. Never throws.
 */
public final class LeveeSpanExporterComponentProvider extends LeveeComponentProvider<SpanExporter> {
  public LeveeSpanExporterComponentProvider() {
    super(
        SpanExporter.class,
        Signal.SPANS,
        configurer -> configurer.configure(LeveeSpanExporter.builder()).build(),
        DiscardingExporters.Spans::new);
  }
}
