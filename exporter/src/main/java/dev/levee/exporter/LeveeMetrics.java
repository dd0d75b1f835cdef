package dev.levee.exporter;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Levee's self-metrics, observed from an exporter's {@link LeveeStats} at each collection: the
 * semantic-convention exporter metrics ({@code otel.sdk.exporter.*}) and {@code levee.*} for the
 * rest. Registered on the application's {@link MeterProvider}, so they go wherever its metrics go.
 *
 * <p>All instruments are asynchronous: nothing is recorded on the export path, and a failing
 * metrics export cannot make more of them.
 */
public final class LeveeMetrics implements AutoCloseable {
  /** The unit of Levee's own item counters, which every signal's exporter shares. */
  static final String LEVEE_ITEM_UNIT = "{item}";

  static final String METER = "dev.levee.exporter";
  static final AttributeKey<String> COMPONENT_TYPE = AttributeKey.stringKey("otel.component.type");
  static final AttributeKey<String> COMPONENT_NAME = AttributeKey.stringKey("otel.component.name");
  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  static final AttributeKey<String> DROP_REASON = AttributeKey.stringKey("levee.drop.reason");
  static final AttributeKey<String> BREAKER_STATE = AttributeKey.stringKey("levee.breaker.state");

  static final AttributeKey<Long> GRPC_STATUS = AttributeKey.longKey("rpc.grpc.status_code");
  static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");

  private final List<AutoCloseable> registrations = new ArrayList<>();
  private DoubleHistogram durations;
  private Attributes base = Attributes.empty();
  private boolean http;
  private volatile boolean closed;

  private LeveeMetrics() {}

  /**
   * Records one request for {@code otel.sdk.exporter.operation.duration}: how long it took, its
   * status (gRPC: {@code OK}, {@code UNAVAILABLE}, ..., recorded as {@code rpc.grpc.status_code};
   * HTTP: {@code 200}, {@code 503}, ..., as {@code http.response.status_code}) and whether it
   * failed ({@code error.type}: the status, or what happened without an answer, e.g. {@code
   * CONNECT_FAILED}). Called by the exporter's dispatcher thread.
   */
  public void recordRequest(long durationNanos, String status, boolean failed) {
    if (closed) {
      return;
    }
    AttributesBuilder attributes = base.toBuilder();
    if (!http) {
      attributes.put(GRPC_STATUS, (long) grpcCode(status));
    } else if (!status.isEmpty() && status.chars().allMatch(Character::isDigit)) {
      attributes.put(HTTP_STATUS, Long.parseLong(status)); // no answer: no status code
    }
    if (failed) {
      attributes.put(ERROR_TYPE, status);
    }
    durations.record(durationNanos / 1e9, attributes.build());
  }

  private static int grpcCode(String status) {
    return dev.levee.exporter.internal.transport.Transports.grpcStatusCode(status);
  }

  /**
   * Registers the self-metrics of one exporter.
   *
   * @param meterProvider where to register (the application's)
   * @param componentName e.g. {@code levee_span_exporter/0}, unique per exporter
   * @param stats the exporter's counters, read at each collection
   * @param health the exporter's health, judged at each collection
   * @param serverAddress the (first) backend's host
   * @param serverPort the (first) backend's port
   * @return a handle that unregisters them
   */
  public static LeveeMetrics register(
      MeterProvider meterProvider,
      String componentName,
      Supplier<LeveeStats> stats,
      Supplier<LeveeHealth> health,
      String serverAddress,
      int serverPort) {
    return register(meterProvider, componentName, stats, health, serverAddress, serverPort, "grpc");
  }

  /**
   * As above, for an exporter speaking {@code protocol}, {@code grpc} or {@code http/protobuf}:
   * request durations carry the status attribute of that transport.
   */
  public static LeveeMetrics register(
      MeterProvider meterProvider,
      String componentName,
      Supplier<LeveeStats> stats,
      Supplier<LeveeHealth> health,
      String serverAddress,
      int serverPort,
      String protocol) {
    Objects.requireNonNull(meterProvider, "meterProvider");
    LeveeStats first = stats.get();
    String type = componentType(first);
    Attributes base =
        Attributes.builder()
            .put(COMPONENT_TYPE, type)
            .put(COMPONENT_NAME, componentName)
            .put(SERVER_ADDRESS, serverAddress)
            .put(SERVER_PORT, (long) serverPort)
            .build();
    Meter meter = meterProvider.meterBuilder(METER).setInstrumentationVersion("0.1.0").build();
    LeveeMetrics metrics = new LeveeMetrics();
    metrics.base = base;
    metrics.http = !protocol.equals("grpc");
    metrics.registerSemanticConventionMetrics(meter, semconvItem(first), stats);
    metrics.registerLeveeMetrics(meter, stats, health);
    return metrics;
  }

  /** {@code otel.sdk.exporter.*}: request durations, items exported (or dropped), in flight. */
  private void registerSemanticConventionMetrics(
      Meter meter, String item, Supplier<LeveeStats> stats) {
    String unit = "{" + item + "}";
    durations =
        meter
            .histogramBuilder("otel.sdk.exporter.operation.duration")
            .setUnit("s")
            .setDescription("Duration of each request to the backend, with its gRPC or HTTP status")
            .setExplicitBucketBoundariesAdvice(
                List.of(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0))
            .build();
    registrations.add(
        meter
            .counterBuilder("otel.sdk.exporter." + item + ".exported")
            .setUnit(unit)
            .setDescription(
                "Items that left the exporter: delivered (no error.type) or dropped (error.type is the reason)")
            .buildWithCallback(
                m -> {
                  LeveeStats s = stats.get();
                  m.record(s.delivered(), base);
                  recordByReason(s, ERROR_TYPE, (attributes, count) -> m.record(count, attributes), true);
                }));
    registrations.add(
        meter
            .upDownCounterBuilder("otel.sdk.exporter." + item + ".inflight")
            .setUnit(unit)
            .setDescription("Items accepted and not yet delivered or dropped (in memory, in flight or in the journal)")
            .buildWithCallback(m -> m.record(stats.get().pending(), base)));
  }

  /**
   * {@code levee.*}: what the semantic conventions do not cover. These instruments are shared by
   * the three exporters (told apart by {@code otel.component.type}), so they count in one unit:
   * the same name with different units is a conflicting definition.
   */
  private void registerLeveeMetrics(
      Meter meter, Supplier<LeveeStats> stats, Supplier<LeveeHealth> health) {
    registrations.add(
        meter
            .counterBuilder("levee.dropped")
            .setUnit(LEVEE_ITEM_UNIT)
            .setDescription("Items dropped, by reason")
            .buildWithCallback(
                m ->
                    recordByReason(
                        stats.get(), DROP_REASON, (attributes, count) -> m.record(count, attributes), false)));
    upDownCounter(meter, "levee.memory.used", "By", "Encoded bytes held in memory, queued and in flight",
        () -> stats.get().memoryUsedBytes());
    upDownCounter(meter, "levee.memory.limit", "By", "The memory tier's bound (memory.limit)",
        () -> stats.get().memoryLimitBytes());
    counter(meter, "levee.journaled", LEVEE_ITEM_UNIT,
        "Items written to the journal (memory full, backend failing, shutdown)", () -> stats.get().journaled());
    counter(meter, "levee.recovered", LEVEE_ITEM_UNIT,
        "Undelivered items found in the journal at start, left by an earlier run", () -> stats.get().recovered());
    gauge(meter, "levee.journal.open", "1", "1 when the journal is open, 0 when the exporter runs memory-only",
        () -> stats.get().journalOpen() ? 1 : 0);
    counter(meter, "levee.retries", "{request}", "Requests that failed with a retryable error",
        () -> stats.get().retries());
    counter(meter, "levee.rate_limit.throttled", LEVEE_ITEM_UNIT, "Items whose request the rate limit held back",
        () -> stats.get().throttled());
    counter(meter, "levee.breaker.openings", "{opening}", "Times a circuit breaker opened",
        () -> stats.get().breakerOpenings());
    registrations.add(
        meter
            .gaugeBuilder("levee.breaker.state")
            .ofLongs()
            .setUnit("1")
            .setDescription("1 for the breaker's current state (closed, open, half_open, disabled), 0 for the others")
            .buildWithCallback(
                m -> {
                  String state = stats.get().breakerState();
                  for (String each : List.of("closed", "open", "half_open", "disabled")) {
                    m.record(each.equals(state) ? 1 : 0, base.toBuilder().put(BREAKER_STATE, each).build());
                  }
                }));
    gauge(meter, "levee.batch.size", "By", "The request size Levee fills up to now (adaptive)",
        () -> stats.get().batchBytes());
    gauge(meter, "levee.concurrency", "{request}", "Requests Levee may have in flight now (adaptive)",
        () -> stats.get().concurrency());
    gauge(meter, "levee.health", "1",
        "The exporter's health: 0 OK, 1 DEGRADED, 2 FAILING (reasons and advice in its log, JMX bean)",
        () -> health.get().state().ordinal());
  }

  /** Each drop reason's count under {@code key}; only the non-zero ones when {@code nonZeroOnly}. */
  private void recordByReason(
      LeveeStats stats,
      AttributeKey<String> key,
      java.util.function.ObjLongConsumer<Attributes> record,
      boolean nonZeroOnly) {
    stats
        .dropped()
        .forEach(
            (reason, count) -> {
              if (count > 0 || !nonZeroOnly) {
                record.accept(base.toBuilder().put(key, reason.label()).build(), count);
              }
            });
  }

  private void counter(Meter meter, String name, String unit, String description, LongSupplier value) {
    registrations.add(
        meter
            .counterBuilder(name)
            .setUnit(unit)
            .setDescription(description)
            .buildWithCallback(m -> m.record(value.getAsLong(), base)));
  }

  private void upDownCounter(
      Meter meter, String name, String unit, String description, LongSupplier value) {
    registrations.add(
        meter
            .upDownCounterBuilder(name)
            .setUnit(unit)
            .setDescription(description)
            .buildWithCallback(m -> m.record(value.getAsLong(), base)));
  }

  private void gauge(Meter meter, String name, String unit, String description, LongSupplier value) {
    registrations.add(
        meter
            .gaugeBuilder(name)
            .ofLongs()
            .setUnit(unit)
            .setDescription(description)
            .buildWithCallback(m -> m.record(value.getAsLong(), base)));
  }

  /** The semantic-convention item name of the exporter's signal. */
  static String semconvItem(LeveeStats stats) {
    return switch (stats.signal()) {
      case SPANS -> "span";
      case METRICS -> "metric_data_point";
      case LOGS -> "log";
    };
  }

  static String componentType(LeveeStats stats) {
    return switch (stats.signal()) {
      case SPANS -> "levee_span_exporter";
      case METRICS -> "levee_metric_exporter";
      case LOGS -> "levee_log_exporter";
    };
  }

  /** One handle closing several exporters' metrics (one per endpoint with fanout). */
  static LeveeMetrics combine(List<LeveeMetrics> each) {
    LeveeMetrics combined = new LeveeMetrics();
    combined.registrations.addAll(each);
    return combined;
  }

  /** Unregisters every instrument (and stops recording request durations). Idempotent. */
  @Override
  public void close() {
    closed = true;
    for (AutoCloseable registration : registrations) {
      try {
        registration.close();
      } catch (Exception e) {
        // An SDK's observable instrument does not throw on close.
      }
    }
    registrations.clear();
  }
}
