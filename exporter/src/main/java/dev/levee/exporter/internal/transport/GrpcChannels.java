package dev.levee.exporter.internal.transport;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * The grpc-java channels of Levee's gRPC senders: one for each target and channel settings (the
 * endpoint, plaintext or TLS and its material, the headers, one address or a fleet behind a name),
 * shared by every sender that asks for the same, and shut down when the last of them closes.
 *
 * <p>Used outside the agent (inside it, see {@link OkHttpClients}). The three signals' exporters
 * send to one collector with the same settings: one channel is then one HTTP/2 connection, one
 * event loop thread ({@code levee-grpc-io-*}) and one offload thread ({@code levee-grpc-offload-*},
 * ending when idle) where there were three of each; and grpc-java's classes are set up once.
 *
 * <p>Internal, may change. Thread-safe.
 */
final class GrpcChannels {
  private static final int MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
  private static final String USER_AGENT = "levee-exporter";

  static {
    NettyDefaults.apply();
  }

  private static final Leases<Channel> CHANNELS = new Leases<>(GrpcChannels::stop);

  /** A channel and the threads it owns. */
  record Channel(ManagedChannel channel, NioEventLoopGroup eventLoop, ThreadPoolExecutor offload) {}

  private GrpcChannels() {}

  /**
   * The channel to {@code endpoint} with these settings, built here if no open sender holds one;
   * {@link Leases.Lease#release} it once. The channel connects lazily, on the first call.
   */
  static Leases.Lease<Channel> acquire(
      URI endpoint, boolean fleet, Map<String, String> headers, TransportSettings tls) throws SSLException {
    return CHANNELS.acquire(
        Leases.key(
            endpoint,
            tls,
            "grpc-java",
            endpoint.getHost(),
            TransportSettings.port(endpoint),
            fleet,
            new TreeMap<>(headers)),
        () -> build(endpoint, fleet, headers, tls));
  }

  /** How many channels are open (held by at least one sender), for tests. */
  static int open() {
    return CHANNELS.open();
  }

  private static Channel build(URI endpoint, boolean fleet, Map<String, String> headers, TransportSettings tls)
      throws SSLException {
    NioEventLoopGroup eventLoop = new NioEventLoopGroup(1, DaemonThreads.named("levee-grpc-io"));
    ThreadPoolExecutor offload =
        new ThreadPoolExecutor(
            0, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), DaemonThreads.named("levee-grpc-offload"));
    try {
      // One endpoint with round_robin: a fleet behind one name (a headless service, say). gRPC
      // resolves every address of the name and spreads requests over them, re-resolving as the
      // fleet changes. Several endpoints: Levee itself spreads requests (see Endpoints).
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
      return new Channel(builder.build(), eventLoop, offload);
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

  /** The last holder is done: shuts the channel down and releases its threads. */
  private static void stop(Channel built, long timeoutNanos) {
    long deadline = System.nanoTime() + timeoutNanos;
    built.channel().shutdownNow();
    try {
      built.channel().awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      built
          .eventLoop()
          .shutdownGracefully(0, 0, TimeUnit.MILLISECONDS)
          .await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      built.offload().shutdownNow();
    }
  }
}
