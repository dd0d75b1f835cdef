package dev.levee.config.internal;

import dev.levee.buffer.BufferProviders;
import dev.levee.buffer.ChunkJournal;
import dev.levee.buffer.JournalOptions;
import dev.levee.config.internal.LeveeProperties.Found;
import dev.levee.exporter.LeveeExporterBuilder;
import dev.levee.exporter.internal.Choices;
import dev.levee.exporter.internal.admission.OverflowPolicy;
import dev.levee.exporter.internal.flow.Breaker;
import dev.levee.exporter.internal.flow.RateLimiter;
import dev.levee.exporter.internal.transport.Compression;
import dev.levee.exporter.internal.transport.Endpoints;
import java.time.Duration;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The properties that map one to one onto a builder call, as tables: the key, how its value is
 * parsed, the call that takes it, and the default a bad value falls back to, taken from the
 * builder's constants (their one home). Keys that depend on each other (endpoints, client TLS,
 * journal mode and directory, rate limit, breaker windows, admin) are read by {@link
 * BuilderConfigurer} itself.
 *
 * <p>Internal, may change.
 */
final class PropertyKeys {
  private PropertyKeys() {}

  /**
   * One property that maps to one builder call: where it is read ({@code inherited} keys fall
   * back to the OTLP exporter's), how its value is parsed, the call that takes it, and the default
   * named when the value is bad.
   */
  record Key<V>(
      String name,
      boolean inherited,
      Function<Found, V> parse,
      BiConsumer<LeveeExporterBuilder<?>, V> set,
      String fallback) {}

  private static <V> Key<V> levee(
      String name, Function<Found, V> parse, BiConsumer<LeveeExporterBuilder<?>, V> set, Object fallback) {
    return new Key<>(name, false, parse, set, text(fallback));
  }

  private static <V> Key<V> inherited(
      String name, Function<Found, V> parse, BiConsumer<LeveeExporterBuilder<?>, V> set, Object fallback) {
    return new Key<>(name, true, parse, set, text(fallback));
  }

  /** The keys every signal shares that map one to one onto a builder call, in README order. */
  static final List<Key<?>> SHARED =
      List.of(
          levee(
              "endpoints.mode",
              f -> LeveeProperties.parseChoice(f, Choices.names(Endpoints.Mode.class)),
              LeveeExporterBuilder::setEndpointMode,
              LeveeExporterBuilder.DEFAULT_ENDPOINT_MODE),
          inherited(
              "headers",
              LeveeProperties::parseHeaders,
              (builder, headers) -> headers.forEach(builder::addHeader),
              "no headers"),
          inherited(
              "timeout",
              LeveeProperties::parseDuration,
              LeveeExporterBuilder::setTimeout,
              LeveeExporterBuilder.DEFAULT_TIMEOUT),
          inherited(
              "compression",
              f -> LeveeProperties.parseChoice(f, Choices.names(Compression.class)),
              LeveeExporterBuilder::setCompression,
              LeveeExporterBuilder.DEFAULT_COMPRESSION),
          inherited(
              "certificate",
              LeveeProperties::readFile,
              LeveeExporterBuilder::setTrustedCertificates,
              "the JDK's trusted certificates"),
          levee(
              "memory.limit",
              LeveeProperties::parseSize,
              LeveeExporterBuilder::setMemoryLimitBytes,
              size(LeveeExporterBuilder.DEFAULT_MEMORY_LIMIT_BYTES)),
          levee(
              "batch.max.size",
              LeveeProperties::parseSize,
              LeveeExporterBuilder::setMaxBatchBytes,
              size(LeveeExporterBuilder.DEFAULT_MAX_BATCH_BYTES)),
          levee(
              "batch.min.size",
              LeveeProperties::parseSize,
              LeveeExporterBuilder::setMinBatchBytes,
              size(LeveeExporterBuilder.DEFAULT_MIN_BATCH_BYTES)),
          levee(
              "batch.target.latency",
              LeveeProperties::parseDuration,
              LeveeExporterBuilder::setBatchTargetLatency,
              LeveeExporterBuilder.DEFAULT_BATCH_TARGET_LATENCY),
          levee(
              "batch.linger",
              LeveeProperties::parseDurationOrZero,
              LeveeExporterBuilder::setBatchLinger,
              LeveeExporterBuilder.DEFAULT_BATCH_LINGER),
          levee(
              "max.concurrency",
              LeveeProperties::parsePositiveInt,
              LeveeExporterBuilder::setMaxConcurrency,
              LeveeExporterBuilder.DEFAULT_MAX_CONCURRENCY),
          levee(
              "shutdown.timeout",
              LeveeProperties::parseDuration,
              LeveeExporterBuilder::setShutdownTimeout,
              LeveeExporterBuilder.DEFAULT_SHUTDOWN_TIMEOUT),
          levee(
              "overflow.policy",
              f -> LeveeProperties.parseChoice(f, Choices.names(OverflowPolicy.class)),
              LeveeExporterBuilder::setOverflowPolicy,
              LeveeExporterBuilder.DEFAULT_OVERFLOW_POLICY),
          levee(
              "retry.max.elapsed",
              LeveeProperties::parseDurationOrZero,
              LeveeExporterBuilder::setRetryMaxElapsed,
              "0 (no limit)"),
          levee(
              "overflow.downsample.ratio",
              LeveeProperties::parsePositiveInt,
              LeveeExporterBuilder::setDownsampleRatio,
              LeveeExporterBuilder.DEFAULT_DOWNSAMPLE_RATIO),
          levee(
              "overflow.block.timeout",
              LeveeProperties::parseDuration,
              LeveeExporterBuilder::setOverflowBlockTimeout,
              LeveeExporterBuilder.DEFAULT_OVERFLOW_BLOCK_TIMEOUT),
          levee(
              "buffer.provider",
              PropertyKeys::bufferProvider,
              LeveeExporterBuilder::setBufferProvider,
              BufferProviders.DEFAULT_PROVIDER),
          levee(
              "rate.limit.policy",
              f -> LeveeProperties.parseChoice(f, Choices.names(RateLimiter.Policy.class)),
              LeveeExporterBuilder::setRateLimitPolicy,
              LeveeExporterBuilder.DEFAULT_RATE_LIMIT_POLICY));

  /** The journal's keys that map one to one onto a builder call; read once a journal is on. */
  static final List<Key<?>> JOURNAL =
      List.of(
          levee(
              "journal.limit",
              LeveeProperties::parseSize,
              LeveeExporterBuilder::setJournalLimitBytes,
              size(LeveeExporterBuilder.DEFAULT_JOURNAL_LIMIT_BYTES)),
          levee(
              "journal.max.age",
              LeveeProperties::parseDuration,
              LeveeExporterBuilder::setJournalMaxAge,
              LeveeExporterBuilder.DEFAULT_JOURNAL_MAX_AGE),
          levee(
              "journal.fsync",
              f -> LeveeProperties.parseChoice(f, Choices.names(JournalOptions.Fsync.class)),
              LeveeExporterBuilder::setJournalFsync,
              LeveeExporterBuilder.DEFAULT_JOURNAL_FSYNC),
          levee(
              "journal.open",
              f -> LeveeProperties.parseChoice(f, "on_demand", "at_start"),
              LeveeExporterBuilder::setJournalOpen,
              LeveeExporterBuilder.DEFAULT_JOURNAL_OPEN),
          levee(
              "journal.drain.order",
              f -> LeveeProperties.parseChoice(f, Choices.names(ChunkJournal.ReadOrder.class)),
              LeveeExporterBuilder::setJournalDrainOrder,
              LeveeExporterBuilder.DEFAULT_JOURNAL_DRAIN_ORDER),
          levee(
              "journal.compression",
              f -> LeveeProperties.parseChoice(f, Choices.names(JournalOptions.Compression.class)),
              LeveeExporterBuilder::setJournalCompression,
              LeveeExporterBuilder.DEFAULT_JOURNAL_COMPRESSION));

  /** The circuit breaker's keys that map one to one onto a builder call. */
  static final List<Key<?>> BREAKER =
      List.of(
          levee(
              "breaker.enabled",
              LeveeProperties::parseBoolean,
              LeveeExporterBuilder::setCircuitBreakerEnabled,
              Breaker.Settings.DEFAULT.enabled()),
          levee(
              "breaker.failure.rate",
              LeveeProperties::parsePercent,
              LeveeExporterBuilder::setCircuitBreakerFailureRate,
              percent(Breaker.Settings.DEFAULT.failureRatePercent())),
          levee(
              "breaker.error.rate",
              LeveeProperties::parsePercent,
              LeveeExporterBuilder::setCircuitBreakerErrorRate,
              percent(Breaker.Settings.DEFAULT.errorRatePercent())),
          levee(
              "breaker.minimum.calls",
              LeveeProperties::parsePositiveInt,
              LeveeExporterBuilder::setCircuitBreakerMinimumCalls,
              Breaker.Settings.DEFAULT.minimumCalls()),
          levee(
              "breaker.open.wait",
              LeveeProperties::parseDuration,
              LeveeExporterBuilder::setCircuitBreakerOpenWait,
              Breaker.Settings.DEFAULT.openWait()),
          levee(
              "breaker.half.open.calls",
              LeveeProperties::parsePositiveInt,
              LeveeExporterBuilder::setCircuitBreakerHalfOpenCalls,
              Breaker.Settings.DEFAULT.halfOpenCalls()));

  /** A default as a message names it: sizes and durations as a user writes them. */
  static String text(Object fallback) {
    if (fallback instanceof Duration duration) {
      return LeveeProperties.formatDuration(duration);
    }
    return String.valueOf(fallback);
  }

  private static String size(long bytes) {
    return LeveeProperties.formatSize(bytes);
  }

  static String percent(float percent) {
    return percent == Math.rint(percent) ? String.valueOf((int) percent) : String.valueOf(percent);
  }

  private static String bufferProvider(Found found) {
    try {
      return BufferProviders.find(found.value(), PropertyKeys.class.getClassLoader()).name();
    } catch (IllegalArgumentException e) {
      throw LeveeProperties.invalid(found, e.getMessage());
    }
  }
}
