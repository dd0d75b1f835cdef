package dev.levee.exporter.internal.transport;

import dev.levee.buffer.Chunk;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLException;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Sends OTLP/HTTP requests ({@code POST}, {@code application/x-protobuf}) with the OkHttp client
 * the agent ships, which the agent's own OTLP exporters send with: the chunks' payloads are the
 * body, end to end, without a copy unless gzip is asked for.
 *
 * <p>Why, inside the agent: the JDK's HTTP client, which Levee uses elsewhere ({@link
 * HttpSender}), is instrumented by the agent, and setting it up loads its own classes and the
 * instrumentation's helpers at start; OkHttp comes from the agent's own class loader, neither
 * rewritten for the extension nor instrumented (the agent ignores its own classes), so its
 * requests make no spans without any suppression. See {@link Transports}.
 *
 * <p>Outcomes as {@link HttpOutcomes} reads them: 2xx delivered (less a {@code partial_success}),
 * 429, 502, 503 and 504 retryable after {@code Retry-After}, other statuses refused; a call that
 * ends without an answer is retryable ({@code CONNECT_FAILED}, {@code CONNECT_TIMEOUT}, {@code
 * TIMEOUT}, {@code IO_ERROR}). Plaintext endpoints are spoken to in HTTP/1.1, TLS ones in HTTP/2
 * where the server offers it.
 *
 * <p>Internal, may change. Load it only when {@link Transports#okHttp} says so.
 */
public final class OkHttpHttpSender extends OkHttpSender {
  private static final String USER_AGENT = "levee-exporter";
  private static final MediaType PROTOBUF = MediaType.get("application/x-protobuf");
  private static final int MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

  /** Parsed once: OkHttp's parse canonicalises the host (IDNA mapping, Unicode normalisation). */
  private final HttpUrl url;
  private final Headers headers;
  private final boolean gzip;

  private OkHttpHttpSender(Leases.Lease<OkHttpClient> client, URI uri, Headers headers, boolean gzip) {
    super(client, uri);
    this.url = HttpUrl.get(uri.toString());
    this.headers = headers;
    this.gzip = gzip;
  }

  /** Builds a sender to {@code endpoint} (the full URL, path included); connects on the first call. */
  public static OkHttpHttpSender create(TransportSettings settings, URI endpoint) throws SSLException {
    return create(endpoint, settings.headers(), settings.compression(), settings.timeout(), settings);
  }

  /** A plaintext sender to one {@code http://} URL, without headers or compression. */
  public static OkHttpHttpSender createPlaintext(URI endpoint) {
    TransportSettings.requirePlaintext(endpoint);
    try {
      return create(endpoint, Map.of(), Compression.NONE, Duration.ofSeconds(10), null);
    } catch (SSLException e) {
      throw new IllegalStateException("No TLS was asked for", e);
    }
  }

  private static OkHttpHttpSender create(
      URI endpoint,
      Map<String, String> configured,
      Compression compression,
      Duration timeout,
      TransportSettings tls)
      throws SSLException {
    List<Protocol> protocols =
        TransportSettings.isTls(endpoint)
            ? List.of(Protocol.HTTP_2, Protocol.HTTP_1_1)
            : List.of(Protocol.HTTP_1_1);
    Leases.Lease<OkHttpClient> client = OkHttpClients.acquire("levee-http", endpoint, timeout, tls, protocols);
    return new OkHttpHttpSender(
        client, endpoint, OkHttpClients.headers(configured), compression == Compression.GZIP);
  }

  @Override
  Request request(List<Chunk> chunks, long timeoutNanos) {
    Request.Builder request =
        new Request.Builder().url(url).headers(headers).header("User-Agent", USER_AGENT);
    if (gzip) {
      request.header("Content-Encoding", "gzip");
    }
    return request
        .post(
            gzip
                ? PayloadBody.of(PROTOBUF, HttpSender.gzipped(chunks))
                : PayloadBody.of(PROTOBUF, chunks))
        .build();
  }

  @Override
  SendOutcome answer(Response response) throws IOException {
    ResponseBody body = response.body();
    byte[] bytes;
    if (body == null) {
      bytes = new byte[0];
    } else {
      try (InputStream in = body.byteStream()) {
        bytes = in.readNBytes(MAX_RESPONSE_BYTES);
      }
    }
    return HttpOutcomes.answered(
        response.code(),
        Optional.ofNullable(response.header("Retry-After")),
        Optional.ofNullable(response.header("Content-Type")),
        bytes,
        System.currentTimeMillis());
  }

  @Override
  SendOutcome noAnswer(Exception failure) {
    if (failure instanceof IOException io && OkHttpClients.callTimedOut(io)) {
      return SendOutcome.retryable("TIMEOUT", String.valueOf(failure));
    }
    if (failure instanceof SocketTimeoutException
        && String.valueOf(failure.getMessage()).toLowerCase(Locale.ROOT).contains("connect")) {
      return SendOutcome.retryable("CONNECT_TIMEOUT", String.valueOf(failure.getMessage()));
    }
    return HttpOutcomes.failed(failure);
  }

  @Override
  public String toString() {
    return "OkHttpHttpSender{" + url + (gzip ? ", gzip" : "") + "}";
  }
}
