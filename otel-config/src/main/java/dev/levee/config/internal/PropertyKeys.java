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

/**
 * The properties that map one to one onto a builder call: tables of the key and the default a bad
 * value falls back to, taken from the builder's constants (their one home), and {@link #set}, how
 * each value is parsed and the call that takes it. Keys that depend on each other (endpoints, client TLS,
 * journal mode and directory, rate limit, breaker windows, admin) are read by {@link
 * BuilderConfigurer} itself.
 *
 * <p>Internal, may change.
 */
final class PropertyKeys {
  private PropertyKeys() {}

  /**
   * One property that maps to one builder call: where it is read ({@code inherited} keys fall
   * back to the OTLP exporter's) and the default named when its value is bad. How its value is
   * parsed, and the call that takes it, are in {@link #set}.
   */
  record Key(String name, boolean inherited, String fallback) {}

  private static Key levee(String name, Object fallback) {
    return new Key(name, false, text(fallback));
  }

  private static Key inherited(String name, Object fallback) {
    return new Key(name, true, text(fallback));
  }

  /** The keys every signal shares that map one to one onto a builder call, in README order. */
  static final List<Key> SHARED =
      List.of(
          levee("endpoints.mode", LeveeExporterBuilder.DEFAULT_ENDPOINT_MODE),
          inherited("headers", "no headers"),
          inherited("timeout", LeveeExporterBuilder.DEFAULT_TIMEOUT),
          inherited("compression", LeveeExporterBuilder.DEFAULT_COMPRESSION),
          inherited("certificate", "the JDK's trusted certificates"),
          levee("memory.limit", size(LeveeExporterBuilder.DEFAULT_MEMORY_LIMIT_BYTES)),
          levee("batch.max.size", size(LeveeExporterBuilder.DEFAULT_MAX_BATCH_BYTES)),
          levee("batch.min.size", size(LeveeExporterBuilder.DEFAULT_MIN_BATCH_BYTES)),
          levee("batch.target.latency", LeveeExporterBuilder.DEFAULT_BATCH_TARGET_LATENCY),
          levee("batch.linger", LeveeExporterBuilder.DEFAULT_BATCH_LINGER),
          levee("max.concurrency", LeveeExporterBuilder.DEFAULT_MAX_CONCURRENCY),
          levee("shutdown.timeout", LeveeExporterBuilder.DEFAULT_SHUTDOWN_TIMEOUT),
          levee("overflow.policy", LeveeExporterBuilder.DEFAULT_OVERFLOW_POLICY),
          levee("retry.max.elapsed", "0 (no limit)"),
          levee("overflow.downsample.ratio", LeveeExporterBuilder.DEFAULT_DOWNSAMPLE_RATIO),
          levee("overflow.block.timeout", LeveeExporterBuilder.DEFAULT_OVERFLOW_BLOCK_TIMEOUT),
          levee("buffer.provider", BufferProviders.DEFAULT_PROVIDER),
          levee("rate.limit.policy", LeveeExporterBuilder.DEFAULT_RATE_LIMIT_POLICY));

  /** The journal's keys that map one to one onto a builder call; read once a journal is on. */
  static final List<Key> JOURNAL =
      List.of(
          levee("journal.limit", size(LeveeExporterBuilder.DEFAULT_JOURNAL_LIMIT_BYTES)),
          levee("journal.max.age", LeveeExporterBuilder.DEFAULT_JOURNAL_MAX_AGE),
          levee("journal.fsync", LeveeExporterBuilder.DEFAULT_JOURNAL_FSYNC),
          levee("journal.open", LeveeExporterBuilder.DEFAULT_JOURNAL_OPEN),
          levee("journal.drain.order", LeveeExporterBuilder.DEFAULT_JOURNAL_DRAIN_ORDER),
          levee("journal.compression", LeveeExporterBuilder.DEFAULT_JOURNAL_COMPRESSION));

  /** The circuit breaker's keys that map one to one onto a builder call. */
  static final List<Key> BREAKER =
      List.of(
          levee("breaker.enabled", Breaker.Settings.DEFAULT.enabled()),
          levee("breaker.failure.rate", percent(Breaker.Settings.DEFAULT.failureRatePercent())),
          levee("breaker.error.rate", percent(Breaker.Settings.DEFAULT.errorRatePercent())),
          levee("breaker.minimum.calls", Breaker.Settings.DEFAULT.minimumCalls()),
          levee("breaker.open.wait", Breaker.Settings.DEFAULT.openWait()),
          levee("breaker.half.open.calls", Breaker.Settings.DEFAULT.halfOpenCalls()));

  /**
   * Parses {@code found}, the value of {@code key}, and gives it to the builder call that takes it.
   * One switch rather than a parser and a setter per row of the tables: a lambda is linked the
   * first time its expression runs, and the tables are built inside the agent's start-up, where
   * sixty of them were a tenth of the first exporter's build.
   *
   * @throws ConfigurationException or IllegalArgumentException for a bad value
   */
  static void set(Key key, Found found, LeveeExporterBuilder<?> builder) {
    switch (key.name()) {
      case "endpoints.mode" ->
          builder.setEndpointMode(LeveeProperties.parseChoice(found, Choices.names(Endpoints.Mode.class)));
      case "headers" -> LeveeProperties.parseHeaders(found).forEach(builder::addHeader);
      case "timeout" -> builder.setTimeout(LeveeProperties.parseDuration(found));
      case "compression" ->
          builder.setCompression(LeveeProperties.parseChoice(found, Choices.names(Compression.class)));
      case "certificate" -> builder.setTrustedCertificates(LeveeProperties.readFile(found));
      case "memory.limit" -> builder.setMemoryLimitBytes(LeveeProperties.parseSize(found));
      case "batch.max.size" -> builder.setMaxBatchBytes(LeveeProperties.parseSize(found));
      case "batch.min.size" -> builder.setMinBatchBytes(LeveeProperties.parseSize(found));
      case "batch.target.latency" -> builder.setBatchTargetLatency(LeveeProperties.parseDuration(found));
      case "batch.linger" -> builder.setBatchLinger(LeveeProperties.parseDurationOrZero(found));
      case "max.concurrency" -> builder.setMaxConcurrency(LeveeProperties.parsePositiveInt(found));
      case "shutdown.timeout" -> builder.setShutdownTimeout(LeveeProperties.parseDuration(found));
      case "overflow.policy" ->
          builder.setOverflowPolicy(LeveeProperties.parseChoice(found, Choices.names(OverflowPolicy.class)));
      case "retry.max.elapsed" -> builder.setRetryMaxElapsed(LeveeProperties.parseDurationOrZero(found));
      case "overflow.downsample.ratio" -> builder.setDownsampleRatio(LeveeProperties.parsePositiveInt(found));
      case "overflow.block.timeout" -> builder.setOverflowBlockTimeout(LeveeProperties.parseDuration(found));
      case "buffer.provider" -> builder.setBufferProvider(bufferProvider(found));
      case "rate.limit.policy" ->
          builder.setRateLimitPolicy(
              LeveeProperties.parseChoice(found, Choices.names(RateLimiter.Policy.class)));
      case "journal.limit" -> builder.setJournalLimitBytes(LeveeProperties.parseSize(found));
      case "journal.max.age" -> builder.setJournalMaxAge(LeveeProperties.parseDuration(found));
      case "journal.fsync" ->
          builder.setJournalFsync(LeveeProperties.parseChoice(found, Choices.names(JournalOptions.Fsync.class)));
      case "journal.open" -> builder.setJournalOpen(LeveeProperties.parseChoice(found, "on_demand", "at_start"));
      case "journal.drain.order" ->
          builder.setJournalDrainOrder(
              LeveeProperties.parseChoice(found, Choices.names(ChunkJournal.ReadOrder.class)));
      case "journal.compression" ->
          builder.setJournalCompression(
              LeveeProperties.parseChoice(found, Choices.names(JournalOptions.Compression.class)));
      case "breaker.enabled" -> builder.setCircuitBreakerEnabled(LeveeProperties.parseBoolean(found));
      case "breaker.failure.rate" -> builder.setCircuitBreakerFailureRate(LeveeProperties.parsePercent(found));
      case "breaker.error.rate" -> builder.setCircuitBreakerErrorRate(LeveeProperties.parsePercent(found));
      case "breaker.minimum.calls" ->
          builder.setCircuitBreakerMinimumCalls(LeveeProperties.parsePositiveInt(found));
      case "breaker.open.wait" -> builder.setCircuitBreakerOpenWait(LeveeProperties.parseDuration(found));
      case "breaker.half.open.calls" ->
          builder.setCircuitBreakerHalfOpenCalls(LeveeProperties.parsePositiveInt(found));
      default -> throw new IllegalStateException("No builder call for " + key.name());
    }
  }

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
