package dev.levee.exporter.internal.transport;

import dev.levee.buffer.Chunk;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import java.util.zip.GZIPOutputStream;
import javax.net.ssl.SSLException;

/**
 * Sends OTLP/HTTP requests ({@code POST}, {@code application/x-protobuf}) with the JDK's HTTP
 * client: the chunks' payloads are the body, end to end, without a copy unless gzip is asked for.
 *
 * <p>Used outside the agent (inside it, the agent's OkHttp carries the requests: see {@link
 * Transports}). Why the JDK's client: it is in every JDK Levee runs on, so the jar grows by
 * nothing; it keeps several requests in flight (one connection each over HTTP/1.1, multiplexed over
 * HTTP/2 with TLS). Where the agent instruments it, every request starts with instrumentation
 * suppressed (see {@link NoTelemetry}): Levee's requests make no spans.
 *
 * <p>Senders with the same client settings share one client, its two {@code levee-http-*}
 * worker threads (which end when idle) and its selector thread: see {@link SharedHttpClients}.
 *
 * <p>Internal, may change. {@link #send} is called by one dispatcher thread.
 */
public final class HttpSender implements Sender {
  private static final Logger logger = Logger.getLogger(HttpSender.class.getName());
  private static final String USER_AGENT = "levee-exporter";
  private static final int MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
  /** Headers the JDK's client sets itself and refuses from callers. */
  private static final Set<String> CLIENT_HEADERS = Set.of("connection", "content-length", "expect", "host", "upgrade");
  private static final long CONNECT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final int PROBE_TIMEOUT_MILLIS = 1000;

  private final Leases.Lease<SharedHttpClients.Client> lease;
  private final HttpClient client;
  private final URI uri;
  private final List<String[]> headers;
  private final boolean gzip;
  private final String target;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean probing = new AtomicBoolean();
  /** Whether the backend accepted a connection at last sight: a request's or a probe's. */
  private volatile boolean reachable;

  private HttpSender(
      Leases.Lease<SharedHttpClients.Client> lease, URI uri, List<String[]> headers, boolean gzip) {
    this.lease = lease;
    this.client = lease.get().client();
    this.uri = uri;
    this.headers = headers;
    this.gzip = gzip;
    this.target = TransportSettings.authority(uri);
  }

  /** Builds a sender to {@code endpoint} (the full URL, path included); connects on the first request. */
  public static HttpSender create(TransportSettings settings, URI endpoint) throws SSLException {
    return create(endpoint, settings.headers(), settings.compression(), settings.timeout(), settings);
  }

  /**
   * A plaintext sender to one {@code http://} URL, without headers or compression: the sender
   * alone, for the benchmarks.
   */
  public static HttpSender createPlaintext(URI endpoint) {
    TransportSettings.requirePlaintext(endpoint);
    try {
      return create(endpoint, Map.of(), Compression.NONE, Duration.ofSeconds(10), null);
    } catch (SSLException e) {
      throw new IllegalStateException("No TLS was asked for", e);
    }
  }

  private static HttpSender create(
      URI endpoint,
      Map<String, String> headers,
      Compression compression,
      Duration timeout,
      TransportSettings tls)
      throws SSLException {
    Duration connectTimeout = Duration.ofNanos(Math.min(CONNECT_TIMEOUT_NANOS, Math.max(1, timeout.toNanos())));
    List<String[]> requestHeaders = requestHeaders(headers);
    Leases.Lease<SharedHttpClients.Client> lease = SharedHttpClients.acquire(endpoint, connectTimeout, tls);
    return new HttpSender(lease, endpoint, requestHeaders, compression == Compression.GZIP);
  }

  /** The configured headers the JDK's client takes; the others are named once and left out. */
  private static List<String[]> requestHeaders(Map<String, String> configured) {
    List<String[]> usable = new ArrayList<>();
    configured.forEach(
        (name, value) -> {
          if (CLIENT_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
            logger.warning(
                "Levee leaves out the configured header " + name + ": the HTTP client sets it itself");
            return;
          }
          try {
            HttpRequest.newBuilder(URI.create("http://localhost/")).header(name, value);
            usable.add(new String[] {name, value});
          } catch (IllegalArgumentException e) {
            logger.warning("Levee leaves out the configured header " + name + ": " + e.getMessage());
          }
        });
    return List.copyOf(usable);
  }


  @Override
  public SendOutcome send(List<Chunk> chunks, long timeoutNanos) {
    return sendAsync(chunks, timeoutNanos).join();
  }

  @Override
  public CompletableFuture<SendOutcome> sendAsync(List<Chunk> chunks, long timeoutNanos) {
    CompletableFuture<SendOutcome> outcome = new CompletableFuture<>();
    if (closed.get()) {
      outcome.complete(SendOutcome.retryable("CLOSED", "the sender is closed"));
      return outcome;
    }
    try {
      HttpRequest request = request(chunks, Math.max(1, timeoutNanos));
      List<CompletableFuture<HttpResponse<byte[]>>> started = new ArrayList<>(1);
      NoTelemetry.run(() -> started.add(client.sendAsync(request, CappedBody.handler(MAX_RESPONSE_BYTES))));
      CompletableFuture<HttpResponse<byte[]>> exchange = started.get(0);
      exchange.whenComplete((response, failure) -> outcome.complete(outcome(response, failure)));
      // The client's timeout ends the wait for the answer's head; this one bounds the whole.
      outcome.completeOnTimeout(
          SendOutcome.retryable("TIMEOUT", "no complete answer in time"),
          timeoutNanos + TimeUnit.SECONDS.toNanos(1),
          TimeUnit.NANOSECONDS);
      outcome.whenComplete(
          (result, failure) -> {
            if (!exchange.isDone()) {
              exchange.cancel(true); // cancelled (Levee is stopping) or out of time
            }
          });
    } catch (RuntimeException e) {
      outcome.complete(SendOutcome.retryable("UNKNOWN", String.valueOf(e)));
    }
    return outcome;
  }

  private SendOutcome outcome(HttpResponse<byte[]> response, Throwable failure) {
    if (failure != null) {
      SendOutcome failed = HttpOutcomes.failed(failure);
      if (failed.status().startsWith("CONNECT")) {
        reachable = false;
      }
      return failed;
    }
    reachable = true;
    return HttpOutcomes.answered(
        response.statusCode(),
        response.headers().firstValue("Retry-After"),
        response.headers().firstValue("Content-Type"),
        response.body(),
        System.currentTimeMillis());
  }

  private HttpRequest request(List<Chunk> chunks, long timeoutNanos) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofNanos(timeoutNanos))
            .header("Content-Type", "application/x-protobuf")
            .header("User-Agent", USER_AGENT);
    for (String[] header : headers) {
      request.header(header[0], header[1]);
    }
    if (gzip) {
      request.header("Content-Encoding", "gzip");
      return request.POST(HttpRequest.BodyPublishers.ofByteArray(gzipped(chunks))).build();
    }
    return request.POST(body(chunks)).build();
  }

  /** The payloads end to end, each wrapped, not copied. */
  static HttpRequest.BodyPublisher body(List<Chunk> chunks) {
    if (chunks.size() == 1) {
      return HttpRequest.BodyPublishers.ofByteArray(chunks.get(0).payload());
    }
    HttpRequest.BodyPublisher[] parts = new HttpRequest.BodyPublisher[chunks.size()];
    for (int i = 0; i < parts.length; i++) {
      parts[i] = HttpRequest.BodyPublishers.ofByteArray(chunks.get(i).payload());
    }
    return HttpRequest.BodyPublishers.concat(parts);
  }

  static byte[] gzipped(List<Chunk> chunks) {
    int size = 0;
    for (Chunk chunk : chunks) {
      size += chunk.sizeBytes();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, size / 4));
    try (GZIPOutputStream zip = new GZIPOutputStream(out, 8192)) {
      for (Chunk chunk : chunks) {
        zip.write(chunk.payload());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a memory stream does not fail
    }
    return out.toByteArray();
  }

  @Override
  public String target() {
    return target;
  }

  /**
   * Whether the backend accepted a connection at last sight (its last request's answer, or the
   * last look); each call starts a new look in the background (a TCP connect), at most one at a
   * time. Never blocks.
   */
  @Override
  public boolean connected() {
    if (!closed.get() && probing.compareAndSet(false, true)) {
      try {
        lease.get().executor().execute(this::probe);
      } catch (RuntimeException e) {
        probing.set(false);
      }
    }
    return reachable;
  }

  private void probe() {
    try (Socket socket = new Socket()) {
      socket.connect(
          new InetSocketAddress(uri.getHost(), TransportSettings.port(uri)), PROBE_TIMEOUT_MILLIS);
      reachable = true;
    } catch (IOException | RuntimeException e) {
      reachable = false;
    } finally {
      probing.set(false);
    }
  }

  @Override
  public void close(long timeoutNanos) {
    if (closed.compareAndSet(false, true)) {
      lease.release(timeoutNanos);
    }
  }

  /** Whether both send through one client (same settings, both open), for tests. */
  boolean sharesClientWith(HttpSender other) {
    return client == other.client;
  }
}
