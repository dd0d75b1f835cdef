package dev.levee.exporter.internal.transport;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * The JDK HTTP clients of Levee's senders: one for each set of client settings (plaintext or TLS,
 * the TLS material, the connect timeout), shared by every sender that asks for the same, and
 * closed when the last of them closes.
 *
 * <p>Used outside the agent (inside it, see {@link OkHttpClients}). The three signals' exporters
 * send to the same collector with the same settings: one client is then one selector thread, one
 * pool of two worker threads ({@code levee-http-*}, ending when idle) and one pool of connections
 * where there were three of each, and it is built once (the first build in a JVM loads some 185
 * of the JDK's classes).
 *
 * <p>Internal, may change. Thread-safe.
 */
final class SharedHttpClients {
  private static final Leases<Client> CLIENTS = new Leases<>(SharedHttpClients::stop);

  /** A client and the workers it runs its work on (a sender's probe may go there too). */
  record Client(HttpClient client, ThreadPoolExecutor executor) {}

  private SharedHttpClients() {}

  /**
   * The client for {@code endpoint}'s scheme, {@code tls}'s material and {@code connectTimeout},
   * built here if no open sender holds one; {@link Leases.Lease#release} it once.
   */
  static Leases.Lease<Client> acquire(URI endpoint, Duration connectTimeout, TransportSettings tls)
      throws SSLException {
    return CLIENTS.acquire(Leases.key(endpoint, tls, connectTimeout), () -> build(endpoint, connectTimeout, tls));
  }

  /** How many clients are open (held by at least one sender), for tests. */
  static int open() {
    return CLIENTS.open();
  }

  private static Client build(URI endpoint, Duration connectTimeout, TransportSettings tls) throws SSLException {
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
      return new Client(builder.build(), workers);
    } catch (SSLException | RuntimeException e) {
      workers.shutdownNow();
      throw e;
    }
  }

  /** The last holder is done: stops the client (Java 21+, see {@link #shutdown}) and its workers. */
  private static void stop(Client built, long timeoutNanos) {
    try {
      shutdown(built.client(), timeoutNanos);
    } finally {
      built.executor().shutdownNow();
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
