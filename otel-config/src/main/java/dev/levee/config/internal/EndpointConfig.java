package dev.levee.config.internal;

import dev.levee.buffer.Signal;
import dev.levee.config.internal.LeveeProperties.Found;
import dev.levee.exporter.LeveeExporterBuilder;
import dev.levee.exporter.internal.transport.Protocol;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The protocol and the endpoints, as the OTLP exporter specification reads them.
 *
 * <ul>
 *   <li>{@code protocol} is inherited from {@code otel.exporter.otlp.[signal.]protocol}; without
 *       any, {@code http/protobuf}, the agent's and the SDK's default. (A declarative
 *       configuration's {@code levee} node defaults to {@code grpc}: it is documented as the {@code
 *       otlp_grpc} exporter renamed.)
 *   <li>Over HTTP a per-signal endpoint ({@code otel.exporter.[levee|otlp].traces.endpoint}) is the
 *       URL requests are posted to; an endpoint for all signals ({@code otel.exporter.levee.endpoint},
 *       {@code .endpoints}, {@code otel.exporter.otlp.endpoint}) is a base that gets {@code
 *       v1/traces}, {@code v1/metrics} or {@code v1/logs} appended. Over gRPC the path is not used.
 *   <li>The default endpoint follows the protocol: {@code http://localhost:4317} or {@code
 *       http://localhost:4318/v1/<signal>}.
 * </ul>
 *
 * <p>Internal, may change.
 */
final class EndpointConfig {
  private static final Logger logger = Logger.getLogger(EndpointConfig.class.getName());
  /** Warnings given, so that each is given once per process, not once per signal. */
  private static final Set<String> warned = ConcurrentHashMap.newKeySet();

  private EndpointConfig() {}

  /** The protocol the properties ask for, or the default; a bad value is reported by {@code report}. */
  static Protocol protocol(LeveeProperties properties, java.util.function.Consumer<Found> onBadValue) {
    Protocol fallback = properties.declarative() ? Protocol.GRPC : Protocol.HTTP_PROTOBUF;
    Optional<Found> found = properties.inherited("protocol");
    if (found.isEmpty()) {
      return fallback;
    }
    try {
      return Protocol.fromConfigName(found.get().value());
    } catch (IllegalArgumentException e) {
      onBadValue.accept(found.get());
      return fallback;
    }
  }

  /** The default endpoint of the protocol, for {@code signal}. */
  static String defaultEndpoint(Protocol protocol, Signal signal) {
    return protocol == Protocol.GRPC
        ? LeveeExporterBuilder.DEFAULT_ENDPOINT
        : LeveeExporterBuilder.DEFAULT_HTTP_ENDPOINT + "/v1/" + signal.configName();
  }

  /**
   * The endpoint requests go to, given a configured one: over HTTP, a base for all signals gets the
   * signal's path.
   */
  static String resolve(String configured, Protocol protocol, Signal signal, boolean perSignal) {
    if (protocol == Protocol.GRPC || perSignal) {
      return configured;
    }
    dev.levee.exporter.internal.Checks.endpoint(configured); // a bad URL is named as it was given
    return (configured.endsWith("/") ? configured : configured + "/") + "v1/" + signal.configName();
  }

  /**
   * One warning, once per process, when an endpoint is on the other protocol's well-known port
   * (4317 is OTLP/gRPC's, 4318 OTLP/HTTP's): the backend will likely not understand the requests.
   */
  static void warnIfOtherProtocolsPort(String endpoint, Found origin, Protocol protocol, Found protocolOrigin) {
    int port;
    try {
      port = new URI(endpoint).getPort();
    } catch (URISyntaxException e) {
      return; // the endpoint's own check reports it
    }
    Protocol other = protocol == Protocol.GRPC ? Protocol.HTTP_PROTOBUF : Protocol.GRPC;
    if (port != other.defaultPort()) {
      return;
    }
    String message =
        "Levee sends "
            + (protocol == Protocol.GRPC ? "OTLP/gRPC" : "OTLP/HTTP")
            + " ("
            + (protocolOrigin != null
                ? protocolOrigin.property() + "=" + protocolOrigin.value()
                : "the default protocol, " + protocol.configName())
            + ") to port "
            + port
            + ", where OTLP receivers listen for "
            + other.configName()
            + " ("
            + origin.property()
            + "="
            + origin.value()
            + "). If requests fail, set the protocol to "
            + other.configName()
            + " or the endpoint to port "
            + protocol.defaultPort()
            + ".";
    if (warned.add(origin.property() + "=" + origin.value() + "|" + protocol)) {
      logger.warning(message);
    }
  }
}
