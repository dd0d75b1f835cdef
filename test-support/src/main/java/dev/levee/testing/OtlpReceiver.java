package dev.levee.testing;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import com.google.protobuf.Any;
import com.google.rpc.RetryInfo;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real OTLP receiver built on the official opentelemetry-proto service stubs and messages,
 * listening on loopback: OTLP/gRPC on one port and OTLP/HTTP (binary protobuf) on another, sharing
 * what they received, the injected faults and the latency.
 *
 * <p>It keeps what it received (unless told to only count), audits span ids for duplicates, and
 * can write every request as a JSON line. Thread-safe.
 */
public final class OtlpReceiver implements AutoCloseable {

  private final int requestedPort;
  /** With TLS: the server's certificate chain and key (PEM), and the CA clients must present, or null. */
  private TestCertificates.Tls tls;
  private final boolean retain;
  private final BufferedWriter jsonLines;
  private final JsonFormat.Printer printer = JsonFormat.printer().omittingInsignificantWhitespace();

  private final List<ResourceSpans> resourceSpans = new CopyOnWriteArrayList<>();
  private final List<ResourceMetrics> resourceMetrics = new CopyOnWriteArrayList<>();
  private final List<ResourceLogs> resourceLogs = new CopyOnWriteArrayList<>();
  private final AtomicLong spanCount = new AtomicLong();
  private final AtomicLong dataPointCount = new AtomicLong();
  private final AtomicLong logRecordCount = new AtomicLong();
  private final AtomicLong requestCount = new AtomicLong();
  private final AtomicLong firstSpansAt = new AtomicLong();
  private final AtomicLong duplicateSpans = new AtomicLong();
  private final Set<String> spanIds = ConcurrentHashMap.newKeySet();

  private final List<Metadata> headers = new CopyOnWriteArrayList<>();
  /** The client addresses (address and port: one per connection) gRPC calls came from. */
  private final Set<String> grpcClients = ConcurrentHashMap.newKeySet();
  private final ServerInterceptor recordHeaders =
      new ServerInterceptor() {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata metadata, ServerCallHandler<Q, R> next) {
          headers.add(metadata);
          java.net.SocketAddress client = call.getAttributes().get(io.grpc.Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
          if (client != null) {
            grpcClients.add(client.toString());
          }
          return next.startCall(call, metadata);
        }
      };

  private final ReceiverFaults faults = new ReceiverFaults();

  private Server server;
  private OtlpHttpEndpoint http;
  private int requestedHttpPort;

  private OtlpReceiver(int port, boolean retain, Path jsonLinesFile) {
    this.requestedPort = port;
    this.retain = retain;
    try {
      this.jsonLines =
          jsonLinesFile == null
              ? null
              : Files.newBufferedWriter(jsonLinesFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write JSON lines to " + jsonLinesFile, e);
    }
  }

  /** Starts a receiver on an ephemeral loopback port that keeps everything it receives. */
  public static OtlpReceiver start() {
    return start(0, true, null);
  }

  /**
   * Starts a receiver.
   *
   * @param port the loopback port, or 0 for an ephemeral one
   * @param retain whether to keep received data and audit span ids (tests), or only count (long
   *     demos and benchmarks, where an ever-growing id set would cost memory and time)
   * @param jsonLinesFile where to write each request as a JSON line, or {@code null}
   */
  public static OtlpReceiver start(int port, boolean retain, Path jsonLinesFile) {
    return start(port, 0, retain, jsonLinesFile);
  }

  /**
   * Starts a receiver serving OTLP/gRPC on {@code grpcPort} and OTLP/HTTP on {@code httpPort} (0:
   * an ephemeral port), both on loopback.
   */
  public static OtlpReceiver start(int grpcPort, int httpPort, boolean retain, Path jsonLinesFile) {
    OtlpReceiver receiver = new OtlpReceiver(grpcPort, retain, jsonLinesFile);
    receiver.requestedHttpPort = httpPort;
    receiver.startServer();
    return receiver;
  }

  /**
   * Starts a receiver speaking TLS with {@code tls}'s server certificate; with {@code requireClient},
   * a client must present a certificate signed by the same CA (mutual TLS).
   */
  public static OtlpReceiver startTls(TestCertificates.Tls tls, boolean requireClient) {
    OtlpReceiver receiver = new OtlpReceiver(0, true, null);
    receiver.tls = tls;
    receiver.requireClient = requireClient;
    receiver.startServer();
    return receiver;
  }

  private boolean requireClient;

  private void startServer() {
    try {
      NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", requestedPort));
      if (tls != null) {
        io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder ssl =
            io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts.forServer(
                new java.io.ByteArrayInputStream(tls.serverCertificatePem()),
                new java.io.ByteArrayInputStream(tls.serverKeyPem()));
        if (requireClient) {
          ssl.trustManager(new java.io.ByteArrayInputStream(tls.caCertificatePem()))
              .clientAuth(io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth.REQUIRE);
        }
        builder.sslContext(ssl.build());
      }
      server =
          builder
              .addService(ServerInterceptors.intercept(new Traces(), recordHeaders))
              .addService(ServerInterceptors.intercept(new Metrics(), recordHeaders))
              .addService(ServerInterceptors.intercept(new Logs(), recordHeaders))
              .maxInboundMessageSize(64 * 1024 * 1024)
              .build()
              .start();
      http = new OtlpHttpEndpoint(this, requestedHttpPort, httpsContext(), requireClient);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the OTLP receiver on port " + requestedPort, e);
    }
  }

  private javax.net.ssl.SSLContext httpsContext() throws javax.net.ssl.SSLException {
    if (tls == null) {
      return null;
    }
    io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder ssl =
        io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder.forServer(
                new java.io.ByteArrayInputStream(tls.serverCertificatePem()),
                new java.io.ByteArrayInputStream(tls.serverKeyPem()))
            .sslProvider(io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider.JDK);
    if (requireClient) {
      ssl.trustManager(new java.io.ByteArrayInputStream(tls.caCertificatePem()));
    }
    return ((io.grpc.netty.shaded.io.netty.handler.ssl.JdkSslContext) ssl.build()).context();
  }

  /**
   * Makes the next {@code calls} export calls (any signal) fail with {@code status}, carrying a
   * {@code RetryInfo} with {@code retryAfter} unless it is {@code null}. Failed calls are not
   * counted as received.
   */
  public void failNext(int calls, Status status, Duration retryAfter) {
    faults.failNext(calls, status, retryAfter);
  }

  /**
   * Makes the next {@code calls} export calls answer with a {@code partial_success} that rejects
   * {@code items} items with {@code message}. The items still count as received.
   */
  public void rejectNext(int calls, long items, String message) {
    faults.rejectNext(calls, items, message);
  }

  /** Forgets the faults not yet used, and any standing rule: the next calls succeed. */
  public void clearFaults() {
    faults.clearFaults();
  }

  /**
   * From now on fails every {@code n}th export call with {@code status} (and a {@code RetryInfo}
   * of {@code retryAfter} unless null), as a flaky or throttling backend would.
   */
  public void failEvery(int n, Status status, Duration retryAfter) {
    faults.failEvery(n, status, retryAfter);
  }

  /**
   * From now on fails each export call with the first share whose draw it falls in: with {@code
   * UNAVAILABLE:20%,RESOURCE_EXHAUSTED:10%}, a call fails with UNAVAILABLE with probability 0.2 and
   * with RESOURCE_EXHAUSTED with 0.1, independently of the calls before it (a fixed seed, so a run
   * can be repeated). A backend that serves most calls, as behind a busy load balancer.
   */
  public void failMix(List<FaultShare> shares) {
    faults.failMix(shares);
  }

  /** From now on answers every {@code n}th call with a partial success rejecting {@code items}. */
  public void rejectEvery(int n, long items) {
    faults.rejectEvery(n, items);
  }

  /** Delays every answer by {@code latency}, as a slow backend would. */
  public void setLatency(Duration latency) {
    faults.setLatency(latency);
  }

  /** The most export calls (any signal, either transport) seen in progress at once. */
  public int maxConcurrentCalls() {
    return faults.maxConcurrentCalls();
  }

  /** Export calls answered with an injected error. */
  public long failedCallCount() {
    return faults.failedCallCount();
  }

  /** Items reported as rejected in injected partial successes. */
  public long rejectedItemCount() {
    return faults.rejectedItemCount();
  }

  /** When the first span request was received, in epoch milliseconds; 0 before. */
  public long firstSpansEpochMillis() {
    return firstSpansAt.get();
  }

  /** Whether the gRPC call was answered with the fault's error (then there is nothing more to do). */
  private static boolean failedOver(ReceiverFaults.Fault fault, StreamObserver<?> responseObserver) {
    if (fault == null || fault.status() == null) {
      return false;
    }
    responseObserver.onError(StatusProto.toStatusRuntimeException(ReceiverFaults.rpcStatus(fault)));
    return true;
  }

  /** The port the receiver listens on. */
  public int port() {
    return server.getPort();
  }

  /** The endpoint to give an exporter, e.g. {@code http://127.0.0.1:4317}. */
  public String endpoint() {
    return (tls != null ? "https://localhost:" : "http://127.0.0.1:") + port();
  }

  /** The port the receiver serves OTLP/HTTP on. */
  public int httpPort() {
    return http.port();
  }

  /**
   * The OTLP/HTTP base endpoint, e.g. {@code http://127.0.0.1:4318}: requests go to its {@code
   * /v1/traces}, {@code /v1/metrics} and {@code /v1/logs}.
   */
  public String httpEndpoint() {
    return http.endpoint();
  }

  /** The endpoint for a protocol, {@code grpc} or {@code http/protobuf}. */
  public String endpoint(String protocol) {
    return protocol.equals("grpc") ? endpoint() : httpEndpoint();
  }

  @Override
  public void close() {
    if (http != null) {
      http.close();
    }
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (jsonLines != null) {
      synchronized (jsonLines) {
        try {
          jsonLines.close();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }

  public long spanCount() {
    return spanCount.get();
  }

  public long dataPointCount() {
    return dataPointCount.get();
  }

  public long logRecordCount() {
    return logRecordCount.get();
  }

  /** The value of a request header as the last request carried it, if any. */
  public Optional<String> lastHeader(String name) {
    if (headers.isEmpty()) {
      return Optional.empty();
    }
    return Optional.ofNullable(
        headers.get(headers.size() - 1).get(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER)));
  }

  /** How many connections gRPC calls came over (distinct client address and port). */
  public int grpcConnectionCount() {
    return grpcClients.size();
  }

  /** Export requests received, all signals together. */
  public long requestCount() {
    return requestCount.get();
  }

  /** Spans whose span id had already been received. */
  public long duplicateSpanCount() {
    return duplicateSpans.get();
  }

  /** Distinct span ids received, hex. */
  public Set<String> spanIds() {
    return Collections.unmodifiableSet(spanIds);
  }

  /** Every span received, each with its resource. */
  public List<ReceivedSpan> spans() {
    List<ReceivedSpan> result = new ArrayList<>();
    for (ResourceSpans rs : resourceSpans) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span span : ss.getSpansList()) {
          result.add(new ReceivedSpan(rs.getResource(), ss.getScope().getName(), span));
        }
      }
    }
    return result;
  }

  /** Every metric received, each with its resource. */
  public List<ReceivedMetric> metrics() {
    List<ReceivedMetric> result = new ArrayList<>();
    for (ResourceMetrics rm : resourceMetrics) {
      for (ScopeMetrics sm : rm.getScopeMetricsList()) {
        for (Metric metric : sm.getMetricsList()) {
          result.add(new ReceivedMetric(rm.getResource(), sm.getScope().getName(), metric));
        }
      }
    }
    return result;
  }

  /** Every log record received, each with its resource. */
  public List<ReceivedLog> logs() {
    List<ReceivedLog> result = new ArrayList<>();
    for (ResourceLogs rl : resourceLogs) {
      for (ScopeLogs sl : rl.getScopeLogsList()) {
        for (LogRecord log : sl.getLogRecordsList()) {
          result.add(new ReceivedLog(rl.getResource(), sl.getScope().getName(), log));
        }
      }
    }
    return result;
  }

  /** A one-line summary of the counts, e.g. for a demo's progress output. */
  public String summary() {
    return "spans="
        + spanCount()
        + " metric_points="
        + dataPointCount()
        + " log_records="
        + logRecordCount()
        + " requests="
        + requestCount()
        + " duplicate_spans="
        + duplicateSpanCount();
  }

  private void writeJson(String signal, Message request) {
    if (jsonLines == null) {
      return;
    }
    try {
      String json = printer.print(request);
      synchronized (jsonLines) {
        jsonLines.write("{\"signal\":\"" + signal + "\",\"request\":" + json + "}");
        jsonLines.newLine();
        jsonLines.flush();
      }
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Looks up a string attribute in an attribute list. */
  public static Optional<String> stringAttribute(List<KeyValue> attributes, String key) {
    return attributes.stream()
        .filter(kv -> kv.getKey().equals(key))
        .map(KeyValue::getValue)
        .map(AnyValue::getStringValue)
        .findFirst();
  }

  private static String hex(com.google.protobuf.ByteString bytes) {
    StringBuilder sb = new StringBuilder(bytes.size() * 2);
    for (byte b : bytes.toByteArray()) {
      sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    return sb.toString();
  }

  static long dataPoints(Metric metric) {
    switch (metric.getDataCase()) {
      case GAUGE:
        return metric.getGauge().getDataPointsCount();
      case SUM:
        return metric.getSum().getDataPointsCount();
      case HISTOGRAM:
        return metric.getHistogram().getDataPointsCount();
      case EXPONENTIAL_HISTOGRAM:
        return metric.getExponentialHistogram().getDataPointsCount();
      case SUMMARY:
        return metric.getSummary().getDataPointsCount();
      default:
        return 0;
    }
  }

  ExportTraceServiceResponse receive(ExportTraceServiceRequest request, ReceiverFaults.Fault fault) {
    requestCount.incrementAndGet();
    firstSpansAt.compareAndSet(0, System.currentTimeMillis());
    for (ResourceSpans rs : request.getResourceSpansList()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span span : ss.getSpansList()) {
          spanCount.incrementAndGet();
          if (retain && !spanIds.add(hex(span.getSpanId()))) {
            duplicateSpans.incrementAndGet();
          }
        }
      }
    }
    if (retain) {
      resourceSpans.addAll(request.getResourceSpansList());
    }
    writeJson("traces", request);
    return fault == null
        ? ExportTraceServiceResponse.getDefaultInstance()
        : ExportTraceServiceResponse.newBuilder()
            .setPartialSuccess(
                ExportTracePartialSuccess.newBuilder()
                    .setRejectedSpans(fault.rejected())
                    .setErrorMessage(fault.message()))
            .build();
  }

  ExportMetricsServiceResponse receive(ExportMetricsServiceRequest request, ReceiverFaults.Fault fault) {
    requestCount.incrementAndGet();
    for (ResourceMetrics rm : request.getResourceMetricsList()) {
      for (ScopeMetrics sm : rm.getScopeMetricsList()) {
        for (Metric metric : sm.getMetricsList()) {
          dataPointCount.addAndGet(dataPoints(metric));
        }
      }
    }
    if (retain) {
      resourceMetrics.addAll(request.getResourceMetricsList());
    }
    writeJson("metrics", request);
    return fault == null
        ? ExportMetricsServiceResponse.getDefaultInstance()
        : ExportMetricsServiceResponse.newBuilder()
            .setPartialSuccess(
                ExportMetricsPartialSuccess.newBuilder()
                    .setRejectedDataPoints(fault.rejected())
                    .setErrorMessage(fault.message()))
            .build();
  }

  ExportLogsServiceResponse receive(ExportLogsServiceRequest request, ReceiverFaults.Fault fault) {
    requestCount.incrementAndGet();
    for (ResourceLogs rl : request.getResourceLogsList()) {
      for (ScopeLogs sl : rl.getScopeLogsList()) {
        logRecordCount.addAndGet(sl.getLogRecordsCount());
      }
    }
    if (retain) {
      resourceLogs.addAll(request.getResourceLogsList());
    }
    writeJson("logs", request);
    return fault == null
        ? ExportLogsServiceResponse.getDefaultInstance()
        : ExportLogsServiceResponse.newBuilder()
            .setPartialSuccess(
                ExportLogsPartialSuccess.newBuilder()
                    .setRejectedLogRecords(fault.rejected())
                    .setErrorMessage(fault.message()))
            .build();
  }

  /**
   * One OTLP/HTTP request to {@code path} ({@code /v1/traces}, ...), its body already inflated:
   * the injected latency and faults apply as over gRPC. Called by {@link OtlpHttpEndpoint}.
   */
  OtlpHttpEndpoint.Answer receiveHttp(String path, byte[] body, Metadata requestHeaders)
      throws InvalidProtocolBufferException {
    headers.add(requestHeaders);
    Message request =
        switch (path) {
          case "/v1/traces" -> ExportTraceServiceRequest.parseFrom(body);
          case "/v1/metrics" -> ExportMetricsServiceRequest.parseFrom(body);
          case "/v1/logs" -> ExportLogsServiceRequest.parseFrom(body);
          default -> null;
        };
    if (request == null) {
      return OtlpHttpEndpoint.Answer.notFound(path);
    }
    ReceiverFaults.Fault fault = faults.next();
    if (fault != null && fault.status() != null) {
      return OtlpHttpEndpoint.Answer.failed(fault);
    }
    Message response =
        request instanceof ExportTraceServiceRequest traces
            ? receive(traces, fault)
            : request instanceof ExportMetricsServiceRequest metrics
                ? receive(metrics, fault)
                : receive((ExportLogsServiceRequest) request, fault);
    return OtlpHttpEndpoint.Answer.ok(response.toByteArray());
  }

  private final class Traces extends TraceServiceGrpc.TraceServiceImplBase {
    @Override
    public void export(
        ExportTraceServiceRequest request,
        StreamObserver<ExportTraceServiceResponse> responseObserver) {
      ReceiverFaults.Fault fault = faults.next();
      if (!failedOver(fault, responseObserver)) {
        responseObserver.onNext(receive(request, fault));
        responseObserver.onCompleted();
      }
    }
  }

  private final class Metrics extends MetricsServiceGrpc.MetricsServiceImplBase {
    @Override
    public void export(
        ExportMetricsServiceRequest request,
        StreamObserver<ExportMetricsServiceResponse> responseObserver) {
      ReceiverFaults.Fault fault = faults.next();
      if (!failedOver(fault, responseObserver)) {
        responseObserver.onNext(receive(request, fault));
        responseObserver.onCompleted();
      }
    }
  }

  private final class Logs extends LogsServiceGrpc.LogsServiceImplBase {
    @Override
    public void export(
        ExportLogsServiceRequest request, StreamObserver<ExportLogsServiceResponse> responseObserver) {
      ReceiverFaults.Fault fault = faults.next();
      if (!failedOver(fault, responseObserver)) {
        responseObserver.onNext(receive(request, fault));
        responseObserver.onCompleted();
      }
    }
  }

  /** A received span with its resource and instrumentation scope name. */
  public record ReceivedSpan(Resource resource, String scope, Span span) {
    public String serviceName() {
      return stringAttribute(resource.getAttributesList(), "service.name").orElse("");
    }

    public Optional<String> attribute(String key) {
      return stringAttribute(span.getAttributesList(), key);
    }
  }

  /** A received metric with its resource and instrumentation scope name. */
  public record ReceivedMetric(Resource resource, String scope, Metric metric) {
    public String serviceName() {
      return stringAttribute(resource.getAttributesList(), "service.name").orElse("");
    }

    public long dataPoints() {
      return OtlpReceiver.dataPoints(metric);
    }
  }

  /** A received log record with its resource and instrumentation scope name. */
  public record ReceivedLog(Resource resource, String scope, LogRecord log) {
    public String serviceName() {
      return stringAttribute(resource.getAttributesList(), "service.name").orElse("");
    }
  }
}
