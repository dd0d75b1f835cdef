package dev.levee.exporter;

import dev.levee.buffer.BufferProvider;
import dev.levee.buffer.BufferProviders;
import dev.levee.buffer.ChunkJournal;
import dev.levee.buffer.JournalOptions;
import dev.levee.buffer.Signal;
import dev.levee.exporter.internal.Checks;
import dev.levee.exporter.internal.Choices;
import dev.levee.exporter.internal.ExporterSettings;
import dev.levee.exporter.internal.Fanout;
import dev.levee.exporter.internal.JournalMode;
import dev.levee.exporter.internal.JournalSetup;
import dev.levee.exporter.internal.Pipeline;
import dev.levee.exporter.internal.Pipelines;
import dev.levee.exporter.internal.admission.AdmissionSettings;
import dev.levee.exporter.internal.admission.OverflowPolicy;
import dev.levee.exporter.internal.dispatch.BatchSettings;
import dev.levee.exporter.internal.encode.ChunkEncoder;
import dev.levee.exporter.internal.flow.Breaker;
import dev.levee.exporter.internal.flow.RateLimiter;
import dev.levee.exporter.internal.management.AdminSettings;
import dev.levee.exporter.internal.transport.Compression;
import dev.levee.exporter.internal.transport.Endpoints;
import dev.levee.exporter.internal.transport.Protocol;
import dev.levee.exporter.internal.transport.TransportSettings;
import io.opentelemetry.sdk.common.Clock;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Settings shared by the three Levee exporters. Every setter validates at once and names the
 * parameter and the bad value.
 *
 * @param <B> the concrete builder
 */
public abstract class LeveeExporterBuilder<B extends LeveeExporterBuilder<B>> {
  /** The default backend over gRPC: a local Collector's OTLP/gRPC port. */
  public static final String DEFAULT_ENDPOINT = "http://localhost:4317";
  /**
   * The default backend over HTTP: a local Collector's OTLP/HTTP port, at {@code /v1/traces},
   * {@code /v1/metrics} or {@code /v1/logs}.
   */
  public static final String DEFAULT_HTTP_ENDPOINT = "http://localhost:4318";
  /**
   * The builder's default protocol, {@code grpc}. (Configured through properties, Levee follows the
   * agent's {@code otel.exporter.otlp.protocol}, whose default is {@code http/protobuf}.)
   */
  public static final String DEFAULT_PROTOCOL = "grpc";
  /** The default deadline of one request: 10 s, as the OTLP exporter. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  /** The default compression: none, as the OTLP exporter. */
  public static final String DEFAULT_COMPRESSION = "none";
  /** The default journal mode once a directory is set. */
  public static final String DEFAULT_JOURNAL_MODE = "overflow";
  /** The default drain order of the journal's backlog. */
  public static final String DEFAULT_JOURNAL_DRAIN_ORDER = "oldest_first";
  public static final String DEFAULT_JOURNAL_OPEN = "on_demand";
  /** The default compression of journaled payloads. */
  public static final String DEFAULT_JOURNAL_COMPRESSION = "none";
  /** The default bound of the memory tier, per signal: 32 MiB of encoded OTLP. */
  public static final long DEFAULT_MEMORY_LIMIT_BYTES = 32L * 1024 * 1024;
  /**
   * The default largest merged request: 2 MiB, half the 4 MiB a Collector accepts by default, so a
   * merged request is never refused for its size.
   */
  public static final long DEFAULT_MAX_BATCH_BYTES = 2L * 1024 * 1024;
  /** The default smallest adaptive request size: 64 KiB. */
  public static final long DEFAULT_MIN_BATCH_BYTES = 64L * 1024;
  /** The default cap of the journal, per signal: 1 GiB. */
  public static final long DEFAULT_JOURNAL_LIMIT_BYTES = 1L << 30;
  /** The default maximum age of journaled data: 7 days. */
  public static final Duration DEFAULT_JOURNAL_MAX_AGE = Duration.ofDays(7);
  /** The default fsync policy of the journal: at most a second of loss on power failure. */
  public static final String DEFAULT_JOURNAL_FSYNC = "interval";
  /** The default time shutdown may spend delivering what is left: 5 s. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);
  /** The default spread of requests over several endpoints. */
  public static final String DEFAULT_ENDPOINT_MODE = "failover";
  /** The default latency the adaptive request size and concurrency aim under. */
  public static final Duration DEFAULT_BATCH_TARGET_LATENCY = Duration.ofMillis(200);
  /** The default wait of a small request for more data. */
  public static final Duration DEFAULT_BATCH_LINGER = Duration.ofMillis(100);
  /** The default most requests in flight at once. */
  public static final int DEFAULT_MAX_CONCURRENCY = 4;
  /** The default of what {@code export()} does when memory is full. */
  public static final String DEFAULT_OVERFLOW_POLICY = "spill";
  /** The default longest wait of the {@code block} overflow policy. */
  public static final Duration DEFAULT_OVERFLOW_BLOCK_TIMEOUT = Duration.ofMillis(500);
  /** The default ratio of the {@code downsample} overflow policy: one trace in ten. */
  public static final int DEFAULT_DOWNSAMPLE_RATIO = 10;
  /** The default of what happens to data over the rate limit. */
  public static final String DEFAULT_RATE_LIMIT_POLICY = "spill";
  /** The default burst of the rate limit, as time at the rate. */
  public static final Duration DEFAULT_RATE_LIMIT_BURST = Duration.ofSeconds(1);
  /** The default address of the admin endpoint. */
  public static final String DEFAULT_ADMIN_ADDRESS = "127.0.0.1";

  private Protocol protocol = Protocol.fromConfigName(DEFAULT_PROTOCOL);
  private URI endpoint;
  private List<URI> endpoints = List.of();
  private Endpoints.Mode endpointMode =
      Choices.parse(Endpoints.Mode.class, "endpointMode", DEFAULT_ENDPOINT_MODE);
  private final Map<String, String> headers = new LinkedHashMap<>();
  private Duration timeout = DEFAULT_TIMEOUT;
  private Compression compression =
      Choices.parse(Compression.class, "compression", DEFAULT_COMPRESSION);
  private byte[] trustedCertificatesPem;
  private byte[] clientKeyPem;
  private byte[] clientCertificatePem;
  private long memoryLimitBytes = DEFAULT_MEMORY_LIMIT_BYTES;
  private long maxBatchBytes = DEFAULT_MAX_BATCH_BYTES;
  private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
  private String bufferProvider = BufferProviders.DEFAULT_PROVIDER;
  private JournalMode journalMode = JournalMode.OFF;
  private Path journalDirectory;
  private long journalLimitBytes = DEFAULT_JOURNAL_LIMIT_BYTES;
  private Duration journalMaxAge = DEFAULT_JOURNAL_MAX_AGE;
  private JournalOptions.Fsync journalFsync =
      Choices.parse(JournalOptions.Fsync.class, "journalFsync", DEFAULT_JOURNAL_FSYNC);
  private boolean journalOpenAtStart;
  private ChunkJournal.ReadOrder journalDrainOrder =
      Choices.parse(ChunkJournal.ReadOrder.class, "journalDrainOrder", DEFAULT_JOURNAL_DRAIN_ORDER);
  private JournalOptions.Compression journalCompression =
      Choices.parse(
          JournalOptions.Compression.class, "journalCompression", DEFAULT_JOURNAL_COMPRESSION);
  private final BreakerSettings breaker = new BreakerSettings();
  private long rateLimitItems;
  private long rateLimitBytes;
  private Duration rateLimitBurst = DEFAULT_RATE_LIMIT_BURST;
  private RateLimiter.Policy rateLimitPolicy =
      Choices.parse(RateLimiter.Policy.class, "rateLimitPolicy", DEFAULT_RATE_LIMIT_POLICY);
  private OverflowPolicy overflowPolicy =
      Choices.parse(OverflowPolicy.class, "overflowPolicy", DEFAULT_OVERFLOW_POLICY);
  private long minBatchBytes = DEFAULT_MIN_BATCH_BYTES;
  private Duration batchTargetLatency = DEFAULT_BATCH_TARGET_LATENCY;
  private Duration batchLinger = DEFAULT_BATCH_LINGER;
  private int maxConcurrency = DEFAULT_MAX_CONCURRENCY;
  private Duration overflowBlockTimeout = DEFAULT_OVERFLOW_BLOCK_TIMEOUT;
  private int downsampleRatio = DEFAULT_DOWNSAMPLE_RATIO;
  private Duration retryMaxElapsed = Duration.ZERO;
  private AdminSettings admin = new AdminSettings(DEFAULT_ADMIN_ADDRESS, -1, null);
  private Clock clock = Clock.getDefault();

  LeveeExporterBuilder() {}

  abstract B self();

  /**
   * The OTLP transport: {@code grpc} (default) or {@code http/protobuf}. The default endpoint
   * follows it: {@value #DEFAULT_ENDPOINT} for gRPC, {@value #DEFAULT_HTTP_ENDPOINT} at the
   * signal's path for HTTP.
   */
  public B setProtocol(String protocol) {
    Objects.requireNonNull(protocol, "protocol");
    try {
      this.protocol = Protocol.fromConfigName(protocol);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("protocol was '" + protocol + "': " + e.getMessage(), e);
    }
    return self();
  }

  /**
   * The backend, {@code http://host:port} for plaintext or {@code https://host:port} for TLS.
   * Over HTTP the URL requests are posted to, used as given (e.g. {@code
   * http://collector:4318/v1/traces}); a URL without a path gets the signal's ({@code /v1/traces},
   * {@code /v1/metrics}, {@code /v1/logs}). Default {@value #DEFAULT_ENDPOINT} over gRPC, {@value
   * #DEFAULT_HTTP_ENDPOINT} over HTTP.
   */
  public B setEndpoint(String endpoint) {
    this.endpoint = Checks.endpoint(endpoint);
    this.endpoints = List.of();
    return self();
  }

  /**
   * Several backends, each with its own connection and circuit breaker; see {@link
   * #setEndpointMode}. Replaces {@link #setEndpoint}.
   */
  public B setEndpoints(List<String> endpoints) {
    Objects.requireNonNull(endpoints, "endpoints");
    Checks.argument(!endpoints.isEmpty(), "endpoints must not be empty");
    List<URI> parsed = new ArrayList<>();
    for (String each : endpoints) {
      URI uri = Checks.endpoint(each);
      // Twice the same backend would get everything twice with fanout, and share a journal.
      Checks.argument(!parsed.contains(uri), "endpoints lists '" + each + "' twice");
      parsed.add(uri);
    }
    this.endpoints = List.copyOf(parsed);
    this.endpoint = parsed.get(0);
    return self();
  }

  /**
   * How requests are spread over several endpoints: {@code failover} (default: to the first whose
   * circuit breaker is closed, in order) or {@code round_robin} (each request to the next one in
   * turn whose breaker is closed). With a single endpoint, {@code round_robin} spreads requests
   * over every address its host name resolves to (gRPC's round_robin over {@code dns:///}), for a
   * collector fleet behind one name. {@code fanout}: every endpoint gets everything; each has its
   * own share of {@code memory.limit} and {@code journal.limit} (divided equally), its own journal
   * (under {@code <journal.directory>/fanout/<host_port>}), breaker, retries and counters, so one
   * backend being down or slow holds back only its own copy.
   */
  public B setEndpointMode(String mode) {
    this.endpointMode = Choices.parse(Endpoints.Mode.class, "endpointMode", mode);
    return self();
  }

  /** Adds a header sent with every request, e.g. an authorization token. */
  public B addHeader(String key, String value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    Checks.argument(!key.isEmpty(), "header key must not be empty");
    headers.put(key.toLowerCase(Locale.ROOT), value);
    return self();
  }

  /** The deadline of one request. Default 10 s. */
  public B setTimeout(Duration timeout) {
    Checks.positive(timeout, "timeout");
    this.timeout = timeout;
    return self();
  }

  /** {@code gzip} or {@code none}. Default {@code none}. */
  public B setCompression(String compression) {
    this.compression = Choices.parse(Compression.class, "compression", compression);
    return self();
  }

  /** CA certificates (PEM) to trust for an {@code https} endpoint instead of the JDK's. */
  public B setTrustedCertificates(byte[] pem) {
    Objects.requireNonNull(pem, "pem");
    Checks.certificates(pem, "trustedCertificates");
    this.trustedCertificatesPem = pem.clone();
    return self();
  }

  /** The client's private key and certificate chain (PEM) for mutual TLS. */
  public B setClientTls(byte[] privateKeyPem, byte[] certificatePem) {
    Objects.requireNonNull(certificatePem, "certificatePem");
    Checks.certificates(certificatePem, "clientCertificate");
    this.clientKeyPem = Objects.requireNonNull(privateKeyPem, "privateKeyPem").clone();
    this.clientCertificatePem = Objects.requireNonNull(certificatePem, "certificatePem").clone();
    return self();
  }

  /**
   * The bound on encoded OTLP bytes held in memory for this signal, queued and in flight. Default
   * 32 MiB.
   */
  public B setMemoryLimitBytes(long bytes) {
    Checks.argument(bytes > 0, "memoryLimitBytes must be positive, was " + bytes);
    this.memoryLimitBytes = bytes;
    return self();
  }

  /** The largest request built by merging chunks, in bytes. Default 2 MiB. */
  public B setMaxBatchBytes(long bytes) {
    Checks.argument(bytes > 0, "maxBatchBytes must be positive, was " + bytes);
    this.maxBatchBytes = bytes;
    return self();
  }

  /** How long shutdown may spend delivering what is left. Default 5 s. */
  public B setShutdownTimeout(Duration timeout) {
    Checks.positive(timeout, "shutdownTimeout");
    this.shutdownTimeout = timeout;
    return self();
  }

  /** The name of the memory tier's {@link BufferProvider}. Default {@code memory}. */
  public B setBufferProvider(String name) {
    Objects.requireNonNull(name, "name");
    this.bufferProvider = name;
    return self();
  }

  /**
   * Keeps data on disk when memory is full, the backend fails, or at shutdown, in a journal under
   * {@code directory} (one subdirectory per signal), delivered when the backend is back, also
   * after a restart. Without this, the exporter is memory-only.
   */
  public B setJournalDirectory(Path directory) {
    this.journalDirectory = Objects.requireNonNull(directory, "directory");
    if (journalMode == JournalMode.OFF) {
      this.journalMode = JournalMode.OVERFLOW;
    }
    return self();
  }

  /**
   * How the journal is used: {@code overflow} (what memory cannot hold or the backend cannot take
   * goes to disk; default once a directory is set), {@code write_ahead} (every chunk is on disk
   * before {@code export()} reports success; delivery reads from disk) or {@code off}
   * (memory-only).
   */
  public B setJournalMode(String mode) {
    this.journalMode = Choices.parse(JournalMode.class, "journalMode", mode);
    return self();
  }

  /** The journal's cap on bytes held for this signal; over it the oldest data goes first. */
  public B setJournalLimitBytes(long bytes) {
    Checks.argument(bytes > 0, "journalLimitBytes must be positive, was " + bytes);
    this.journalLimitBytes = bytes;
    return self();
  }

  /** Journaled data older than this is deleted, counted as expired. Default 7 days. */
  public B setJournalMaxAge(Duration age) {
    Checks.positive(age, "journalMaxAge");
    this.journalMaxAge = age;
    return self();
  }

  /**
   * When the journal forces writes to the device: {@code none} (the OS decides; a power loss can
   * lose what it had not written), {@code interval} (at most a second; default) or {@code always}
   * (every write).
   */
  public B setJournalFsync(String policy) {
    this.journalFsync = Choices.parse(JournalOptions.Fsync.class, "journalFsync", policy);
    return self();
  }

  /**
   * The order the journal's backlog is delivered in: {@code oldest_first} (default; the order it
   * was accepted in) or {@code newest_first} (the most recent first, so dashboards show the present
   * before the past). Either way the backlog shares the connection with live data.
   */
  public B setJournalDrainOrder(String order) {
    this.journalDrainOrder = Choices.parse(ChunkJournal.ReadOrder.class, "journalDrainOrder", order);
    return self();
  }

  /**
   * When the journal opens: {@code on_demand} (default: when it is first needed, a request
   * failing, memory filling, data left at shutdown; or at start with a backlog on disk, with
   * {@code write_ahead}, or with a {@code memory.limit} under 16 MiB) or {@code at_start}.
   */
  public B setJournalOpen(String when) {
    this.journalOpenAtStart =
        Choices.parse(JournalOpen.class, "journalOpen", when) == JournalOpen.AT_START;
    return self();
  }

  /** When the journal opens; see {@link #setJournalOpen}. */
  enum JournalOpen {
    ON_DEMAND,
    AT_START
  }

  /**
   * How journaled payloads are stored: {@code none} (default) or {@code lz4}. LZ4 makes OTLP
   * payloads about 4.5 times smaller on disk (so a journal limit holds an outage that much
   * longer) and costs about 1 µs of CPU per span on the thread that journals it; see
   * BENCHMARKS.md.
   */
  public B setJournalCompression(String compression) {
    this.journalCompression =
        Choices.parse(JournalOptions.Compression.class, "journalCompression", compression);
    return self();
  }

  /**
   * Whether the endpoint has a circuit breaker (default yes): when requests keep failing, it stops
   * sending for {@link #setCircuitBreakerOpenWait a while} (data goes to the journal meanwhile),
   * then lets a few probes through.
   */
  public B setCircuitBreakerEnabled(boolean enabled) {
    breaker.enabled = enabled;
    return self();
  }

  /**
   * The rate, in percent, of requests that got no answer (connection refused, reset or
   * unreachable, deadline exceeded) at or above which the breaker opens. Default 50.
   */
  public B setCircuitBreakerFailureRate(float percent) {
    Checks.argument(percent > 0 && percent <= 100, "circuitBreakerFailureRate must be in (0, 100], was " + percent);
    breaker.failureRate = percent;
    return self();
  }

  /**
   * The breaker also opens when at least {@code percent} of the last {@code windowSize} requests
   * failed in any retryable way but throttling, answered or not: a backend (or a proxy in front
   * of it) that answers, but fails nearly everything. Default 90. Answered errors below it (a busy
   * backend failing some requests) are retried, not a reason to stop.
   */
  public B setCircuitBreakerErrorRate(float percent) {
    Checks.argument(percent > 0 && percent <= 100, "circuitBreakerErrorRate must be in (0, 100], was " + percent);
    breaker.errorRate = percent;
    return self();
  }

  /**
   * Requests taking at least {@code duration} are slow; at or above {@code ratePercent} slow
   * requests the breaker opens. Default 5 s and 100 (only when every request is slow).
   */
  public B setCircuitBreakerSlowCall(Duration duration, float ratePercent) {
    Checks.positive(duration, "circuitBreakerSlowCallDuration");
    Checks.argument(
        ratePercent > 0 && ratePercent <= 100,
        "circuitBreakerSlowCallRate must be in (0, 100], was " + ratePercent);
    breaker.slowCallDuration = duration;
    breaker.slowCallRate = ratePercent;
    return self();
  }

  /** Judges the last {@code calls} requests (default 20). */
  public B setCircuitBreakerWindow(int calls) {
    Checks.argument(calls > 0, "circuitBreakerWindow must be positive, was " + calls);
    breaker.timeWindow = false;
    breaker.windowSize = calls;
    return self();
  }

  /** Judges the requests of the last {@code window} instead, in whole seconds. */
  public B setCircuitBreakerTimeWindow(Duration window) {
    Checks.positive(window, "circuitBreakerTimeWindow");
    Checks.argument(window.toSeconds() >= 1, "circuitBreakerTimeWindow must be at least 1s, was " + window);
    breaker.timeWindow = true;
    breaker.windowSize = (int) Math.min(Integer.MAX_VALUE, window.toSeconds());
    return self();
  }

  /** No judgement before this many requests in the window. Default 10. */
  public B setCircuitBreakerMinimumCalls(int calls) {
    Checks.argument(calls > 0, "circuitBreakerMinimumCalls must be positive, was " + calls);
    breaker.minimumCalls = calls;
    return self();
  }

  /** How long an open breaker sends nothing before probing. Default 10 s. */
  public B setCircuitBreakerOpenWait(Duration wait) {
    Checks.positive(wait, "circuitBreakerOpenWait");
    breaker.openWait = wait;
    return self();
  }

  /** Probes a half-open breaker lets through; all must go well for it to close. Default 2. */
  public B setCircuitBreakerHalfOpenCalls(int calls) {
    Checks.argument(calls > 0, "circuitBreakerHalfOpenCalls must be positive, was " + calls);
    breaker.halfOpenCalls = calls;
    return self();
  }

  /**
   * Limits what this signal sends to the backend, on average: {@code itemsPerSecond} items and
   * {@code bytesPerSecond} encoded bytes (0: no limit of that kind), with bursts up to {@code
   * burst} worth of the rate. Default: no limit.
   */
  public B setRateLimit(long itemsPerSecond, long bytesPerSecond, Duration burst) {
    Checks.argument(itemsPerSecond >= 0, "rateLimitItems must not be negative, was " + itemsPerSecond);
    Checks.argument(bytesPerSecond >= 0, "rateLimitBytes must not be negative, was " + bytesPerSecond);
    Checks.positive(burst, "rateLimitBurst");
    this.rateLimitItems = itemsPerSecond;
    this.rateLimitBytes = bytesPerSecond;
    this.rateLimitBurst = burst;
    return self();
  }

  /**
   * What happens to data arriving faster than the rate limit: {@code spill} (default: it waits, in
   * memory and then in the journal), {@code drop} (turned away at {@code export()}, counted as
   * {@code rate_limited}) or {@code sample} (sampled at {@code export()} down to what the limit
   * has room for, by trace id so traces stay whole; the rest counted as {@code rate_limited}).
   */
  public B setRateLimitPolicy(String policy) {
    this.rateLimitPolicy = Choices.parse(RateLimiter.Policy.class, "rateLimitPolicy", policy);
    return self();
  }

  /**
   * What {@code export()} does when the memory tier is full: {@code spill} (default: to the
   * journal; without one the new data is dropped), {@code drop_newest} (the new data is dropped),
   * {@code drop_oldest} (the oldest queued data is dropped to make room) or {@code block} (waits
   * for room up to {@link #setOverflowBlockTimeout}, then spills) or {@code priority} (spans with
   * status ERROR and log records of severity WARN or above travel in a lane of their own, a quarter
   * of the memory, sent first and kept when other data is dropped; the rest spills) or {@code
   * downsample} (one trace in {@link #setDownsampleRatio N} is kept, the rest counted as {@code
   * downsampled}). Other drops count as {@code memory_full}.
   */
  public B setOverflowPolicy(String policy) {
    this.overflowPolicy = Choices.parse(OverflowPolicy.class, "overflowPolicy", policy);
    return self();
  }

  /**
   * Serves the admin endpoint (stats, health, breaker reset, rate limit, batch bounds over HTTP) on
   * {@code address:port}, loopback only; port 0 picks a free port. With a token, requests need
   * {@code Authorization: Bearer <token>}. Off by default.
   *
   * @throws IllegalArgumentException if {@code address} is not a loopback address
   */
  public B setAdminEndpoint(String address, int port, String token) {
    Objects.requireNonNull(address, "address");
    Checks.argument(port >= 0 && port <= 65535, "adminPort must be 0 to 65535, was " + port);
    try {
      Checks.argument(
          java.net.InetAddress.getByName(address).isLoopbackAddress(),
          "the admin endpoint listens on loopback addresses only (127.0.0.1, ::1, localhost); '"
              + address
              + "' is not one");
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException("adminAddress '" + address + "' cannot be resolved", e);
    }
    this.admin = new AdminSettings(address, port, token == null || token.isEmpty() ? null : token);
    return self();
  }

  /**
   * Without a journal, how long a failing request is retried before it is dropped (counted as
   * {@code retries_exhausted}) to free memory for newer data. Default zero: retried for as long as
   * it takes (new data is dropped instead when memory is full). With a journal, failed requests
   * wait there, bounded by the journal's limits.
   */
  public B setRetryMaxElapsed(Duration maxElapsed) {
    Objects.requireNonNull(maxElapsed, "retryMaxElapsed");
    Checks.argument(!maxElapsed.isNegative(), "retryMaxElapsed must not be negative, was " + maxElapsed);
    this.retryMaxElapsed = maxElapsed;
    return self();
  }

  /**
   * With {@code overflowPolicy=downsample}, one trace in {@code ratio} is kept when memory is full.
   * Default 10.
   */
  public B setDownsampleRatio(int ratio) {
    Checks.argument(ratio >= 2, "downsampleRatio must be at least 2, was " + ratio);
    this.downsampleRatio = ratio;
    return self();
  }

  /** With {@code overflowPolicy=block}, the longest {@code export()} waits for room. Default 500 ms. */
  public B setOverflowBlockTimeout(Duration timeout) {
    Checks.positive(timeout, "overflowBlockTimeout");
    this.overflowBlockTimeout = timeout;
    return self();
  }

  /**
   * The smallest request size the adaptive size goes down to, and the step it grows by. Default
   * 64 KiB (at most the maximum batch size).
   */
  public B setMinBatchBytes(long bytes) {
    Checks.argument(bytes > 0, "minBatchBytes must be positive, was " + bytes);
    this.minBatchBytes = bytes;
    return self();
  }

  /**
   * The latency requests should come back within: the request size and the requests in flight
   * grow while they do and shrink when they do not. Default 200 ms.
   */
  public B setBatchTargetLatency(Duration latency) {
    Checks.positive(latency, "batchTargetLatency");
    this.batchTargetLatency = latency;
    return self();
  }

  /**
   * How long a request smaller than the adaptive size waits for more data before it goes anyway
   * (never when a flush or shutdown is waiting). Default 100 ms; zero sends at once.
   */
  public B setBatchLinger(Duration linger) {
    Objects.requireNonNull(linger, "batchLinger");
    Checks.argument(!linger.isNegative(), "batchLinger must not be negative, was " + linger);
    this.batchLinger = linger;
    return self();
  }

  /** The most requests in flight at once; the actual number adapts from 1 up to it. Default 4. */
  public B setMaxConcurrency(int requests) {
    Checks.argument(requests > 0, "maxConcurrency must be positive, was " + requests);
    this.maxConcurrency = requests;
    return self();
  }

  /** The time source for everything timed. Default the system clock. */
  public B setClock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return self();
  }

  /** Whether {@code journal.mode} is {@code write_ahead}. */
  boolean writeAhead() {
    return journalMode == JournalMode.WRITE_AHEAD;
  }

  /** One pipeline, or with {@code fanout} over several endpoints one per endpoint. */
  <T> List<Pipeline<T>> buildPipelines(ChunkEncoder<T> encoder) {
    return Pipelines.build(encoder, settings(encoder.signal()));
  }

  /** What a builder hands its exporter: the pipelines, and with several the fanout over them. */
  <T> Fanout<T> fanout(ChunkEncoder<T> encoder, List<Pipeline<T>> pipelines) {
    return pipelines.size() == 1 ? null : new Fanout<>(encoder, pipelines, clock);
  }

  /**
   * The endpoints requests go to: as set, or the protocol's default; over HTTP a URL without a path
   * gets the signal's.
   */
  private List<URI> targets(Signal signal) {
    if (!endpoints.isEmpty()) {
      return endpoints.stream().map(uri -> protocol.target(uri, signal)).toList();
    }
    URI given =
        endpoint != null
            ? endpoint
            : URI.create(protocol == Protocol.GRPC ? DEFAULT_ENDPOINT : DEFAULT_HTTP_ENDPOINT);
    return List.of(protocol.target(given, signal));
  }

  private ExporterSettings settings(Signal signal) {
    return new ExporterSettings(
        new TransportSettings(
            protocol,
            targets(signal),
            endpointMode,
            headers,
            timeout,
            compression,
            trustedCertificatesPem,
            clientKeyPem,
            clientCertificatePem),
        memoryLimitBytes,
        bufferProvider,
        new AdmissionSettings(
            new RateLimiter.Settings(rateLimitItems, rateLimitBytes, rateLimitBurst, rateLimitPolicy),
            overflowPolicy,
            overflowBlockTimeout,
            downsampleRatio),
        new BatchSettings(
            maxBatchBytes,
            Math.min(minBatchBytes, maxBatchBytes),
            batchTargetLatency,
            batchLinger,
            maxConcurrency,
            retryMaxElapsed),
        breaker.settings(),
        new JournalSetup(
            journalMode,
            journalDirectory,
            journalLimitBytes,
            journalMaxAge,
            journalFsync,
            journalDrainOrder,
            journalCompression,
            journalOpenAtStart),
        admin,
        shutdownTimeout,
        clock);
  }

  /** The circuit breaker's settings as the setters leave them. */
  private static final class BreakerSettings {
    private static final Breaker.Settings DEFAULT = Breaker.Settings.DEFAULT;
    boolean enabled = DEFAULT.enabled();
    float failureRate = DEFAULT.failureRatePercent();
    float slowCallRate = DEFAULT.slowCallRatePercent();
    Duration slowCallDuration = DEFAULT.slowCallDuration();
    boolean timeWindow = DEFAULT.timeBasedWindow();
    int windowSize = DEFAULT.windowSize();
    int minimumCalls = DEFAULT.minimumCalls();
    Duration openWait = DEFAULT.openWait();
    int halfOpenCalls = DEFAULT.halfOpenCalls();
    float errorRate = DEFAULT.errorRatePercent();

    Breaker.Settings settings() {
      return new Breaker.Settings(
          enabled,
          failureRate,
          slowCallRate,
          slowCallDuration,
          timeWindow,
          windowSize,
          minimumCalls,
          openWait,
          halfOpenCalls,
          errorRate);
    }
  }
}
