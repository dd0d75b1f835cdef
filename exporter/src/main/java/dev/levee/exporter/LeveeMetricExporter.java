package dev.levee.exporter;

import dev.levee.exporter.internal.Fanout;
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
public final class LeveeMetricExporter extends LeveeExporter<MetricData> implements MetricExporter {
  private final AggregationTemporalitySelector temporalitySelector;
  private final DefaultAggregationSelector aggregationSelector;

  LeveeMetricExporter(
      Pipeline<MetricData> pipeline,
      AggregationTemporalitySelector temporalitySelector,
      DefaultAggregationSelector aggregationSelector) {
    super(pipeline);
    this.temporalitySelector = temporalitySelector;
    this.aggregationSelector = aggregationSelector;
  }

  LeveeMetricExporter(
      Fanout<MetricData> fanout,
      AggregationTemporalitySelector temporalitySelector,
      DefaultAggregationSelector aggregationSelector) {
    super(fanout);
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
    return exportBatch(metrics);
  }

}
