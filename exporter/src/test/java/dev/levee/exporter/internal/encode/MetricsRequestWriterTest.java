package dev.levee.exporter.internal.encode;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentSelector;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.View;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableExponentialHistogramBuckets;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableExponentialHistogramData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableExponentialHistogramPointData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableGaugeData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableLongPointData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableMetricData;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsRequestWriterTest {
  private static final Resource RESOURCE =
      Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "checkout"));
  private static final InstrumentationScopeInfo SCOPE =
      InstrumentationScopeInfo.builder("io.opentelemetry.runtime-telemetry-java17")
          .setVersion("2.33.1")
          .build();

  private final MetricsRequestWriter writer = new MetricsRequestWriter();

  @Test
  void writesTheSdkMarshalersBytesForRandomMetricsOfEveryType() {
    RandomTelemetry random = new RandomTelemetry(20261202);
    for (int batch = 0; batch < 300; batch++) {
      List<MetricData> metrics = new ArrayList<>();
      for (int i = 1 + random.random().nextInt(12); i > 0; i--) {
        metrics.add(random.metric(RESOURCE, SCOPE));
      }

      assertWritesAsSdk(metrics, "batch " + batch);
    }
  }

  @Test
  void writesRandomResourcesAndScopesAsTheSdkDoes() {
    RandomTelemetry random = new RandomTelemetry(45);
    for (int batch = 0; batch < 100; batch++) {
      assertWritesAsSdk(List.of(random.metric(random.resource(), random.scope())), "batch " + batch);
    }
  }

  @Test
  void writesWhatAMeterProviderCollectsAsTheSdkDoes() {
    InMemoryMetricReader reader = InMemoryMetricReader.create();
    try (SdkMeterProvider provider =
        SdkMeterProvider.builder()
            .setResource(RESOURCE)
            .registerMetricReader(reader)
            .registerView(
                InstrumentSelector.builder().setName("latency.exponential").build(),
                View.builder().setAggregation(Aggregation.base2ExponentialBucketHistogram()).build())
            .build()) {
      Meter meter = provider.get("writer-test");
      Attributes route = Attributes.of(AttributeKey.stringKey("http.route"), "/orders/{id}");
      meter.counterBuilder("requests").setUnit("{request}").build().add(3, route);
      meter.upDownCounterBuilder("in.flight").build().add(-2, route);
      meter.counterBuilder("bytes").ofDoubles().build().add(1.5, route);
      meter.histogramBuilder("latency").setUnit("ms").build().record(12.5, route);
      meter.histogramBuilder("latency.exponential").build().record(0.003, route);
      meter.histogramBuilder("latency.exponential").build().record(2048, route);
      meter.gaugeBuilder("heap").ofLongs().buildWithCallback(m -> m.record(1 << 20, route));
      meter.gaugeBuilder("load").buildWithCallback(m -> m.record(0.75));

      Collection<MetricData> collected = reader.collectAllMetrics();

      assertThat(collected).hasSize(7);
      assertThat(writer.write(collected)).isEqualTo(SdkMarshalers.metrics(collected));
    }
  }

  @Test
  void writesAZeroExponentialHistogramSumAsLaterSdksDo() throws Exception {
    MetricData metric =
        ImmutableMetricData.createExponentialHistogram(
            RESOURCE,
            SCOPE,
            "empty",
            "",
            "",
            ImmutableExponentialHistogramData.create(
                AggregationTemporality.DELTA,
                List.of(
                    ImmutableExponentialHistogramPointData.create(
                        0,
                        0.0,
                        0,
                        false,
                        0,
                        false,
                        0,
                        ImmutableExponentialHistogramBuckets.create(0, 0, List.of()),
                        ImmutableExponentialHistogramBuckets.create(0, 0, List.of()),
                        1,
                        2,
                        Attributes.empty(),
                        List.of()))));

    ExponentialHistogramDataPoint point =
        ExportMetricsServiceRequest.parseFrom(writer.write(List.of(metric)))
            .getResourceMetrics(0)
            .getScopeMetrics(0)
            .getMetrics(0)
            .getExponentialHistogram()
            .getDataPoints(0);

    assertThat(point.hasSum()).isTrue();
    assertThat(point.getSum()).isZero();
    assertThat(point.hasPositive()).isTrue();
    assertThat(point.hasNegative()).isTrue();
  }

  @Test
  void writesAnEmptyStringAttributeAsAString() throws Exception {
    MetricData metric =
        ImmutableMetricData.createLongGauge(
            RESOURCE,
            SCOPE,
            "g",
            "",
            "",
            ImmutableGaugeData.create(
                List.of(
                    ImmutableLongPointData.create(
                        0, 1, Attributes.of(AttributeKey.stringKey("empty"), ""), 0))));

    Metric written =
        ExportMetricsServiceRequest.parseFrom(writer.write(List.of(metric)))
            .getResourceMetrics(0)
            .getScopeMetrics(0)
            .getMetrics(0);

    AnyValue value = written.getGauge().getDataPoints(0).getAttributes(0).getValue();
    assertThat(value.getValueCase()).isEqualTo(AnyValue.ValueCase.STRING_VALUE);
    assertThat(value.getStringValue()).isEmpty();
    // A long value of zero is still written: the value is a oneof.
    assertThat(written.getGauge().getDataPoints(0).hasAsInt()).isTrue();
  }

  @Test
  void groupsByResourceAndScopeInTheOrderTheyFirstAppear() throws Exception {
    RandomTelemetry random = new RandomTelemetry(9);
    Resource other = Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "cart"));
    InstrumentationScopeInfo otherScope = InstrumentationScopeInfo.create("jdbc");
    List<MetricData> metrics =
        List.of(
            random.metric(other, SCOPE),
            random.metric(RESOURCE, otherScope),
            random.metric(other, otherScope),
            random.metric(RESOURCE, SCOPE));

    ExportMetricsServiceRequest ours = ExportMetricsServiceRequest.parseFrom(writer.write(metrics));

    assertThat(ours.getResourceMetricsList())
        .extracting(rm -> rm.getResource().getAttributes(0).getValue().getStringValue())
        .containsExactly("cart", "checkout");
    assertThat(ours.getResourceMetrics(0).getScopeMetricsList())
        .extracting(sm -> sm.getScope().getName())
        .containsExactly(SCOPE.getName(), "jdbc");
  }

  @Test
  void writesAnEmptyBatchAsAnEmptyRequest() {
    assertThat(writer.write(List.of())).isEmpty();
    assertThat(SdkMarshalers.metrics(List.of())).isEmpty();
  }

  private void assertWritesAsSdk(List<MetricData> metrics, String description) {
    SdkMarshalers.assertSameAsSdk144(
        writer.write(metrics),
        SdkMarshalers.metrics(metrics),
        ExportMetricsServiceRequest.parser(),
        description);
  }
}
