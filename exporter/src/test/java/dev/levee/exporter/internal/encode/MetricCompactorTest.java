package dev.levee.exporter.internal.encode;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.metrics.export.AggregationTemporalitySelector;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Latest-value compaction on metric data a real SDK collects. */
class MetricCompactorTest {
  private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("route");

  private final InMemoryMetricReader cumulative = InMemoryMetricReader.create();
  private final InMemoryMetricReader delta =
      InMemoryMetricReader.create(
          AggregationTemporalitySelector.deltaPreferred(),
          io.opentelemetry.sdk.metrics.export.DefaultAggregationSelector.getDefault());
  private final SdkMeterProvider provider =
      SdkMeterProvider.builder().registerMetricReader(cumulative).registerMetricReader(delta).build();
  private final Meter meter = provider.get("compaction-test");
  private final LongCounter requests = meter.counterBuilder("requests").build();
  private final AtomicLong temperature = new AtomicLong();

  private final MetricCompactor compactor = new MetricCompactor();

  MetricCompactorTest() {
    meter.histogramBuilder("latency").build().record(1.0); // recorded once, stays in cumulative
    meter.gaugeBuilder("temperature").ofLongs().buildWithCallback(g -> g.record(temperature.get()));
  }

  @AfterEach
  void close() {
    provider.close();
  }

  /** One collection: {@code /a} and {@code /b} each counted once more, the gauge moved. */
  private Collection<MetricData> collect(InMemoryMetricReader reader) {
    requests.add(1, Attributes.of(ROUTE, "/a"));
    requests.add(1, Attributes.of(ROUTE, "/b"));
    temperature.incrementAndGet();
    return reader.collectAllMetrics();
  }

  private static int points(Collection<MetricData> metrics) {
    return metrics.stream().mapToInt(m -> m.getData().getPoints().size()).sum();
  }

  private static MetricData named(Collection<MetricData> metrics, String name) {
    return metrics.stream().filter(m -> m.getName().equals(name)).findFirst().orElseThrow();
  }

  private static Map<String, Long> counterValues(Collection<MetricData> metrics) {
    Map<String, Long> values = new TreeMap<>();
    for (MetricData metric : metrics) {
      if (metric.getName().equals("requests")) {
        for (LongPointData point : metric.getLongSumData().getPoints()) {
          values.put(point.getAttributes().get(ROUTE), point.getValue());
        }
      }
    }
    return values;
  }

  @Test
  void notBehindWithNothingHeldEverythingPassesThrough() {
    Collection<MetricData> batch = collect(cumulative);
    MetricCompactor.Decision decision = compactor.admit(batch, false);
    assertThat(decision.send()).containsExactlyElementsOf(batch);
    assertThat(decision.superseded()).isZero();
    assertThat(compactor.heldPoints()).isZero();
  }

  @Test
  void whileBehindOnlyTheNewestCumulativePointOfEachStreamIsHeld() {
    int superseded = 0;
    int gaugePointsSent = 0;
    for (int round = 1; round <= 5; round++) {
      MetricCompactor.Decision decision = compactor.admit(collect(cumulative), true);
      superseded += decision.superseded();
      // The gauge is not cumulative: it goes on at once, every time.
      assertThat(decision.send()).extracting(MetricData::getName).containsExactly("temperature");
      gaugePointsSent += points(decision.send());
    }
    assertThat(gaugePointsSent).isEqualTo(5);
    // Three streams (requests /a and /b, latency): held once each; four rounds replaced.
    assertThat(compactor.heldPoints()).isEqualTo(3);
    assertThat(superseded).isEqualTo(4 * 3);

    List<MetricData> released = compactor.releaseAll();
    assertThat(compactor.heldPoints()).isZero();
    assertThat(points(released)).isEqualTo(3);
    assertThat(counterValues(released)).containsEntry("/a", 5L).containsEntry("/b", 5L);
    MetricData latency = named(released, "latency");
    assertThat(latency.getType()).isEqualTo(MetricDataType.HISTOGRAM);
    assertThat(latency.getHistogramData().getAggregationTemporality())
        .isEqualTo(AggregationTemporality.CUMULATIVE);
    MetricData counter = named(released, "requests");
    assertThat(counter.getLongSumData().isMonotonic()).isTrue();
    assertThat(counter.getResource()).isEqualTo(named(collect(cumulative), "requests").getResource());
    assertThat(counter.getInstrumentationScopeInfo().getName()).isEqualTo("compaction-test");
  }

  @Test
  void deltaDataIsNeverCompacted() {
    for (int round = 1; round <= 3; round++) {
      Collection<MetricData> batch = collect(delta);
      MetricCompactor.Decision decision = compactor.admit(batch, true);
      assertThat(decision.superseded()).isZero();
      // Delta sums and histograms pass; the (cumulative-by-nature) gauge too.
      assertThat(points(decision.send())).isEqualTo(points(batch));
    }
    assertThat(compactor.heldPoints()).isZero();
  }

  @Test
  void onceCaughtUpTheNextCollectionReplacesWhatItCoversAndTheRestGoesFirst() {
    compactor.admit(collect(cumulative), true);
    compactor.admit(collect(cumulative), true);
    // A stream the next collection will not carry: held, then released ahead of the batch.
    requests.add(1, Attributes.of(ROUTE, "/gone"));
    compactor.admit(collect(cumulative), true);
    assertThat(compactor.heldPoints()).isEqualTo(4);

    // The next collection reports /gone too (cumulative keeps it), so simulate one that does not
    // by filtering it out: only /a, /b and latency supersede.
    Collection<MetricData> next =
        collect(cumulative).stream().map(m -> m.getName().equals("requests") ? withoutGone(m) : m).toList();
    MetricCompactor.Decision decision = compactor.admit(next, false);
    assertThat(decision.superseded()).isEqualTo(3);
    assertThat(compactor.heldPoints()).isZero();
    // First the held /gone point, then the whole new collection.
    assertThat(decision.send().get(0).getName()).isEqualTo("requests");
    assertThat(decision.send().get(0).getData().getPoints())
        .extracting(PointData::getAttributes)
        .containsExactly(Attributes.of(ROUTE, "/gone"));
    assertThat(decision.send().subList(1, decision.send().size())).containsExactlyElementsOf(next);
    assertThat(counterValues(next)).containsEntry("/a", 4L).containsEntry("/b", 4L);
  }

  private static MetricData withoutGone(MetricData counter) {
    List<LongPointData> kept =
        counter.getLongSumData().getPoints().stream()
            .filter(p -> !"/gone".equals(p.getAttributes().get(ROUTE)))
            .toList();
    return io.opentelemetry.sdk.metrics.internal.data.ImmutableMetricData.createLongSum(
        counter.getResource(),
        counter.getInstrumentationScopeInfo(),
        counter.getName(),
        counter.getDescription(),
        counter.getUnit(),
        io.opentelemetry.sdk.metrics.internal.data.ImmutableSumData.create(
            true, AggregationTemporality.CUMULATIVE, kept));
  }

  @Test
  void theSameStreamUnderAnotherResourceOrScopeIsAnotherStream() {
    InMemoryMetricReader otherReader = InMemoryMetricReader.create();
    try (SdkMeterProvider other =
        SdkMeterProvider.builder()
            .setResource(io.opentelemetry.sdk.resources.Resource.empty())
            .registerMetricReader(otherReader)
            .build()) {
      other.get("compaction-test").counterBuilder("requests").build().add(1, Attributes.of(ROUTE, "/a"));
      compactor.admit(collect(cumulative), true);
      compactor.admit(otherReader.collectAllMetrics(), true);
      assertThat(compactor.heldPoints()).isEqualTo(4);
    }
  }
}
