package dev.levee.exporter.internal.transport;

import dev.levee.buffer.Chunk;
import dev.levee.buffer.Signal;
import dev.levee.exporter.internal.LoggingFacade;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;

/**
 * Sends OTLP requests with grpc-java as raw bytes: the chunks' payloads are streamed end to end as
 * the request body, never decoded or copied into one array.
 *
 * <p>The channel owns its event loop and offload threads (named {@code levee-<signal>-grpc-*}), so
 * {@link #close} releases every thread it started instead of leaving grpc-java's shared pools
 * behind in the host.
 *
 * <p>Internal, may change. {@link #send} is called by one dispatcher thread.
 */
public final class GrpcSender implements Sender {
  private static final String USER_AGENT = "levee-exporter";

  static {
    NettyDefaults.apply();
  }

  private static final int MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

  private final ManagedChannel channel;
  private final NioEventLoopGroup eventLoop;
  private final ThreadPoolExecutor offload;
  private final MethodDescriptor<List<Chunk>, byte[]> method;
  private final CallOptions callOptions;
  private final String target;
  private final AtomicBoolean closed = new AtomicBoolean();

  private GrpcSender(
      ManagedChannel channel,
      NioEventLoopGroup eventLoop,
      ThreadPoolExecutor offload,
      MethodDescriptor<List<Chunk>, byte[]> method,
      CallOptions callOptions,
      String target) {
    this.channel = channel;
    this.eventLoop = eventLoop;
    this.offload = offload;
    this.method = method;
    this.callOptions = callOptions;
    this.target = target;
  }

  /** The fully qualified OTLP gRPC method of a signal. */
  static String fullMethodName(Signal signal) {
    return Transports.fullMethodName(signal);
  }

  /** Builds a sender to the first endpoint; the channel connects lazily, on the first request. */
  public static GrpcSender create(Signal signal, TransportSettings settings) throws SSLException {
    return create(signal, settings, settings.endpoint());
  }

  /**
   * A plaintext sender to one {@code http://} endpoint, without headers or compression: the sender
   * alone, for the benchmarks (a configured exporter builds its senders from its settings).
   */
  public static GrpcSender createPlaintext(Signal signal, java.net.URI endpoint) {
    TransportSettings.requirePlaintext(endpoint);
    try {
      return create(signal, endpoint, false, Map.of(), Compression.NONE, null);
    } catch (SSLException e) {
      throw new IllegalStateException("No TLS was asked for", e);
    }
  }

  /** Builds a sender to {@code endpoint}; the channel connects lazily, on the first request. */
  public static GrpcSender create(Signal signal, TransportSettings settings, java.net.URI endpoint)
      throws SSLException {
    // One endpoint with round_robin: a fleet behind one name (a headless service, say). gRPC
    // resolves every address of the name and spreads requests over them, re-resolving as the
    // fleet changes. Several endpoints: Levee itself spreads requests (see Endpoints).
    boolean fleet =
        settings.mode() == Endpoints.Mode.ROUND_ROBIN && settings.endpoints().size() == 1;
    return create(
        signal, endpoint, fleet, settings.headers(), settings.compression(), settings);
  }

  private static GrpcSender create(
      Signal signal,
      java.net.URI endpoint,
      boolean fleet,
      Map<String, String> headers,
      Compression compression,
      TransportSettings tls)
      throws SSLException {
    LoggingFacade.start(); // Netty logs through SLF4J; the breaker may be starting it too
    String prefix = "levee-" + signal.lowerName() + "-grpc";
    NioEventLoopGroup eventLoop = new NioEventLoopGroup(1, DaemonThreads.named(prefix + "-io"));
    ThreadPoolExecutor offload =
        new ThreadPoolExecutor(
            0, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), DaemonThreads.named(prefix + "-offload"));
    try {
      NettyChannelBuilder builder =
          (fleet
                  ? NettyChannelBuilder.forTarget(
                          "dns:///" + endpoint.getHost() + ":" + TransportSettings.port(endpoint))
                      .defaultLoadBalancingPolicy("round_robin")
                  : NettyChannelBuilder.forAddress(endpoint.getHost(), TransportSettings.port(endpoint)))
              .eventLoopGroup(eventLoop)
              .channelType(NioSocketChannel.class)
              .directExecutor()
              .offloadExecutor(offload)
              .userAgent(USER_AGENT)
              .maxInboundMessageSize(MAX_RESPONSE_BYTES);
      if (TransportSettings.isTls(endpoint)) {
        builder.sslContext(sslContext(tls));
      } else {
        builder.usePlaintext();
      }
      if (!headers.isEmpty()) {
        Metadata metadata = new Metadata();
        headers.forEach((k, v) -> metadata.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v));
        builder.intercept(MetadataUtils.newAttachHeadersInterceptor(metadata));
      }
      CallOptions options = CallOptions.DEFAULT;
      if (compression == Compression.GZIP) {
        options = options.withCompression("gzip");
      }
      MethodDescriptor<List<Chunk>, byte[]> method =
          MethodDescriptor.<List<Chunk>, byte[]>newBuilder()
              .setType(MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(fullMethodName(signal))
              .setRequestMarshaller(new ChunksMarshaller())
              .setResponseMarshaller(new BytesMarshaller())
              .build();
      return new GrpcSender(
          builder.build(), eventLoop, offload, method, options, TransportSettings.authority(endpoint));
    } catch (SSLException | RuntimeException e) {
      eventLoop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      offload.shutdownNow();
      throw e;
    }
  }

  private static SslContext sslContext(TransportSettings settings) throws SSLException {
    SslContextBuilder ssl = GrpcSslContexts.forClient();
    if (settings.trustedCertificatesPem() != null) {
      ssl.trustManager(new ByteArrayInputStream(settings.trustedCertificatesPem()));
    }
    if (settings.clientKeyPem() != null && settings.clientCertificatePem() != null) {
      ssl.keyManager(
          new ByteArrayInputStream(settings.clientCertificatePem()),
          new ByteArrayInputStream(settings.clientKeyPem()));
    }
    return ssl.build();
  }


  @Override
  public SendOutcome send(List<Chunk> chunks, long timeoutNanos) {
    try {
      reconnectNowIfFailing();
      byte[] response =
          ClientCalls.blockingUnaryCall(
              channel,
              method,
              callOptions.withDeadlineAfter(Math.max(1, timeoutNanos), TimeUnit.NANOSECONDS),
              chunks);
      return GrpcOutcomes.answered(response);
    } catch (StatusRuntimeException e) {
      return GrpcOutcomes.classify(e.getStatus(), e.getTrailers(), ready());
    } catch (RuntimeException e) {
      // A malformed response or a transport bug: the data may not have arrived, so keep it.
      return SendOutcome.retryable("UNKNOWN", String.valueOf(e));
    }
  }

  @Override
  public CompletableFuture<SendOutcome> sendAsync(List<Chunk> chunks, long timeoutNanos) {
    CompletableFuture<SendOutcome> outcome = new CompletableFuture<>();
    long deadline = System.nanoTime() + Math.max(1, timeoutNanos);
    afterReconnectAttempt(
        Math.min(RECONNECT_WAIT_NANOS, timeoutNanos),
        () -> start(chunks, deadline - System.nanoTime(), outcome));
    return outcome;
  }

  private void start(List<Chunk> chunks, long timeoutNanos, CompletableFuture<SendOutcome> outcome) {
    try {
      ClientCall<List<Chunk>, byte[]> call =
          channel.newCall(
              method, callOptions.withDeadlineAfter(Math.max(1, timeoutNanos), TimeUnit.NANOSECONDS));
      ClientCalls.asyncUnaryCall(
          call,
          chunks,
          new StreamObserver<byte[]>() {
            private byte[] response = new byte[0];

            @Override
            public void onNext(byte[] value) {
              response = value;
            }

            @Override
            public void onError(Throwable t) {
              outcome.complete(
                  GrpcOutcomes.classify(Status.fromThrowable(t), Status.trailersFromThrowable(t), ready()));
            }

            @Override
            public void onCompleted() {
              outcome.complete(GrpcOutcomes.answered(response));
            }
          });
      outcome.whenComplete(
          (result, failure) -> {
            if (outcome.isCancelled()) {
              call.cancel("Levee is shutting down", null);
            }
          });
    } catch (RuntimeException e) {
      outcome.complete(SendOutcome.retryable("UNKNOWN", String.valueOf(e)));
    }
  }

  /** Whether the channel is connected now (without asking it to connect). */
  private boolean ready() {
    return channel.getState(false) == ConnectivityState.READY;
  }

  @Override
  public boolean connected() {
    ConnectivityState state = channel.getState(true); // from IDLE: connect
    if (state == ConnectivityState.TRANSIENT_FAILURE) {
      channel.resetConnectBackoff(); // try again now, not after grpc-java's own backoff
    }
    return state == ConnectivityState.READY;
  }

  /** The longest a request waits for the connection attempt it triggers, before it is sent anyway. */
  static final long RECONNECT_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

  /**
   * Runs {@code start} once the channel is not in TRANSIENT_FAILURE, after asking it to reconnect
   * now; at most {@code maxWaitNanos} later in any case. In TRANSIENT_FAILURE grpc-java fails a call
   * at once on the strength of the last failed connection, however old: a probe of a backend that
   * has just come back would fail without reaching it (and the breaker open again). Once the
   * channel is CONNECTING, a call waits for that attempt's outcome: ready, or failed afresh.
   */
  private void afterReconnectAttempt(long maxWaitNanos, Runnable start) {
    if (channel.getState(false) != ConnectivityState.TRANSIENT_FAILURE) {
      start.run();
      return;
    }
    java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
    Runnable once =
        () -> {
          if (started.compareAndSet(false, true)) {
            start.run();
          }
        };
    channel.notifyWhenStateChanged(ConnectivityState.TRANSIENT_FAILURE, once);
    channel.resetConnectBackoff();
    CompletableFuture.delayedExecutor(Math.max(1, maxWaitNanos), TimeUnit.NANOSECONDS, offload)
        .execute(once);
  }

  /**
   * After a connection failure grpc-java waits out a reconnect backoff of its own (1 s growing to
   * 2 min) and fails calls at once meanwhile. Levee's backoff and circuit breaker already decide
   * when to try again, so when Levee sends, the channel reconnects now: a backend that is back is
   * used at once, not minutes later.
   */
  private void reconnectNowIfFailing() {
    if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
      channel.resetConnectBackoff();
    }
  }

  @Override
  public String target() {
    return target;
  }

  @Override
  public void close(long timeoutNanos) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long deadline = System.nanoTime() + timeoutNanos;
    channel.shutdownNow();
    try {
      channel.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      eventLoop
          .shutdownGracefully(0, 0, TimeUnit.MILLISECONDS)
          .await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      offload.shutdownNow();
    }
  }

  /** Streams the chunks end to end; protobuf merges concatenated messages into one request. */
  private static final class ChunksMarshaller implements MethodDescriptor.Marshaller<List<Chunk>> {
    @Override
    public InputStream stream(List<Chunk> chunks) {
      return new ChunksInputStream(chunks);
    }

    @Override
    public List<Chunk> parse(InputStream stream) {
      throw new UnsupportedOperationException("Levee only sends requests");
    }
  }

  private static final class BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw Status.INTERNAL.withDescription("Cannot read the response").withCause(e).asRuntimeException();
      }
    }
  }
}
