package dev.levee.exporter;

import dev.levee.exporter.internal.Pipeline;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.AggregationTemporalitySelector;
import io.opentelemetry.sdk.metrics.export.DefaultAggregationSelector;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import java.util.Collection;

/**
 * A {@link MetricExporter} that accepts metric data at once, keeps it in a bytes-bounded memory
 * tier, and delivers it over OTLP/gRPC from its own thread. Items are counted as data points.
 *
 * <p>It reports the temporality and default aggregation it was built with, so the SDK aggregates
 * as the user asked ({@code otel.exporter.otlp.metrics.temporality.preference} semantics).
 *
 * <p>{@link #export} encodes the batch once and returns without waiting on the network; it never
 * throws. Thread-safe.
 */
public final class LeveeMetricExporter implements MetricExporter {
  private final Pipeline<MetricData> pipeline;
  private final AggregationTemporalitySelector temporalitySelector;
  private final DefaultAggregationSelector aggregationSelector;

  LeveeMetricExporter(
      Pipeline<MetricData> pipeline,
      AggregationTemporalitySelector temporalitySelector,
      DefaultAggregationSelector aggregationSelector) {
    this.pipeline = pipeline;
    this.temporalitySelector = temporalitySelector;
    this.aggregationSelector = aggregationSelector;
  }

  public static LeveeMetricExporterBuilder builder() {
    return new LeveeMetricExporterBuilder();
  }

  @Override
  public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
    return temporalitySelector.getAggregationTemporality(instrumentType);
  }

  @Override
  public Aggregation getDefaultAggregation(InstrumentType instrumentType) {
    return aggregationSelector.getDefaultAggregation(instrumentType);
  }

  @Override
  public CompletableResultCode export(Collection<MetricData> metrics) {
    return pipeline.export(metrics);
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
    return "LeveeMetricExporter{" + pipeline + "}";
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
