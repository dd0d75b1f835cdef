package dev.levee.exporter.internal.transport;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How an exporter reaches its backends. Immutable; {@link #toString()} redacts header values and
 * key material. Internal, may change.
 *
 * @param protocol OTLP/gRPC or OTLP/HTTP
 * @param endpoints every backend, in order (one or more), {@code http://host:port} (plaintext) or
 *     {@code https://host:port}; over HTTP the full URL, e.g. {@code http://host:4318/v1/traces}
 * @param mode how requests are spread over several endpoints
 * @param headers sent with every request, e.g. an authorization token
 * @param timeout the deadline of one request
 * @param compression of request bodies
 * @param trustedCertificatesPem CA certificates to trust, PEM, or {@code null} for the JDK's
 * @param clientKeyPem the client's private key for mTLS, PEM, or {@code null}
 * @param clientCertificatePem the client's certificate chain for mTLS, PEM, or {@code null}
 */
public record TransportSettings(
    Protocol protocol,
    List<URI> endpoints,
    Endpoints.Mode mode,
    Map<String, String> headers,
    Duration timeout,
    Compression compression,
    byte[] trustedCertificatesPem,
    byte[] clientKeyPem,
    byte[] clientCertificatePem) {

  public TransportSettings {
    java.util.Objects.requireNonNull(protocol, "protocol");
    endpoints = List.copyOf(endpoints);
    headers = Map.copyOf(headers);
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("at least one endpoint is needed");
    }
  }

  /** The first endpoint. */
  public URI endpoint() {
    return endpoints.get(0);
  }

  /** The same to other endpoints with another mode (one endpoint's share with fanout). */
  public TransportSettings to(List<URI> targets, Endpoints.Mode newMode) {
    return new TransportSettings(
        protocol,
        targets, newMode, headers, timeout, compression, trustedCertificatesPem, clientKeyPem,
        clientCertificatePem);
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

  /** For the senders' {@code createPlaintext}: refuses an {@code https://} endpoint. */
  static URI requirePlaintext(URI endpoint) {
    if (isTls(endpoint)) {
      throw new IllegalArgumentException("createPlaintext takes an http:// endpoint, was " + endpoint);
    }
    return endpoint;
  }

  @Override
  public String toString() {
    return "protocol="
        + protocol.configName()
        + ", endpoints="
        + endpoints
        + ", endpointMode="
        + mode
        + ", headers="
        + headers.keySet().stream().sorted().map(k -> k + "=***").collect(Collectors.joining(", ", "{", "}"))
        + ", timeout="
        + timeout
        + ", compression="
        + compression.configName()
        + ", trustedCertificates="
        + (trustedCertificatesPem != null ? "set" : "default")
        + ", clientTls="
        + (clientKeyPem != null ? "set" : "none");
  }
}
