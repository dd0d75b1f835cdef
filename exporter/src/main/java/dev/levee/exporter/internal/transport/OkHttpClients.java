package dev.levee.exporter.internal.transport;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.ConnectionPool;
import okhttp3.ConnectionSpec;
import okhttp3.Dispatcher;
import okhttp3.Headers;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;

/**
 * What Levee's two OkHttp senders share: their clients, one per set of client settings (protocols,
 * plaintext or TLS, the TLS material, the connect timeout), shared by every sender that asks for
 * the same and closed with the last (see {@link Leases}: inside the agent the three signals to one
 * collector use one client, one pool of dispatcher threads and, over HTTP/2, one connection); how
 * a client is made (its own dispatcher threads, a few idle connections kept, no retry or redirect
 * of OkHttp's own, each call's timeout bounding it whole); TLS from the PEM settings; the
 * configured headers; the probe; closing. Internal, may change; load it only when {@link
 * Transports#okHttp} says so.
 */
final class OkHttpClients {
  private static final Logger logger = Logger.getLogger(OkHttpClients.class.getName());
  private static final long CONNECT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final int PROBE_TIMEOUT_MILLIS = 1000;
  /** The most calls in flight on one client; Levee's own concurrency limit is lower. */
  static final int MAX_CALLS = 64;
  /** Idle connections kept: over HTTP/1.1, one for each of the three signals at rest, and one more. */
  private static final int MAX_IDLE_CONNECTIONS = 4;
  private static final Leases<OkHttpClient> CLIENTS = new Leases<>(OkHttpClients::close);

  private OkHttpClients() {}

  /**
   * The client for these settings, its calls on daemon threads {@code <threadPrefix>-N} (which end
   * when idle for 10 s, or when the last holder releases it), made here if no open sender holds
   * one; {@link Leases.Lease#release} it once.
   */
  static Leases.Lease<OkHttpClient> acquire(
      String threadPrefix, URI endpoint, Duration timeout, TransportSettings tls, List<Protocol> protocols)
      throws SSLException {
    long connectTimeout = Math.min(CONNECT_TIMEOUT_NANOS, Math.max(1, timeout.toNanos()));
    return CLIENTS.acquire(
        Leases.key(endpoint, tls, threadPrefix, connectTimeout, protocols),
        () -> create(threadPrefix, endpoint, connectTimeout, tls, protocols));
  }

  /** How many clients are open (held by at least one sender), for tests. */
  static int open() {
    return CLIENTS.open();
  }

  private static OkHttpClient create(
      String threadPrefix, URI endpoint, long connectTimeout, TransportSettings tls, List<Protocol> protocols)
      throws SSLException {
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            0, MAX_CALLS, 10, TimeUnit.SECONDS, new SynchronousQueue<>(), DaemonThreads.named(threadPrefix));
    Dispatcher dispatcher = new Dispatcher(executor);
    dispatcher.setMaxRequests(MAX_CALLS);
    dispatcher.setMaxRequestsPerHost(MAX_CALLS);
    OkHttpClient.Builder builder =
        new OkHttpClient.Builder()
            .dispatcher(dispatcher)
            .connectionPool(new ConnectionPool(MAX_IDLE_CONNECTIONS, 5, TimeUnit.MINUTES))
            .connectTimeout(connectTimeout, TimeUnit.NANOSECONDS)
            // Each call's own timeout bounds it whole; Levee retries and follows nothing itself.
            .readTimeout(0, TimeUnit.MILLISECONDS)
            .writeTimeout(0, TimeUnit.MILLISECONDS)
            .retryOnConnectionFailure(false)
            .followRedirects(false)
            .followSslRedirects(false)
            .protocols(protocols);
    if (!TransportSettings.isTls(endpoint)) {
      // Plaintext only: OkHttp then sets up no TLS at all (by default its client reads the JVM's
      // trusted certificates as it is built, whatever the endpoint).
      builder.connectionSpecs(List.of(ConnectionSpec.CLEARTEXT));
    } else if (tls != null && (tls.trustedCertificatesPem() != null || tls.clientKeyPem() != null)) {
      SSLContext context = HttpTls.context(tls);
      builder.sslSocketFactory(context.getSocketFactory(), trustManager(tls.trustedCertificatesPem()));
    }
    return builder.build();
  }

  /** The trust the TLS context was built with, which OkHttp asks for beside it. */
  private static X509TrustManager trustManager(byte[] trustedPem) throws SSLException {
    try {
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      if (trustedPem == null) {
        factory.init((KeyStore) null);
      } else {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        int index = 0;
        for (Certificate certificate :
            CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(trustedPem))) {
          store.setCertificateEntry("trusted-" + index++, certificate);
        }
        factory.init(store);
      }
      for (TrustManager manager : factory.getTrustManagers()) {
        if (manager instanceof X509TrustManager x509) {
          return x509;
        }
      }
      throw new SSLException("No X.509 trust manager");
    } catch (GeneralSecurityException | IOException e) {
      throw new SSLException("Cannot read the trusted certificates: " + e, e);
    }
  }

  /** The configured headers OkHttp takes; the others are named once and left out. */
  static Headers headers(Map<String, String> configured) {
    Headers.Builder usable = new Headers.Builder();
    configured.forEach(
        (name, value) -> {
          try {
            usable.add(name, value);
          } catch (IllegalArgumentException e) {
            logger.warning("Levee leaves out the configured header " + name + ": " + e.getMessage());
          }
        });
    return usable.build();
  }

  /** Whether a failed call ran out of its own time (not a connect or read timeout). */
  static boolean callTimedOut(IOException e) {
    return e instanceof InterruptedIOException && !(e instanceof SocketTimeoutException);
  }

  /** Whether a TCP connection to {@code endpoint} is accepted within a second. */
  static boolean accepts(URI endpoint) {
    try (Socket socket = new Socket()) {
      socket.connect(
          new InetSocketAddress(endpoint.getHost(), TransportSettings.port(endpoint)), PROBE_TIMEOUT_MILLIS);
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * The last holder is done: cancels the calls in flight, ends the client's threads (waiting at
   * most the timeout) and its connections.
   */
  private static void close(OkHttpClient client, long timeoutNanos) {
    client.dispatcher().cancelAll();
    java.util.concurrent.ExecutorService executor = client.dispatcher().executorService();
    executor.shutdown();
    try {
      executor.awaitTermination(Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      executor.shutdownNow();
      client.connectionPool().evictAll();
    }
  }
}
