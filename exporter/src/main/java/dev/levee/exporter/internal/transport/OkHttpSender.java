package dev.levee.exporter.internal.transport;

import dev.levee.buffer.Chunk;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * What Levee's two OkHttp senders share: a call per request, bounded whole by its timeout, its
 * outcome completed from OkHttp's callback (never exceptionally), cancelled with the future; the
 * probe of {@link #connected}; closing. The protocol is the subclass's: the request it makes, how
 * it reads an answer, and what a call without an answer was.
 *
 * <p>Internal, may change. Load it only when {@link Transports#okHttp} says so.
 */
abstract class OkHttpSender implements Sender {
  private final Leases.Lease<OkHttpClient> lease;
  private final OkHttpClient client;
  /** This sender's calls under way (the client may be shared): cancelled when it closes. */
  private final Set<Call> calls = ConcurrentHashMap.newKeySet();
  private final URI endpoint;
  private final String target;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean probing = new AtomicBoolean();
  /** Whether the backend accepted a connection at last sight: a call's or a probe's. */
  private volatile boolean reachable;

  OkHttpSender(Leases.Lease<OkHttpClient> lease, URI endpoint) {
    this.lease = lease;
    this.client = lease.get();
    this.endpoint = endpoint;
    this.target = TransportSettings.authority(endpoint);
  }

  /** The request carrying {@code chunks}, whose deadline is {@code timeoutNanos} from now. */
  abstract Request request(List<Chunk> chunks, long timeoutNanos);

  /** What the backend's answer means for the data. */
  abstract SendOutcome answer(Response response) throws IOException;

  /** What a call that ended without an answer was (not closed: see {@link #failed}). */
  abstract SendOutcome noAnswer(Exception failure);

  @Override
  public final SendOutcome send(List<Chunk> chunks, long timeoutNanos) {
    return sendAsync(chunks, timeoutNanos).join();
  }

  @Override
  public final CompletableFuture<SendOutcome> sendAsync(List<Chunk> chunks, long timeoutNanos) {
    CompletableFuture<SendOutcome> outcome = new CompletableFuture<>();
    if (closed.get()) {
      outcome.complete(SendOutcome.retryable("CLOSED", "the sender is closed"));
      return outcome;
    }
    try {
      long timeout = Math.max(1, timeoutNanos);
      Call call = client.newCall(request(chunks, timeout));
      call.timeout().timeout(timeout, TimeUnit.NANOSECONDS);
      calls.add(call);
      call.enqueue(
          new Callback() {
            @Override
            public void onFailure(Call failed, IOException e) {
              outcome.complete(failed(e));
            }

            @Override
            public void onResponse(Call answered, Response response) {
              try (response) {
                reachable = true;
                outcome.complete(answer(response));
              } catch (IOException | RuntimeException e) {
                outcome.complete(failed(e));
              }
            }
          });
      outcome.whenComplete(
          (result, failure) -> {
            calls.remove(call);
            if (outcome.isCancelled()) {
              call.cancel(); // Levee is stopping
            }
          });
    } catch (RuntimeException e) {
      outcome.complete(SendOutcome.retryable("UNKNOWN", String.valueOf(e)));
    }
    return outcome;
  }

  private SendOutcome failed(Exception e) {
    if (closed.get()) {
      return SendOutcome.retryable("CANCELLED", "the sender is closed");
    }
    SendOutcome outcome = noAnswer(e);
    if (outcome.status().startsWith("CONNECT") || e instanceof java.net.ConnectException) {
      reachable = false;
    }
    return outcome;
  }

  @Override
  public final String target() {
    return target;
  }

  /**
   * Whether the backend accepted a connection at last sight (its last call's answer, or the last
   * look); each call starts a new look in the background (a TCP connect), at most one at a time.
   * Never blocks.
   */
  @Override
  public final boolean connected() {
    if (!closed.get() && probing.compareAndSet(false, true)) {
      try {
        client.dispatcher().executorService().execute(this::probe);
      } catch (RuntimeException e) {
        probing.set(false);
      }
    }
    return reachable;
  }

  private void probe() {
    try {
      reachable = OkHttpClients.accepts(endpoint);
    } finally {
      probing.set(false);
    }
  }

  @Override
  public final void close(long timeoutNanos) {
    if (closed.compareAndSet(false, true)) {
      calls.forEach(Call::cancel);
      lease.release(timeoutNanos);
    }
  }

  /** Whether both send through one client (same settings, both open), for tests. */
  final boolean sharesClientWith(OkHttpSender other) {
    return client == other.client;
  }

  /** The connections its client holds, for tests. */
  final int connections() {
    return client.connectionPool().connectionCount();
  }
}
