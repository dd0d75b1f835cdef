package dev.levee.exporter.internal.encode;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.Data;
import io.opentelemetry.sdk.metrics.data.ExponentialHistogramData;
import io.opentelemetry.sdk.metrics.data.ExponentialHistogramPointData;
import io.opentelemetry.sdk.metrics.data.HistogramData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.metrics.data.SumData;
import io.opentelemetry.sdk.resources.Resource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Latest-value compaction of cumulative metric data while delivery is behind ({@code
 * metrics.compaction=latest}).
 *
 * <p>A cumulative point carries everything before it: a newer point of the same stream (same
 * resource, scope, metric and attributes) makes the older one redundant. So while the exporter is
 * behind (the previous collection is not delivered yet, or every breaker is open), cumulative
 * sums, histograms and exponential histograms are not queued once per collection: the newest point
 * of each stream is held here, and each point it replaces is counted as {@code superseded}. Over
 * an outage of any length the metric backlog stays one snapshot per stream instead of growing with
 * every collection. Gauges, delta data and summaries pass through unchanged.
 *
 * <p>Once delivery has caught up, the next collection takes the held points with it: those its own
 * points replace are superseded, the others are sent first, in the order they were first held.
 * Flush and shutdown release everything held.
 *
 * <p>Internal, may change. Not thread-safe: the pipeline calls it under its own lock.
 */
public final class MetricCompactor {

  /**
   * What to do with a batch.
   *
   * @param send the data to offer now (held data first, then the batch's)
   * @param superseded held points replaced by newer ones of the same stream
   */
  public record Decision(List<MetricData> send, int superseded) {}

  /** A metric stream's identity apart from its attributes. */
  private record StreamKey(
      Resource resource,
      InstrumentationScopeInfo scope,
      String name,
      String description,
      String unit,
      MetricDataType type,
      boolean monotonic) {}

  private final Map<StreamKey, Map<Attributes, PointData>> held = new LinkedHashMap<>();
  private int heldPoints;

  /** Points held now. */
  public int heldPoints() {
    return heldPoints;
  }

  /**
   * Takes a collection. While {@code behind}, cumulative points are held (replacing older ones of
   * their stream) and the rest is sent; otherwise everything held goes out with the batch, except
   * what the batch replaces.
   */
  public Decision admit(Collection<MetricData> batch, boolean behind) {
    if (!behind && held.isEmpty()) {
      return new Decision(List.copyOf(batch), 0);
    }
    List<MetricData> send = new ArrayList<>();
    int superseded = 0;
    if (behind) {
      for (MetricData metric : batch) {
        StreamKey key = cumulativeKey(metric);
        if (key == null) {
          send.add(metric);
          continue;
        }
        Map<Attributes, PointData> points = held.computeIfAbsent(key, k -> new LinkedHashMap<>());
        for (PointData point : metric.getData().getPoints()) {
          if (points.put(point.getAttributes(), point) != null) {
            superseded++;
          } else {
            heldPoints++;
          }
        }
      }
      return new Decision(send, superseded);
    }
    for (MetricData metric : batch) {
      StreamKey key = cumulativeKey(metric);
      Map<Attributes, PointData> points = key == null ? null : held.get(key);
      if (points == null) {
        continue;
      }
      for (PointData point : metric.getData().getPoints()) {
        if (points.remove(point.getAttributes()) != null) {
          superseded++;
          heldPoints--;
        }
      }
    }
    send.addAll(releaseAll());
    send.addAll(batch);
    return new Decision(send, superseded);
  }

  /** Everything held, as metric data, in the order first held; holds nothing after. */
  public List<MetricData> releaseAll() {
    List<MetricData> released = new ArrayList<>(held.size());
    for (Map.Entry<StreamKey, Map<Attributes, PointData>> entry : held.entrySet()) {
      if (!entry.getValue().isEmpty()) {
        released.add(rebuild(entry.getKey(), entry.getValue().values()));
      }
    }
    held.clear();
    heldPoints = 0;
    return released;
  }

  /** The stream key of cumulative data this compacts, or null for data it passes through. */
  private static StreamKey cumulativeKey(MetricData metric) {
    boolean monotonic = false;
    AggregationTemporality temporality;
    switch (metric.getType()) {
      case LONG_SUM, DOUBLE_SUM -> {
        SumData<?> sum = (SumData<?>) metric.getData();
        temporality = sum.getAggregationTemporality();
        monotonic = sum.isMonotonic();
      }
      case HISTOGRAM -> temporality = metric.getHistogramData().getAggregationTemporality();
      case EXPONENTIAL_HISTOGRAM ->
          temporality = metric.getExponentialHistogramData().getAggregationTemporality();
      default -> {
        return null;
      }
    }
    if (temporality != AggregationTemporality.CUMULATIVE) {
      return null;
    }
    return new StreamKey(
        metric.getResource(),
        metric.getInstrumentationScopeInfo(),
        metric.getName(),
        metric.getDescription(),
        metric.getUnit(),
        metric.getType(),
        monotonic);
  }

  @SuppressWarnings("unchecked")
  private static MetricData rebuild(StreamKey key, Collection<PointData> points) {
    List<PointData> copy = List.copyOf(points);
    // Built on the public data interfaces: their static factories came after the oldest SDK
    // Levee supports (1.44).
    Data<?> data =
        switch (key.type()) {
          case LONG_SUM, DOUBLE_SUM -> new HeldSum<>(key.monotonic(), copy);
          case HISTOGRAM -> new HeldHistogram((List<HistogramPointData>) (List<?>) copy);
          case EXPONENTIAL_HISTOGRAM ->
              new HeldExponentialHistogram((List<ExponentialHistogramPointData>) (List<?>) copy);
          default -> throw new IllegalStateException("not compacted: " + key.type());
        };
    return new HeldMetric(key, data);
  }

  /** Cumulative sum points held for a stream. */
  private record HeldSum<P extends PointData>(boolean isMonotonic, List<P> points)
      implements SumData<P> {
    @Override
    public List<P> getPoints() {
      return points;
    }

    @Override
    public AggregationTemporality getAggregationTemporality() {
      return AggregationTemporality.CUMULATIVE;
    }
  }

  /** Cumulative histogram points held for a stream. */
  private record HeldHistogram(List<HistogramPointData> points) implements HistogramData {
    @Override
    public List<HistogramPointData> getPoints() {
      return points;
    }

    @Override
    public AggregationTemporality getAggregationTemporality() {
      return AggregationTemporality.CUMULATIVE;
    }
  }

  /** Cumulative exponential histogram points held for a stream. */
  private record HeldExponentialHistogram(List<ExponentialHistogramPointData> points)
      implements ExponentialHistogramData {
    @Override
    public List<ExponentialHistogramPointData> getPoints() {
      return points;
    }

    @Override
    public AggregationTemporality getAggregationTemporality() {
      return AggregationTemporality.CUMULATIVE;
    }
  }

  /** Metric data rebuilt from held points: the stream's identity and the points. */
  private record HeldMetric(StreamKey key, Data<?> data) implements MetricData {
    @Override
    public Resource getResource() {
      return key.resource();
    }

    @Override
    public InstrumentationScopeInfo getInstrumentationScopeInfo() {
      return key.scope();
    }

    @Override
    public String getName() {
      return key.name();
    }

    @Override
    public String getDescription() {
      return key.description();
    }

    @Override
    public String getUnit() {
      return key.unit();
    }

    @Override
    public MetricDataType getType() {
      return key.type();
    }

    @Override
    public Data<?> getData() {
      return data;
    }
  }
}
