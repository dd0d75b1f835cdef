package dev.levee.exporter.internal.transport;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * The JDK HTTP clients of Levee's senders: one for each set of client settings (plaintext or TLS,
 * the TLS material, the connect timeout), shared by every sender that asks for the same, and
 * closed when the last of them closes.
 *
 * <p>Under the agent the three signals' exporters send to the same collector with the same
 * settings: one client is then one selector thread, one pool of two worker threads ({@code
 * levee-http-*}, ending when idle) and one pool of connections where there were three of each, and
 * it is built once (the first build in a JVM loads some 185 of the JDK's classes).
 *
 * <p>Internal, may change. Thread-safe.
 */
final class SharedHttpClients {
  private static final Map<List<Object>, Lease> LEASES = new HashMap<>();

  private SharedHttpClients() {}

  /**
   * The client for {@code endpoint}'s scheme, {@code tls}'s material and {@code connectTimeout},
   * built here if no open sender holds one; {@link Lease#release} it once.
   */
  static Lease acquire(URI endpoint, Duration connectTimeout, TransportSettings tls) throws SSLException {
    List<Object> key = key(endpoint, connectTimeout, tls);
    Lease lease;
    synchronized (LEASES) {
      lease = LEASES.computeIfAbsent(key, Lease::new);
      lease.holders++;
    }
    try {
      lease.build(endpoint, connectTimeout, tls);
    } catch (SSLException | RuntimeException e) {
      lease.release(0);
      throw e;
    }
    return lease;
  }

  private static List<Object> key(URI endpoint, Duration connectTimeout, TransportSettings tls) {
    boolean secure = TransportSettings.isTls(endpoint);
    if (!secure || tls == null) {
      return List.of(secure, connectTimeout);
    }
    // ByteBuffer compares contents: senders configured with the same PEM bytes share a client.
    return Arrays.asList(
        true, connectTimeout, wrap(tls.trustedCertificatesPem()), wrap(tls.clientKeyPem()), wrap(tls.clientCertificatePem()));
  }

  private static ByteBuffer wrap(byte[] bytes) {
    return bytes == null ? null : ByteBuffer.wrap(bytes);
  }

  /** How many clients are open (held by at least one sender), for tests. */
  static int open() {
    synchronized (LEASES) {
      return LEASES.size();
    }
  }

  /** One client and its workers, and how many senders hold it. */
  static final class Lease {
    private final List<Object> key;
    /** Guarded by {@link #LEASES}. */
    private int holders;
    /** Set once, under this lease's lock, by the first holder to build. */
    private volatile HttpClient client;
    private ThreadPoolExecutor executor;

    private Lease(List<Object> key) {
      this.key = key;
    }

    HttpClient client() {
      return client;
    }

    /** Where the client runs its work; background work of its senders (a probe) may go there too. */
    Executor executor() {
      return executor;
    }

    private synchronized void build(URI endpoint, Duration connectTimeout, TransportSettings tls)
        throws SSLException {
      if (client != null) {
        return;
      }
      ThreadPoolExecutor workers =
          new ThreadPoolExecutor(
              2, 2, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), DaemonThreads.named("levee-http"));
      workers.allowCoreThreadTimeOut(true);
      try {
        HttpClient.Builder builder =
            HttpClient.newBuilder()
                .executor(workers)
                .followRedirects(HttpClient.Redirect.NEVER)
                .proxy(ProxySelector.getDefault())
                .connectTimeout(connectTimeout);
        if (TransportSettings.isTls(endpoint)) {
          // ALPN: HTTP/2 where the backend offers it (requests share one connection), else HTTP/1.1.
          builder.version(HttpClient.Version.HTTP_2).sslContext(HttpTls.context(tls));
        } else {
          // In plaintext, HTTP/2 would mean an h2c upgrade on every new connection, which OTLP
          // receivers do not offer. No TLS either: the client would otherwise load the JVM's default.
          builder
              .version(HttpClient.Version.HTTP_1_1)
              .sslContext(NoTls.context())
              .sslParameters(NoTls.parameters());
        }
        client = builder.build();
        executor = workers;
      } catch (SSLException | RuntimeException e) {
        workers.shutdownNow();
        throw e;
      }
    }

    /**
     * One holder is done with the client; the last one stops it, waiting up to {@code
     * timeoutNanos} for what it has under way (Java 21+, see {@link #shutdown}).
     */
    void release(long timeoutNanos) {
      synchronized (LEASES) {
        if (--holders > 0) {
          return;
        }
        LEASES.remove(key, this);
      }
      HttpClient built;
      ThreadPoolExecutor workers;
      synchronized (this) {
        built = client;
        workers = executor;
      }
      if (built == null) {
        return;
      }
      try {
        shutdown(built, timeoutNanos);
      } finally {
        workers.shutdownNow();
      }
    }
  }

  private static final MethodHandle SHUTDOWN_NOW = clientMethod("shutdownNow", MethodType.methodType(void.class));
  private static final MethodHandle AWAIT_TERMINATION =
      clientMethod("awaitTermination", MethodType.methodType(boolean.class, Duration.class));

  /**
   * Java 21 added {@code shutdownNow} and {@code awaitTermination}, which stop the client's
   * selector thread at once; on Java 17 it ends once the client is no longer referenced.
   */
  private static void shutdown(HttpClient client, long timeoutNanos) {
    if (SHUTDOWN_NOW == null || AWAIT_TERMINATION == null) {
      return;
    }
    try {
      SHUTDOWN_NOW.invoke(client);
      boolean ignored = (boolean) AWAIT_TERMINATION.invoke(client, Duration.ofNanos(Math.max(0, timeoutNanos)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable e) {
      // closing is best effort: the threads are daemons
    }
  }

  private static MethodHandle clientMethod(String name, MethodType type) {
    try {
      return MethodHandles.publicLookup().findVirtual(HttpClient.class, name, type);
    } catch (ReflectiveOperationException e) {
      return null;
    }
  }
}
