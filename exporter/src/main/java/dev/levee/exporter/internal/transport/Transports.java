package dev.levee.exporter.internal.transport;

import dev.levee.buffer.Signal;
import java.net.URI;
import javax.net.ssl.SSLException;

/**
 * Which client carries Levee's requests. Inside the agent, the OkHttp client the agent ships (its
 * own OTLP exporters send with it): {@link OkHttpGrpcSender}, {@link OkHttpHttpSender}.
 * Elsewhere (the SDK alone, the Spring starter): grpc-java ({@link GrpcSender}) and the JDK's
 * HTTP client ({@link HttpSender}). Internal, may change.
 */
public final class Transports {
  private static final java.util.logging.Logger logger =
      java.util.logging.Logger.getLogger(Transports.class.getName());

  /** The process-wide choice: {@code auto} (the default), {@code okhttp} or {@code builtin}. */
  static final String PROPERTY = "otel.exporter.levee.transport";

  private static final boolean OKHTTP =
      choose(System.getProperty(PROPERTY, System.getenv("OTEL_EXPORTER_LEVEE_TRANSPORT")));

  private Transports() {}

  /**
   * A gRPC sender to {@code endpoint}. One endpoint with {@code round_robin} (a fleet behind one
   * name) keeps grpc-java, which balances over every address of the name; OkHttp would send to
   * one.
   */
  public static Sender grpc(Signal signal, TransportSettings settings, URI endpoint)
      throws SSLException {
    return OKHTTP && !fleet(settings)
        ? okHttpGrpc(signal, settings, endpoint)
        : GrpcSender.create(signal, settings, endpoint);
  }

  /** An OTLP/HTTP sender to {@code endpoint} (the full URL, path included). */
  public static Sender http(TransportSettings settings, URI endpoint) throws SSLException {
    return OKHTTP ? okHttpHttp(settings, endpoint) : HttpSender.create(settings, endpoint);
  }

  /**
   * Whether the senders of these settings are quick to set up, and so worth setting up before the
   * first data (see {@link LazySender}): OkHttp's client and the JDK's, not grpc-java's channel
   * (some 1,200 classes, made only when there is something to send).
   */
  public static boolean quickToSetUp(TransportSettings settings) {
    return quickToSetUp(settings, OKHTTP);
  }

  static boolean quickToSetUp(TransportSettings settings, boolean okHttp) {
    return settings.protocol() == Protocol.HTTP_PROTOBUF || (okHttp && !fleet(settings));
  }

  /** One endpoint with {@code round_robin}: a fleet behind one name, for grpc-java to balance. */
  private static boolean fleet(TransportSettings settings) {
    return settings.mode() == Endpoints.Mode.ROUND_ROBIN && settings.endpoints().size() == 1;
  }

  /** Whether requests go with the agent's OkHttp here. */
  public static boolean okHttp() {
    return OKHTTP;
  }

  // Apart, so that the OkHttp senders' classes are loaded only when OkHttp is there.
  private static Sender okHttpGrpc(Signal signal, TransportSettings settings, URI endpoint)
      throws SSLException {
    return OkHttpGrpcSender.create(signal, settings, endpoint);
  }

  private static Sender okHttpHttp(TransportSettings settings, URI endpoint) throws SSLException {
    return OkHttpHttpSender.create(settings, endpoint);
  }

  /** The fully qualified OTLP gRPC method of a signal. */
  static String fullMethodName(Signal signal) {
    return switch (signal) {
      case SPANS -> "opentelemetry.proto.collector.trace.v1.TraceService/Export";
      case METRICS -> "opentelemetry.proto.collector.metrics.v1.MetricsService/Export";
      case LOGS -> "opentelemetry.proto.collector.logs.v1.LogsService/Export";
    };
  }

  /** The numeric gRPC status code of a status name ({@code UNKNOWN}'s for a name it is not). */
  public static int grpcStatusCode(String name) {
    return GrpcAnswers.value(name);
  }

  /**
   * {@code auto} (or unset): the agent's OkHttp inside the agent, the built-in clients elsewhere;
   * {@code okhttp}: OkHttp wherever an OkHttp 4 or later is visible to Levee (the benchmarks use it
   * to measure that transport without the agent); {@code builtin}: grpc-java and the JDK's client
   * even inside the agent. A value it does not know is named in a warning and read as {@code auto}.
   */
  static boolean choose(String setting) {
    String value = setting == null ? "auto" : setting.trim().toLowerCase(java.util.Locale.ROOT);
    switch (value) {
      case "", "auto":
        return insideAgentWithOkHttp();
      case "builtin":
        return false;
      case "okhttp":
        if (okHttpVisible()) {
          return true;
        }
        logger.warning(
            "Levee has no OkHttp 4 or later to use (" + PROPERTY + "=okhttp); it sends with grpc-java"
                + " and the JDK's HTTP client");
        return false;
      default:
        logger.warning(
            "Levee ignores " + PROPERTY + "=" + setting + ": expected auto, okhttp or builtin; using auto");
        return insideAgentWithOkHttp();
    }
  }

  /**
   * Inside the agent (its extension API is visible from Levee's class loader, whose parent is the
   * agent's), with an OkHttp that reads trailers (4.0 and later; every agent from 2.10.0 ships 4.12
   * or 5.x). Levee on an application's class path does not see the agent's classes, and an
   * application's own OkHttp is not used.
   */
  private static boolean insideAgentWithOkHttp() {
    try {
      Class.forName(
          "io.opentelemetry.javaagent.extension.AgentListener", false, Transports.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError | SecurityException e) {
      return false;
    }
    return okHttpVisible();
  }

  /** An OkHttp that reads trailers and speaks HTTP/2 with prior knowledge (4.0 and later). */
  private static boolean okHttpVisible() {
    ClassLoader loader = Transports.class.getClassLoader();
    try {
      Class.forName("okhttp3.Response", false, loader).getMethod("trailers");
      Class.forName("okhttp3.Protocol", false, loader).getField("H2_PRIOR_KNOWLEDGE");
      return true;
    } catch (ClassNotFoundException | NoSuchMethodException | NoSuchFieldException | LinkageError
        | SecurityException e) {
      return false;
    }
  }
}
