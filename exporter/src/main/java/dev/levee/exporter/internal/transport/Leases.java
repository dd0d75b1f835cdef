package dev.levee.exporter.internal.transport;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLException;

/**
 * Clients shared by the senders that ask for the same settings: built by the first to ask, closed
 * when the last holder lets go. Under the agent the three signals' exporters send to one collector
 * with the same settings, so they share one client, its threads and its connections.
 *
 * <p>Internal, may change. Thread-safe.
 *
 * @param <T> what is shared (a client, with what runs it)
 */
final class Leases<T> {
  /** Builds the shared thing; may refuse TLS material. */
  interface Factory<T> {
    T build() throws SSLException;
  }

  /** Stops the shared thing, waiting at most {@code timeoutNanos} for what it has under way. */
  interface Closer<T> {
    void close(T built, long timeoutNanos);
  }

  private final Map<List<Object>, Lease<T>> leases = new HashMap<>();
  private final Closer<T> closer;

  Leases(Closer<T> closer) {
    this.closer = closer;
  }

  /**
   * The key for a client to {@code endpoint}: plaintext or TLS, the TLS material by content (senders
   * given the same PEM bytes share), and {@code more} (what else the client is built with).
   */
  static List<Object> key(URI endpoint, TransportSettings tls, Object... more) {
    boolean secure = TransportSettings.isTls(endpoint);
    List<Object> key = new ArrayList<>(Arrays.asList(more));
    key.add(secure);
    if (secure && tls != null) {
      key.add(wrap(tls.trustedCertificatesPem()));
      key.add(wrap(tls.clientKeyPem()));
      key.add(wrap(tls.clientCertificatePem()));
    }
    return key;
  }

  private static ByteBuffer wrap(byte[] bytes) {
    return bytes == null ? null : ByteBuffer.wrap(bytes); // compares by content
  }

  /** What {@code key} names, built with {@code factory} if no open holder has it; release it once. */
  Lease<T> acquire(List<Object> key, Factory<T> factory) throws SSLException {
    Lease<T> lease;
    synchronized (leases) {
      lease = leases.computeIfAbsent(key, k -> new Lease<>(this, k));
      lease.holders++;
    }
    try {
      lease.build(factory);
    } catch (SSLException | RuntimeException e) {
      lease.release(0);
      throw e;
    }
    return lease;
  }

  /** How many are open (held by at least one sender), for tests. */
  int open() {
    synchronized (leases) {
      return leases.size();
    }
  }

  /** One shared thing and how many hold it. */
  static final class Lease<T> {
    private final Leases<T> owner;
    private final List<Object> key;
    /** Guarded by the owner's map. */
    private int holders;
    /** Set once, under this lease's lock, by the first holder to build. */
    private volatile T built;

    private Lease(Leases<T> owner, List<Object> key) {
      this.owner = owner;
      this.key = key;
    }

    T get() {
      return built;
    }

    private synchronized void build(Factory<T> factory) throws SSLException {
      if (built == null) {
        built = factory.build();
      }
    }

    /** One holder is done; the last one closes it, waiting up to {@code timeoutNanos}. */
    void release(long timeoutNanos) {
      synchronized (owner.leases) {
        if (--holders > 0) {
          return;
        }
        owner.leases.remove(key, this);
      }
      T closing;
      synchronized (this) {
        closing = built;
      }
      if (closing != null) {
        owner.closer.close(closing, timeoutNanos);
      }
    }
  }
}
