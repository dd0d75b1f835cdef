package dev.levee.exporter;

import dev.levee.exporter.internal.ChunkEncoder;
import io.opentelemetry.sdk.metrics.export.AggregationTemporalitySelector;
import io.opentelemetry.sdk.metrics.export.DefaultAggregationSelector;
import java.util.Objects;

/** Builds a {@link LeveeMetricExporter}. Not thread-safe. */
public final class LeveeMetricExporterBuilder
    extends LeveeExporterBuilder<LeveeMetricExporterBuilder> {

  private AggregationTemporalitySelector temporalitySelector =
      AggregationTemporalitySelector.alwaysCumulative();
  private DefaultAggregationSelector aggregationSelector =
      DefaultAggregationSelector.getDefault();

  LeveeMetricExporterBuilder() {}

  @Override
  LeveeMetricExporterBuilder self() {
    return this;
  }

  /**
   * The temporality per instrument type, e.g. {@link
   * AggregationTemporalitySelector#deltaPreferred()}. Default cumulative for all.
   */
  public LeveeMetricExporterBuilder setAggregationTemporalitySelector(
      AggregationTemporalitySelector selector) {
    this.temporalitySelector = Objects.requireNonNull(selector, "selector");
    return this;
  }

  /** The default aggregation per instrument type. Default the SDK's default. */
  public LeveeMetricExporterBuilder setDefaultAggregationSelector(
      DefaultAggregationSelector selector) {
    this.aggregationSelector = Objects.requireNonNull(selector, "selector");
    return this;
  }

  /** Builds the exporter and starts its dispatcher thread. */
  public LeveeMetricExporter build() {
    return new LeveeMetricExporter(
        buildPipeline(ChunkEncoder.metrics()), temporalitySelector, aggregationSelector);
  }
}
