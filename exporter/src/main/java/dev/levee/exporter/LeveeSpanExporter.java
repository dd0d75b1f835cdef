package dev.levee.exporter;

import dev.levee.exporter.internal.Pipeline;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;

/**
 * A {@link SpanExporter} that accepts spans at once, keeps them in a bytes-bounded memory tier,
 * and delivers them over OTLP/gRPC from its own thread.
 *
 * <p>{@link #export} encodes the batch once and returns without waiting on the network; it never
 * throws. Thread-safe.
 */
public final class LeveeSpanExporter implements SpanExporter {
  private final Pipeline<SpanData> pipeline;

  LeveeSpanExporter(Pipeline<SpanData> pipeline) {
    this.pipeline = pipeline;
  }

  public static LeveeSpanExporterBuilder builder() {
    return new LeveeSpanExporterBuilder();
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    return pipeline.export(spans);
  }

  @Override
  public CompletableResultCode flush() {
    return pipeline.flush();
  }

  @Override
  public CompletableResultCode shutdown() {
    return pipeline.shutdown();
  }

  /** A snapshot of this exporter's counters. */
  public LeveeStats stats() {
    return pipeline.stats();
  }

  @Override
  public String toString() {
    return "LeveeSpanExporter{" + pipeline + "}";
  }

  /**
   * Registers this exporter's self-metrics on {@code meterProvider} (the application's, so they go
   * wherever its metrics go); see {@link LeveeMetrics}. Close the result to unregister.
   */
  public LeveeMetrics registerMetrics(io.opentelemetry.api.metrics.MeterProvider meterProvider) {
    return pipeline.registerMetrics(meterProvider);
  }

  /**
   * This exporter's name in its self-metrics ({@code otel.component.name}) and its JMX bean, e.g.
   * {@code levee_span_exporter/0}.
   */
  public String componentName() {
    return pipeline.componentName();
  }

  /** How the exporter is doing: OK, DEGRADED or FAILING, with reasons and advice. */
  public LeveeHealth health() {
    return pipeline.health();
  }
}
