package dev.levee.exporter;

import dev.levee.exporter.internal.encode.ChunkEncoder;
import dev.levee.exporter.internal.Fanout;
import dev.levee.exporter.internal.Pipeline;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.AggregationTemporalitySelector;
import io.opentelemetry.sdk.metrics.export.DefaultAggregationSelector;
import java.util.Objects;
import java.util.logging.Logger;

/** Builds a {@link LeveeMetricExporter}. Not thread-safe. */
public final class LeveeMetricExporterBuilder
    extends LeveeExporterBuilder<LeveeMetricExporterBuilder> {

  private AggregationTemporalitySelector temporalitySelector =
      AggregationTemporalitySelector.alwaysCumulative();
  private DefaultAggregationSelector aggregationSelector =
      DefaultAggregationSelector.getDefault();

  private static final Logger logger = Logger.getLogger(LeveeMetricExporterBuilder.class.getName());
  private boolean compaction;

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

  /**
   * What happens to cumulative data while delivery is behind: {@code none} (default: every
   * collection is queued, journaled if need be, and delivered) or {@code latest} (only the newest
   * point of each stream is kept until delivery has caught up; the points it replaces are counted
   * as {@code superseded}). With {@code latest}, a long outage costs one snapshot per stream
   * instead of one per collection; the backend sees a gap in the points, not in the values, which
   * are cumulative. Gauges, delta data and summaries are never compacted. Not applied with {@code
   * journal.mode=write_ahead}, whose promise is that every collection is on disk.
   */
  public LeveeMetricExporterBuilder setCompaction(String compaction) {
    Objects.requireNonNull(compaction, "compaction");
    if (!compaction.equals("none") && !compaction.equals("latest")) {
      throw new IllegalArgumentException("compaction must be none or latest, was '" + compaction + "'");
    }
    this.compaction = compaction.equals("latest");
    return this;
  }

  /** Builds the exporter and starts its dispatcher thread. */
  public LeveeMetricExporter build() {
    ChunkEncoder<MetricData> encoder = ChunkEncoder.metrics();
    java.util.List<Pipeline<MetricData>> pipelines = buildPipelines(encoder);
    if (compaction) {
      if (writeAhead()) {
        logger.warning(
            "Levee does not compact metric data with journal.mode=write_ahead (every collection"
                + " goes to disk before export() returns); otel.exporter.levee.metrics.compaction=latest"
                + " is ignored.");
      } else {
        pipelines.forEach(Pipeline::compactMetrics);
      }
    }
    Fanout<MetricData> fanout = fanout(encoder, pipelines);
    return fanout == null
        ? new LeveeMetricExporter(pipelines.get(0), temporalitySelector, aggregationSelector)
        : new LeveeMetricExporter(fanout, temporalitySelector, aggregationSelector);
  }
}
