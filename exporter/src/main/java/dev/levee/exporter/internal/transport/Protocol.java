package dev.levee.exporter.internal.transport;

import dev.levee.buffer.Signal;
import java.net.URI;
import java.util.Locale;

/**
 * The OTLP transport, named as {@code otel.exporter.otlp.protocol} names it. Internal, may change.
 */
public enum Protocol {
  /** OTLP/gRPC, by default on port 4317. */
  GRPC("grpc", 4317),
  /** OTLP/HTTP with binary protobuf bodies, by default on port 4318 at {@code /v1/<signal>}. */
  HTTP_PROTOBUF("http/protobuf", 4318);

  private final String configName;
  private final int defaultPort;

  Protocol(String configName, int defaultPort) {
    this.configName = configName;
    this.defaultPort = defaultPort;
  }

  /** The configuration name, {@code grpc} or {@code http/protobuf}. */
  public String configName() {
    return configName;
  }

  /** The port OTLP receivers listen on for this protocol. */
  public int defaultPort() {
    return defaultPort;
  }

  /**
   * Where {@code signal}'s requests go given an endpoint: over HTTP a URL without a path gets the
   * signal's ({@code /v1/traces}, ...); otherwise the endpoint as it is (gRPC does not use the path).
   */
  public URI target(URI endpoint, Signal signal) {
    String path = endpoint.getRawPath();
    return this == HTTP_PROTOBUF && (path == null || path.isEmpty())
        ? endpoint.resolve("/v1/" + signal.configName())
        : endpoint;
  }

  /** The protocol a configuration name stands for. */
  public static Protocol fromConfigName(String name) {
    String wanted = name.trim().toLowerCase(Locale.ROOT);
    for (Protocol protocol : values()) {
      if (protocol.configName.equals(wanted)) {
        return protocol;
      }
    }
    throw new IllegalArgumentException(
        "expected grpc or http/protobuf"
            + (wanted.equals("http/json") ? " (http/json is not supported: use http/protobuf)" : ""));
  }
}
