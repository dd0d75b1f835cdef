package dev.levee.exporter.internal;

import dev.levee.exporter.internal.admission.OverflowPolicy;
import dev.levee.exporter.internal.flow.Breaker;
import dev.levee.exporter.internal.flow.RateLimiter;
import dev.levee.exporter.internal.transport.Endpoints;
import io.opentelemetry.sdk.common.Clock;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The validated settings of one exporter. Immutable; {@link #toString()} redacts header values
 * and key material.
 *
 * <p>Internal, may change.
 *
 * @param endpoint the backend, {@code http://host:port} (plaintext) or {@code https://host:port};
 *     the first of {@code endpoints}
 * @param endpoints every backend, in order (one or more)
 * @param endpointMode how requests are spread over several endpoints
 * @param headers sent with every request, e.g. an authorization token
 * @param timeout the deadline of one request
 * @param compression {@code gzip} or {@code none}
 * @param trustedCertificatesPem CA certificates to trust, PEM, or {@code null} for the JDK's
 * @param clientKeyPem the client's private key for mTLS, PEM, or {@code null}
 * @param clientCertificatePem the client's certificate chain for mTLS, PEM, or {@code null}
 * @param memoryLimitBytes the bound on the memory tier
 * @param maxBatchBytes the largest request Levee builds from several chunks
 * @param minBatchBytes the smallest request size the adaptive size goes down to
 * @param batchTargetLatency the request latency the adaptive size and concurrency aim under
 * @param batchLinger how long a request smaller than the adaptive size waits for more data
 * @param maxConcurrency the most requests in flight at once
 * @param shutdownTimeout how long shutdown may try to deliver what is left
 * @param bufferProvider the name of the memory tier's {@code BufferProvider}
 * @param journalMode {@code off}, {@code overflow} or {@code write_ahead}
 * @param journalDirectory where the signal's journal directory is created
 * @param journalLimitBytes the journal's byte cap
 * @param journalMaxAge the journal's maximum data age
 * @param journalFsync {@code none}, {@code interval} or {@code always}
 * @param journalDrainOrder {@code oldest_first} or {@code newest_first}
 * @param journalCompression {@code none} or {@code lz4}
 * @param breaker the endpoint's circuit breaker
 * @param rateLimit the signal's rate limit
 * @param overflowPolicy what {@code export()} does when memory is full
 * @param overflowBlockTimeout with {@link OverflowPolicy#BLOCK}, the longest wait for room
 * @param downsampleRatio with {@link OverflowPolicy#DOWNSAMPLE}, one trace in this many is kept
 * @param retryMaxElapsed without a journal, how long a request is retried; zero: without limit
 * @param adminAddress the admin endpoint's loopback address
 * @param adminPort the admin endpoint's port; -1: no admin endpoint, 0: any free port
 * @param adminToken the bearer token the admin endpoint asks for, or null
 * @param clock time source for everything timed
 */
public record ExporterSettings(
    URI endpoint,
    java.util.List<URI> endpoints,
    Endpoints.Mode endpointMode,
    Map<String, String> headers,
    Duration timeout,
    String compression,
    byte[] trustedCertificatesPem,
    byte[] clientKeyPem,
    byte[] clientCertificatePem,
    long memoryLimitBytes,
    long maxBatchBytes,
    long minBatchBytes,
    Duration batchTargetLatency,
    Duration batchLinger,
    int maxConcurrency,
    Duration shutdownTimeout,
    String bufferProvider,
    String journalMode,
    java.nio.file.Path journalDirectory,
    long journalLimitBytes,
    Duration journalMaxAge,
    String journalFsync,
    String journalDrainOrder,
    String journalCompression,
    Breaker.Settings breaker,
    RateLimiter.Settings rateLimit,
    OverflowPolicy overflowPolicy,
    Duration overflowBlockTimeout,
    int downsampleRatio,
    Duration retryMaxElapsed,
    String adminAddress,
    int adminPort,
    String adminToken,
    Clock clock) {

  public ExporterSettings {
    headers = Map.copyOf(headers);
    endpoints = java.util.List.copyOf(endpoints);
  }

  /** {@code host:port} of the endpoint. */
  public String authority() {
    return authority(endpoint);
  }

  public int port() {
    return port(endpoint);
  }

  public boolean isTls() {
    return isTls(endpoint);
  }

  /** {@code host:port} of an endpoint. */
  public static String authority(URI endpoint) {
    return endpoint.getHost() + ":" + port(endpoint);
  }

  public static int port(URI endpoint) {
    if (endpoint.getPort() != -1) {
      return endpoint.getPort();
    }
    return isTls(endpoint) ? 443 : 80;
  }

  public static boolean isTls(URI endpoint) {
    return "https".equals(endpoint.getScheme());
  }

  @Override
  public String toString() {
    return "ExporterSettings{endpoints="
        + endpoints
        + ", endpointMode="
        + endpointMode
        + ", headers="
        + headers.keySet().stream().sorted().map(k -> k + "=***").collect(Collectors.joining(", ", "{", "}"))
        + ", timeout="
        + timeout
        + ", compression="
        + compression
        + ", trustedCertificates="
        + (trustedCertificatesPem != null ? "set" : "default")
        + ", clientTls="
        + (clientKeyPem != null ? "set" : "none")
        + ", memoryLimitBytes="
        + memoryLimitBytes
        + ", maxBatchBytes="
        + maxBatchBytes
        + ", minBatchBytes="
        + minBatchBytes
        + ", batchTargetLatency="
        + batchTargetLatency
        + ", batchLinger="
        + batchLinger
        + ", maxConcurrency="
        + maxConcurrency
        + ", shutdownTimeout="
        + shutdownTimeout
        + ", bufferProvider="
        + bufferProvider
        + ", journalMode="
        + journalMode
        + ", journalDirectory="
        + journalDirectory
        + ", journalLimitBytes="
        + journalLimitBytes
        + ", journalMaxAge="
        + journalMaxAge
        + ", journalFsync="
        + journalFsync
        + ", journalDrainOrder="
        + journalDrainOrder
        + ", journalCompression="
        + journalCompression
        + ", breaker="
        + breaker
        + ", rateLimit="
        + rateLimit
        + ", overflowPolicy="
        + overflowPolicy.lowerName()
        + ", overflowBlockTimeout="
        + overflowBlockTimeout
        + ", downsampleRatio="
        + downsampleRatio
        + ", retryMaxElapsed="
        + retryMaxElapsed
        + ", admin="
        + (adminPort < 0 ? "off" : adminAddress + ":" + adminPort + (adminToken != null ? " (token set)" : ""))
        + "}";
  }
}
