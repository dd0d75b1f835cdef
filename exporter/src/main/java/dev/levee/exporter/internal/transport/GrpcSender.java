package dev.levee.exporter.internal.transport;

import dev.levee.buffer.Chunk;
import dev.levee.buffer.Signal;
import dev.levee.exporter.internal.LoggingFacade;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;

/**
 * Sends OTLP requests with grpc-java as raw bytes: the chunks' payloads are streamed end to end as
 * the request body, never decoded or copied into one array.
 *
 * <p>Senders to one endpoint with the same settings share a channel ({@link GrpcChannels}), which
 * owns its event loop and offload threads ({@code levee-grpc-*}) instead of leaving grpc-java's
 * shared pools behind in the host; {@link #close} cancels this sender's own calls and the last
 * sender to close shuts the channel down.
 *
 * <p>Internal, may change. {@link #send} is called by one dispatcher thread.
 */
public final class GrpcSender implements Sender {
  private final Leases.Lease<GrpcChannels.Channel> lease;
  private final ManagedChannel channel;
  private final ThreadPoolExecutor offload;
  private final MethodDescriptor<List<Chunk>, byte[]> method;
  private final CallOptions callOptions;
  private final String target;
  /** This sender's calls under way (the channel may be shared): cancelled when it closes. */
  private final Set<ClientCall<?, ?>> calls = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();

  private GrpcSender(
      Leases.Lease<GrpcChannels.Channel> lease,
      MethodDescriptor<List<Chunk>, byte[]> method,
      CallOptions callOptions,
      String target) {
    this.lease = lease;
    this.channel = lease.get().channel();
    this.offload = lease.get().offload();
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

  /**
   * Builds a sender to {@code endpoint}, on the channel it shares with the other senders to the
   * same endpoint with the same settings (see {@link GrpcChannels}); the channel connects lazily, on
   * the first request.
   */
  public static GrpcSender create(Signal signal, TransportSettings settings, java.net.URI endpoint)
      throws SSLException {
    // One endpoint with round_robin: a fleet behind one name (see GrpcChannels).
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
    Leases.Lease<GrpcChannels.Channel> lease = GrpcChannels.acquire(endpoint, fleet, headers, tls);
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
    return new GrpcSender(lease, method, options, TransportSettings.authority(endpoint));
  }

  /** Whether this sender and {@code other} send on one channel, for tests. */
  boolean sharesChannelWith(GrpcSender other) {
    return channel == other.channel;
  }

  @Override
  public SendOutcome send(List<Chunk> chunks, long timeoutNanos) {
    if (closed.get()) {
      return SendOutcome.retryable("CANCELLED", "the sender is closed");
    }
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
    if (closed.get()) {
      outcome.complete(SendOutcome.retryable("CLOSED", "the sender is closed"));
      return outcome;
    }
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
      calls.add(call);
      outcome.whenComplete((result, failure) -> calls.remove(call));
      if (closed.get()) { // closed while this call was being made: close() may have missed it
        call.cancel("the sender is closed", null);
      }
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
    calls.forEach(call -> call.cancel("the sender is closed", null));
    lease.release(timeoutNanos); // the last sender on the channel shuts it down
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
