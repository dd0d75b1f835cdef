package dev.levee.config.internal;

import dev.levee.buffer.Signal;
import dev.levee.config.internal.LeveeProperties.Found;
import dev.levee.exporter.LeveeExporterBuilder;
import dev.levee.exporter.LeveeMetricExporterBuilder;
import dev.levee.exporter.internal.Choices;
import dev.levee.exporter.internal.JournalMode;
import dev.levee.exporter.internal.flow.Breaker;
import dev.levee.exporter.internal.transport.Endpoints;
import dev.levee.exporter.internal.transport.Protocol;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.export.AggregationTemporalitySelector;
import io.opentelemetry.sdk.metrics.export.DefaultAggregationSelector;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Translates properties into builder calls, one key at a time.
 *
 * <p>A bad value never stops the exporter: its {@link ConfigurationException} is logged at SEVERE,
 * naming the property and the value, and that one setting keeps its default. Losing telemetry to a
 * typo in one property would hurt the user more than a default for that property does.
 *
 * <p>Internal, may change.
 */
public final class BuilderConfigurer {
  private static final Logger logger = Logger.getLogger(BuilderConfigurer.class.getName());

  private final LeveeProperties properties;
  private final List<String> problems = new ArrayList<>();

  public BuilderConfigurer(LeveeProperties properties) {
    this.properties = properties;
  }

  /** The configuration errors met so far, each naming a property and its value. */
  public List<String> problems() {
    return List.copyOf(problems);
  }

  /** Applies the settings every signal shares. */
  public <B extends LeveeExporterBuilder<B>> B configure(B builder) {
    configureEndpoints(builder);
    applyAll(PropertyKeys.SHARED, builder);
    configureClientTls(builder);
    configureJournal(builder);
    applyAll(PropertyKeys.BREAKER, builder);
    configureBreakerWindows(builder);
    configureRateLimit(builder);
    configureAdmin(builder);
    return builder;
  }

  private void applyAll(List<PropertyKeys.Key> keys, LeveeExporterBuilder<?> builder) {
    for (PropertyKeys.Key key : keys) {
      Optional<Found> found = key.inherited() ? properties.inherited(key.name()) : properties.levee(key.name());
      apply(found, f -> f, f -> PropertyKeys.set(key, f, builder), key.fallback());
    }
  }

  private void configureEndpoints(LeveeExporterBuilder<?> builder) {
    Signal signal = properties.signal();
    Protocol protocol =
        EndpointConfig.protocol(
            properties,
            bad ->
                report(
                    LeveeProperties.invalid(bad, "expected grpc or http/protobuf"),
                    properties.declarative() ? "grpc" : "http/protobuf"));
    builder.setProtocol(protocol.configName());
    Found protocolOrigin = properties.inherited("protocol").orElse(null);
    String fallback = EndpointConfig.defaultEndpoint(protocol, signal);
    Optional<Found> endpoint = properties.inherited("endpoint");
    boolean endpointPerSignal = properties.perSignal("endpoint");
    apply(
        endpoint,
        found -> EndpointConfig.resolve(found.value(), protocol, signal, endpointPerSignal),
        builder::setEndpoint,
        fallback);
    endpoint.ifPresent(
        found -> EndpointConfig.warnIfOtherProtocolsPort(found.value(), found, protocol, protocolOrigin));
    Optional<Found> endpoints = properties.levee("endpoints");
    boolean endpointsPerSignal = properties.perSignal("endpoints");
    apply(
        endpoints,
        found ->
            java.util.Arrays.stream(found.value().split(","))
                .map(String::trim)
                .filter(each -> !each.isEmpty())
                .map(each -> EndpointConfig.resolve(each, protocol, signal, endpointsPerSignal))
                .toList(),
        builder::setEndpoints,
        endpoint.map(Found::value).orElse(fallback));
    endpoints.ifPresent(
        found -> {
          for (String each : found.value().split(",")) {
            EndpointConfig.warnIfOtherProtocolsPort(each.trim(), found, protocol, protocolOrigin);
          }
        });
  }

  private void configureClientTls(LeveeExporterBuilder<?> builder) {
    Optional<Found> clientKey = properties.inherited("client.key");
    Optional<Found> clientCertificate = properties.inherited("client.certificate");
    if (clientKey.isPresent() != clientCertificate.isPresent()) {
      Found given = clientKey.orElseGet(clientCertificate::get);
      report(
          LeveeProperties.invalid(given, "client.key and client.certificate must be set together"),
          "no client certificate");
    } else if (clientKey.isPresent()) {
      apply(
          clientKey,
          key ->
              new byte[][] {
                LeveeProperties.readFile(key), LeveeProperties.readFile(clientCertificate.get())
              },
          pair -> builder.setClientTls(pair[0], pair[1]),
          "no client certificate");
    }
  }

  private void configureJournal(LeveeExporterBuilder<?> builder) {
    String mode = LeveeExporterBuilder.DEFAULT_JOURNAL_MODE;
    Optional<Found> modeFound = properties.levee("journal.mode");
    if (modeFound.isPresent()) {
      try {
        mode = LeveeProperties.parseChoice(modeFound.get(), Choices.names(JournalMode.class));
      } catch (ConfigurationException e) {
        report(e, mode);
      }
    }
    if (mode.equals("off")) {
      return;
    }
    Path directory = defaultJournalDirectory();
    Optional<Found> directoryFound = properties.levee("journal.directory");
    if (directoryFound.isPresent()) {
      try {
        directory = Path.of(directoryFound.get().value());
      } catch (InvalidPathException e) {
        report(LeveeProperties.invalid(directoryFound.get(), e.getMessage()), directory.toString());
      }
    }
    builder.setJournalMode(mode).setJournalDirectory(directory);
    applyAll(PropertyKeys.JOURNAL, builder);
  }

  private void configureAdmin(LeveeExporterBuilder<?> builder) {
    Optional<Found> port = properties.levee("admin.port");
    Optional<Found> address = properties.levee("admin.address");
    Optional<Found> token = properties.levee("admin.token");
    if (port.isEmpty()) {
      return;
    }
    try {
      int number = LeveeProperties.parsePositiveInt(port.get());
      if (number > 65535) {
        throw LeveeProperties.invalid(port.get(), "a port is at most 65535");
      }
      String bind = address.map(Found::value).orElse(LeveeExporterBuilder.DEFAULT_ADMIN_ADDRESS);
      try {
        builder.setAdminEndpoint(bind, number, token.map(Found::value).orElse(null));
      } catch (IllegalArgumentException e) {
        throw LeveeProperties.invalid(address.orElse(port.get()), e.getMessage());
      }
    } catch (ConfigurationException e) {
      report(e, "no admin endpoint");
    }
  }

  private void configureRateLimit(LeveeExporterBuilder<?> builder) {
    long items = 0;
    long bytes = 0;
    Duration burst = LeveeExporterBuilder.DEFAULT_RATE_LIMIT_BURST;
    Optional<Found> itemsFound = properties.levee("rate.limit.items");
    Optional<Found> bytesFound = properties.levee("rate.limit.bytes");
    Optional<Found> burstFound = properties.levee("rate.limit.burst");
    try {
      if (itemsFound.isPresent()) {
        items = LeveeProperties.parsePositiveInt(itemsFound.get());
      }
    } catch (ConfigurationException e) {
      report(e, "no item limit");
    }
    try {
      if (bytesFound.isPresent()) {
        bytes = LeveeProperties.parseSize(bytesFound.get());
      }
    } catch (ConfigurationException e) {
      report(e, "no byte limit");
    }
    try {
      if (burstFound.isPresent()) {
        burst = LeveeProperties.parseDuration(burstFound.get());
      }
    } catch (ConfigurationException e) {
      report(e, PropertyKeys.text(burst));
    }
    if (items > 0 || bytes > 0) {
      builder.setRateLimit(items, bytes, burst);
    }
  }

  /** The slow-call pair and the window, whose keys depend on each other. */
  private void configureBreakerWindows(LeveeExporterBuilder<?> builder) {
    Optional<Found> slowDuration = properties.levee("breaker.slow.call.duration");
    Optional<Found> slowRate = properties.levee("breaker.slow.call.rate");
    if (slowDuration.isPresent() || slowRate.isPresent()) {
      Duration duration = Breaker.Settings.DEFAULT.slowCallDuration();
      float rate = Breaker.Settings.DEFAULT.slowCallRatePercent();
      try {
        if (slowDuration.isPresent()) {
          duration = LeveeProperties.parseDuration(slowDuration.get());
        }
        if (slowRate.isPresent()) {
          rate = LeveeProperties.parsePercent(slowRate.get());
        }
        builder.setCircuitBreakerSlowCall(duration, rate);
      } catch (ConfigurationException e) {
        report(
            e,
            PropertyKeys.text(Breaker.Settings.DEFAULT.slowCallDuration())
                + " and "
                + PropertyKeys.percent(Breaker.Settings.DEFAULT.slowCallRatePercent()));
      }
    }
    String windowType = "count";
    Optional<Found> typeFound = properties.levee("breaker.window.type");
    if (typeFound.isPresent()) {
      try {
        windowType = LeveeProperties.parseChoice(typeFound.get(), "count", "time");
      } catch (ConfigurationException e) {
        report(e, "count");
      }
    }
    boolean timeWindow = windowType.equals("time");
    apply(
        properties.levee("breaker.window.size"),
        LeveeProperties::parsePositiveInt,
        size -> {
          if (timeWindow) {
            builder.setCircuitBreakerTimeWindow(Duration.ofSeconds(size));
          } else {
            builder.setCircuitBreakerWindow(size);
          }
        },
        String.valueOf(Breaker.Settings.DEFAULT.windowSize()));
    if (timeWindow && properties.levee("breaker.window.size").isEmpty()) {
      builder.setCircuitBreakerTimeWindow(Duration.ofSeconds(Breaker.Settings.DEFAULT.windowSize()));
    }
  }

  /**
   * {@code ~/.levee/journal/<service name>}: per service, stable across restarts, and not a
   * temporary directory the OS may clean.
   */
  Path defaultJournalDirectory() {
    String service = properties.config().getString("otel.service.name");
    if (service == null || service.isBlank()) {
      service = properties.config().getMap("otel.resource.attributes").get("service.name");
    }
    if (service == null || service.isBlank()) {
      service = "unknown_service";
    }
    return Path.of(System.getProperty("user.home"), ".levee", "journal", service.replaceAll("[^A-Za-z0-9._-]", "_"));
  }

  /** Applies the metric exporter's temporality and default aggregation. */
  public LeveeMetricExporterBuilder configureMetrics(LeveeMetricExporterBuilder builder) {
    apply(
        properties.inherited("temporality.preference"),
        f -> temporality(LeveeProperties.parseChoice(f, "cumulative", "delta", "lowmemory")),
        builder::setAggregationTemporalitySelector,
        "cumulative");
    apply(
        properties.inherited("default.histogram.aggregation"),
        f ->
            aggregation(
                LeveeProperties.parseChoice(
                    f, "explicit_bucket_histogram", "base2_exponential_bucket_histogram")),
        builder::setDefaultAggregationSelector,
        "explicit_bucket_histogram");
    apply(
        properties.levee("compaction"),
        f -> LeveeProperties.parseChoice(f, "none", "latest"),
        builder::setCompaction,
        "none");
    return builder;
  }

  private static AggregationTemporalitySelector temporality(String choice) {
    return switch (choice) {
      case "delta" -> AggregationTemporalitySelector.deltaPreferred();
      case "lowmemory" -> AggregationTemporalitySelector.lowMemory();
      default -> AggregationTemporalitySelector.alwaysCumulative();
    };
  }

  private static DefaultAggregationSelector aggregation(String choice) {
    return choice.equals("base2_exponential_bucket_histogram")
        ? DefaultAggregationSelector.getDefault()
            .with(InstrumentType.HISTOGRAM, Aggregation.base2ExponentialBucketHistogram())
        : DefaultAggregationSelector.getDefault();
  }

  private <V> void apply(
      Optional<Found> found, Function<Found, V> parse, Consumer<V> setter, String fallback) {
    if (found.isEmpty()) {
      return;
    }
    try {
      setter.accept(parse.apply(found.get()));
    } catch (ConfigurationException e) {
      report(e, fallback);
    } catch (IllegalArgumentException e) {
      report(LeveeProperties.invalid(found.get(), e.getMessage()), fallback);
    }
  }

  private void report(ConfigurationException e, String fallback) {
    String message = e.getMessage() + "; using " + fallback + " instead";
    problems.add(message);
    logger.log(Level.SEVERE, "Levee configuration error: " + message);
  }

  /** The signal these properties are for. */
  public Signal signal() {
    return properties.signal();
  }
}
