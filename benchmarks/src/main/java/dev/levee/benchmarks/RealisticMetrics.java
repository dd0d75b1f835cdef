package dev.levee.benchmarks;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentSelector;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.View;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;

/**
 * One collection of a service's HTTP metrics as the SDK hands it to an exporter: a request
 * counter, an in-flight up-down counter, a duration histogram (the SDK's default buckets) and a
 * size histogram (base-2 exponential), each over {@code routes} attribute sets of four attributes
 * (route, method, status, scheme): {@code 4 × routes} data points from a real meter provider.
 */
final class RealisticMetrics {
  private RealisticMetrics() {}

  static List<MetricData> create(int routes, long seed) {
    Random random = new Random(seed);
    InMemoryMetricReader reader = InMemoryMetricReader.create();
    try (SdkMeterProvider provider =
        SdkMeterProvider.builder()
            .setResource(
                Resource.getDefault()
                    .merge(
                        Resource.create(
                            Attributes.of(
                                AttributeKey.stringKey("service.name"), "checkout",
                                AttributeKey.stringKey("host.name"), "checkout-7f9c4b6d8-x2lqp"))))
            .registerMetricReader(reader)
            .registerView(
                InstrumentSelector.builder().setName("http.server.request.body.size").build(),
                View.builder().setAggregation(Aggregation.base2ExponentialBucketHistogram()).build())
            .build()) {
      Meter meter = provider.get("io.opentelemetry.http-server");
      LongCounter requests = meter.counterBuilder("http.server.requests").setUnit("{request}").build();
      LongUpDownCounter active =
          meter.upDownCounterBuilder("http.server.active_requests").setUnit("{request}").build();
      DoubleHistogram duration =
          meter.histogramBuilder("http.server.request.duration").setUnit("s").build();
      DoubleHistogram size =
          meter.histogramBuilder("http.server.request.body.size").setUnit("By").build();
      for (int r = 0; r < routes; r++) {
        Attributes attributes =
            Attributes.of(
                AttributeKey.stringKey("http.route"), "/api/v1/orders/{id}/items/" + r,
                AttributeKey.stringKey("http.request.method"), r % 3 == 0 ? "POST" : "GET",
                AttributeKey.longKey("http.response.status_code"), r % 7 == 0 ? 500L : 200L,
                AttributeKey.stringKey("url.scheme"), "https");
        for (int i = 0; i < 20; i++) {
          requests.add(1, attributes);
          active.add(random.nextBoolean() ? 1 : -1, attributes);
          duration.record(random.nextDouble() * 2, attributes);
          size.record(random.nextInt(1 << 16), attributes);
        }
      }
      Collection<MetricData> collected = reader.collectAllMetrics();
      return new ArrayList<>(collected);
    }
  }

  static int points(Collection<MetricData> metrics) {
    int points = 0;
    for (MetricData metric : metrics) {
      points += metric.getData().getPoints().size();
    }
    return points;
  }
}
