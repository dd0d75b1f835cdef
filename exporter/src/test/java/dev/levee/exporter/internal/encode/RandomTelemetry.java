package dev.levee.exporter.internal.encode;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.DoubleExemplarData;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.ExponentialHistogramBuckets;
import io.opentelemetry.sdk.metrics.data.ExponentialHistogramPointData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongExemplarData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.SummaryPointData;
import io.opentelemetry.sdk.metrics.data.ValueAtQuantile;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableDoubleExemplarData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableDoublePointData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableExponentialHistogramBuckets;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableExponentialHistogramData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableExponentialHistogramPointData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableGaugeData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableHistogramData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableHistogramPointData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableLongExemplarData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableLongPointData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableMetricData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableSumData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableSummaryData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableSummaryPointData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableValueAtQuantile;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.logs.TestLogRecordData;
import io.opentelemetry.sdk.testing.trace.TestSpanData;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Random telemetry for holding the request writers to the SDK's marshalers: spans, log records and
 * metric data of every kind the SDK 1.44 API can express, with every attribute type, nested values,
 * lone surrogates, trace state and remote parents. A newer SDK's tests extend it with what only
 * that SDK has ({@link #otherAttribute}, {@link #otherValue}, {@link #logExtras}).
 */
public class RandomTelemetry {
  protected final Random random;

  public RandomTelemetry(long seed) {
    this.random = new Random(seed);
  }

  public Random random() {
    return random;
  }

  public SpanContext context(boolean remote) {
    String traceId = String.format("%016x%016x", random.nextLong(), random.nextLong() | 1);
    String spanId = String.format("%016x", random.nextLong() | 1);
    TraceFlags flags = random.nextBoolean() ? TraceFlags.getSampled() : TraceFlags.getDefault();
    TraceState state =
        random.nextInt(4) == 0
            ? TraceState.builder().put("vendor", "v" + random.nextInt(100)).put("x", "y").build()
            : TraceState.getDefault();
    return remote
        ? SpanContext.createFromRemoteParent(traceId, spanId, flags, state)
        : SpanContext.create(traceId, spanId, flags, state);
  }

  public Attributes attributes() {
    return attributes(false);
  }

  /** Attributes; a resource's keys must be short ASCII ({@code Resource.create} checks). */
  private Attributes attributes(boolean plainKeys) {
    AttributesBuilder builder = Attributes.builder();
    for (int i = random.nextInt(12); i > 0; i--) {
      String key =
          !plainKeys && random.nextInt(20) == 0 ? string() : "key." + random.nextInt(30);
      switch (random.nextInt(9)) {
        case 0 -> builder.put(AttributeKey.stringKey(key), string());
        case 1 -> builder.put(AttributeKey.longKey(key), random.nextLong() >> random.nextInt(64));
        case 2 -> builder.put(AttributeKey.booleanKey(key), random.nextBoolean());
        case 3 -> builder.put(AttributeKey.doubleKey(key), random.nextGaussian() * 1e6);
        case 4 -> builder.put(AttributeKey.stringArrayKey(key), List.of(string(), string()));
        case 5 -> builder.put(AttributeKey.longArrayKey(key), List.of(random.nextLong(), -1L));
        case 6 -> builder.put(AttributeKey.booleanArrayKey(key), List.of(true, false, true));
        case 7 -> builder.put(AttributeKey.doubleArrayKey(key), List.of(random.nextDouble(), -0.0));
        default -> otherAttribute(builder, key);
      }
    }
    return builder.build();
  }

  /** An attribute of a type only a newer API has; here a plain string. */
  protected void otherAttribute(AttributesBuilder builder, String key) {
    builder.put(AttributeKey.stringKey(key), string());
  }

  public Value<?> value(int depth) {
    int kind = random.nextInt(depth > 0 ? 8 : 6);
    return switch (kind) {
      case 0 -> Value.of(string());
      case 1 -> Value.of(random.nextBoolean());
      case 2 -> Value.of(random.nextLong());
      case 3 -> Value.of(random.nextDouble());
      case 4 -> {
        byte[] bytes = new byte[random.nextInt(6)];
        random.nextBytes(bytes);
        yield Value.of(bytes);
      }
      case 5 -> otherValue();
      case 6 -> Value.of(value(depth - 1), value(depth - 1));
      default -> Value.of(KeyValue.of(string(), value(depth - 1)), KeyValue.of("", value(depth - 1)));
    };
  }

  /** A value of a kind only a newer API has; here a string. */
  protected Value<?> otherValue() {
    return Value.of(string());
  }

  /** ASCII mostly; now and then two- and three-byte characters, emoji and lone surrogates. */
  public String string() {
    StringBuilder builder = new StringBuilder();
    int length = random.nextInt(40);
    boolean ascii = random.nextInt(3) > 0;
    for (int i = 0; i < length; i++) {
      if (ascii) {
        builder.append((char) (' ' + random.nextInt(95)));
        continue;
      }
      switch (random.nextInt(6)) {
        case 0 -> builder.append((char) (0x80 + random.nextInt(0x780)));
        case 1 -> builder.append((char) (0x800 + random.nextInt(0xD000)));
        case 2 -> builder.appendCodePoint(0x10000 + random.nextInt(0xFFFFF));
        case 3 -> builder.append((char) (0xD800 + random.nextInt(0x800)));
        default -> builder.append((char) ('a' + random.nextInt(26)));
      }
    }
    return builder.toString();
  }

  public Resource resource() {
    return Resource.create(attributes(true), random.nextBoolean() ? null : "https://schemas/" + string());
  }

  public InstrumentationScopeInfo scope() {
    return InstrumentationScopeInfo.builder(string())
        .setVersion(random.nextBoolean() ? null : string())
        .setSchemaUrl(random.nextBoolean() ? null : string())
        .setAttributes(attributes())
        .build();
  }

  public SpanData span(Resource resource, InstrumentationScopeInfo scope) {
    List<EventData> events = new ArrayList<>();
    for (int i = random.nextInt(3); i > 0; i--) {
      events.add(EventData.create(random.nextLong(), string(), attributes(), random.nextInt(9)));
    }
    List<LinkData> links = new ArrayList<>();
    for (int i = random.nextInt(3); i > 0; i--) {
      Attributes attributes = attributes();
      links.add(
          LinkData.create(
              context(random.nextBoolean()), attributes, attributes.size() + random.nextInt(3)));
    }
    Attributes attributes = attributes();
    StatusCode code = StatusCode.values()[random.nextInt(3)];
    return TestSpanData.builder()
        .setResource(resource)
        .setInstrumentationScopeInfo(scope)
        .setSpanContext(context(false))
        .setParentSpanContext(
            random.nextInt(4) == 0 ? SpanContext.getInvalid() : context(random.nextBoolean()))
        .setName(string())
        .setKind(SpanKind.values()[random.nextInt(SpanKind.values().length)])
        .setStartEpochNanos(random.nextLong())
        .setEndEpochNanos(random.nextInt(5) == 0 ? 0 : random.nextLong())
        .setAttributes(attributes)
        .setTotalAttributeCount(attributes.size() + random.nextInt(3))
        .setEvents(events)
        .setTotalRecordedEvents(events.size() + random.nextInt(3))
        .setLinks(links)
        .setTotalRecordedLinks(links.size() + random.nextInt(3))
        .setStatus(
            code == StatusCode.UNSET
                ? StatusData.unset()
                : StatusData.create(code, random.nextBoolean() ? "" : string()))
        .setHasEnded(true)
        .build();
  }

  public LogRecordData log(Resource resource, InstrumentationScopeInfo scope) {
    Attributes attributes = attributes();
    TestLogRecordData.Builder builder =
        TestLogRecordData.builder()
            .setResource(resource)
            .setInstrumentationScopeInfo(scope)
            .setTimestamp(random.nextInt(5) == 0 ? 0 : random.nextLong(), TimeUnit.NANOSECONDS)
            .setObservedTimestamp(random.nextLong(), TimeUnit.NANOSECONDS)
            .setSpanContext(
                random.nextInt(3) == 0 ? SpanContext.getInvalid() : context(random.nextBoolean()))
            .setSeverity(Severity.values()[random.nextInt(Severity.values().length)])
            .setSeverityText(random.nextBoolean() ? "" : string())
            .setAttributes(attributes)
            .setTotalAttributeCount(attributes.size() + random.nextInt(3));
    switch (random.nextInt(4)) {
      case 0 -> {} // no body
      case 1 -> builder.setBody(string());
      default -> builder.setBodyValue(value(2));
    }
    logExtras(builder);
    return builder.build();
  }

  /** What only a newer SDK's log records hold; nothing here. */
  protected void logExtras(TestLogRecordData.Builder builder) {}

  /** One metric of a random type, with 0 to 4 points. */
  public MetricData metric(Resource resource, InstrumentationScopeInfo scope) {
    String name = random.nextInt(10) == 0 ? string() : "metric." + random.nextInt(50);
    String description = random.nextBoolean() ? "" : string();
    String unit = random.nextBoolean() ? "" : "ms";
    int points = random.nextInt(5);
    return switch (random.nextInt(7)) {
      case 0 ->
          ImmutableMetricData.createLongGauge(
              resource, scope, name, description, unit,
              ImmutableGaugeData.create(repeat(points, this::longPoint)));
      case 1 ->
          ImmutableMetricData.createDoubleGauge(
              resource, scope, name, description, unit,
              ImmutableGaugeData.create(repeat(points, this::doublePoint)));
      case 2 ->
          ImmutableMetricData.createLongSum(
              resource, scope, name, description, unit,
              ImmutableSumData.create(
                  random.nextBoolean(), temporality(), repeat(points, this::longPoint)));
      case 3 ->
          ImmutableMetricData.createDoubleSum(
              resource, scope, name, description, unit,
              ImmutableSumData.create(
                  random.nextBoolean(), temporality(), repeat(points, this::doublePoint)));
      case 4 ->
          ImmutableMetricData.createDoubleHistogram(
              resource, scope, name, description, unit,
              ImmutableHistogramData.create(temporality(), repeat(points, this::histogramPoint)));
      case 5 ->
          ImmutableMetricData.createExponentialHistogram(
              resource, scope, name, description, unit,
              ImmutableExponentialHistogramData.create(
                  temporality(), repeat(points, this::exponentialHistogramPoint)));
      default ->
          ImmutableMetricData.createDoubleSummary(
              resource, scope, name, description, unit,
              ImmutableSummaryData.create(repeat(points, this::summaryPoint)));
    };
  }

  private static <P> List<P> repeat(int count, java.util.function.Supplier<P> point) {
    List<P> points = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      points.add(point.get());
    }
    return points;
  }

  private AggregationTemporality temporality() {
    return random.nextBoolean() ? AggregationTemporality.CUMULATIVE : AggregationTemporality.DELTA;
  }

  private long time() {
    return random.nextInt(6) == 0 ? 0 : random.nextLong();
  }

  /** Now and then zero, negative zero, a non-finite value or a negative one. */
  private double number() {
    return switch (random.nextInt(8)) {
      case 0 -> 0.0;
      case 1 -> -0.0;
      case 2 -> random.nextBoolean() ? Double.NaN : Double.NEGATIVE_INFINITY;
      case 3 -> -random.nextDouble() * 1e9;
      default -> random.nextDouble() * 1e6;
    };
  }

  private long count() {
    return random.nextInt(5) == 0 ? 0 : random.nextLong() >>> random.nextInt(64);
  }

  private LongPointData longPoint() {
    List<LongExemplarData> exemplars = new ArrayList<>();
    for (int i = random.nextInt(3); i > 0; i--) {
      exemplars.add(
          ImmutableLongExemplarData.create(attributes(), time(), exemplarContext(), random.nextLong()));
    }
    return ImmutableLongPointData.create(
        time(), time(), attributes(), random.nextInt(4) == 0 ? 0 : random.nextLong(), exemplars);
  }

  private DoublePointData doublePoint() {
    return ImmutableDoublePointData.create(time(), time(), attributes(), number(), doubleExemplars());
  }

  private List<DoubleExemplarData> doubleExemplars() {
    List<DoubleExemplarData> exemplars = new ArrayList<>();
    for (int i = random.nextInt(3); i > 0; i--) {
      exemplars.add(
          ImmutableDoubleExemplarData.create(attributes(), time(), exemplarContext(), number()));
    }
    return exemplars;
  }

  private SpanContext exemplarContext() {
    return random.nextInt(3) == 0 ? SpanContext.getInvalid() : context(false);
  }

  private HistogramPointData histogramPoint() {
    List<Double> boundaries = new ArrayList<>();
    double bound = -random.nextInt(100);
    for (int i = random.nextInt(6); i > 0; i--) {
      bound += 1 + random.nextInt(1000);
      boundaries.add(bound);
    }
    List<Long> counts = new ArrayList<>();
    for (int i = 0; i <= boundaries.size(); i++) {
      counts.add(count());
    }
    return ImmutableHistogramPointData.create(
        time(),
        time(),
        attributes(),
        number(),
        random.nextBoolean(),
        number(),
        random.nextBoolean(),
        number(),
        boundaries,
        counts,
        doubleExemplars());
  }

  private ExponentialHistogramPointData exponentialHistogramPoint() {
    int scale = random.nextInt(31) - 10;
    return ImmutableExponentialHistogramPointData.create(
        scale,
        number(),
        count(),
        random.nextBoolean(),
        number(),
        random.nextBoolean(),
        number(),
        buckets(scale),
        buckets(scale),
        time(),
        time(),
        attributes(),
        doubleExemplars());
  }

  private ExponentialHistogramBuckets buckets(int scale) {
    List<Long> counts = new ArrayList<>();
    for (int i = random.nextInt(6); i > 0; i--) {
      counts.add(count());
    }
    int offset = random.nextInt(4) == 0 ? 0 : random.nextInt() >> random.nextInt(32);
    return ImmutableExponentialHistogramBuckets.create(scale, offset, counts);
  }

  private SummaryPointData summaryPoint() {
    List<ValueAtQuantile> quantiles = new ArrayList<>();
    for (int i = random.nextInt(4); i > 0; i--) {
      quantiles.add(ImmutableValueAtQuantile.create(random.nextInt(3) == 0 ? 0 : random.nextDouble(), number()));
    }
    return ImmutableSummaryPointData.create(
        time(), time(), attributes(), count(), number(), quantiles);
  }
}
