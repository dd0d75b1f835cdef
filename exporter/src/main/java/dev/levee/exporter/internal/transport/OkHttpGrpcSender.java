package dev.levee.exporter.internal.transport;

import dev.levee.buffer.Chunk;
import dev.levee.buffer.Signal;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
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
 * Sends OTLP gRPC requests as unary HTTP/2 calls with the OkHttp client the agent ships, which the
 * agent's own OTLP exporters send with: the chunks' payloads are the message, end to end.
 *
 * <p>Why, inside the agent: grpc-java with its Netty transport loads some 1,200 classes at its
 * first call, each rewritten by the agent's extension class loader, about a second of CPU; an
 * application whose first request is its last metric export at exit waited that long. OkHttp
 * comes from the agent's own class loader (not rewritten, and not instrumented: the agent ignores
 * its own classes), as it does for the agent's exporters. Outside the agent Levee keeps grpc-java
 * ({@link GrpcSender}); see {@link Transports}.
 *
 * <p>The call is plain gRPC over HTTP/2: prior knowledge for {@code http://} endpoints, ALPN for
 * {@code https://}; {@code grpc-status} is read from the trailers (or from the headers of a
 * trailers-only answer) and read as {@link GrpcAnswers} reads it, with {@code RetryInfo} from
 * {@code grpc-status-details-bin}. An HTTP status other than 200 maps as the gRPC specification
 * maps it (429, 502, 503 and 504 to {@code UNAVAILABLE}).
 *
 * <p>Threads: the calls run on the dispatcher threads of the client this sender shares with the
 * others of the same settings ({@code levee-grpc-N}, ended when the last of them closes; see {@link
 * OkHttpClients}); OkHttp reads each HTTP/2 connection on a thread of its own shared task
 * runner, which ends when idle.
 *
 * <p>Internal, may change. Load it only when {@link Transports#okHttp} says so.
 */
public final class OkHttpGrpcSender extends OkHttpSender {
  private static final String USER_AGENT = "levee-exporter";
  private static final MediaType GRPC = MediaType.get("application/grpc");

  private final HttpUrl url;
  private final Headers headers;
  private final boolean gzip;

  private OkHttpGrpcSender(
      Leases.Lease<OkHttpClient> client, URI endpoint, Signal signal, Headers headers, boolean gzip) {
    super(client, endpoint);
    // Parsed once: OkHttp's parse canonicalises the host (IDNA mapping, Unicode normalisation).
    this.url =
        HttpUrl.get(
            (TransportSettings.isTls(endpoint) ? "https://" : "http://")
                + endpoint.getHost()
                + ":"
                + TransportSettings.port(endpoint)
                + "/"
                + Transports.fullMethodName(signal));
    this.headers = headers;
    this.gzip = gzip;
  }

  /** Builds a sender to {@code endpoint}; it connects on the first call. */
  public static OkHttpGrpcSender create(Signal signal, TransportSettings settings, URI endpoint)
      throws SSLException {
    return create(signal, endpoint, settings.headers(), settings.compression(), settings.timeout(), settings);
  }

  /** A plaintext sender to one {@code http://} endpoint, without headers or compression. */
  public static OkHttpGrpcSender createPlaintext(Signal signal, URI endpoint) {
    TransportSettings.requirePlaintext(endpoint);
    try {
      return create(signal, endpoint, Map.of(), Compression.NONE, Duration.ofSeconds(10), null);
    } catch (SSLException e) {
      throw new IllegalStateException("No TLS was asked for", e);
    }
  }

  private static OkHttpGrpcSender create(
      Signal signal,
      URI endpoint,
      Map<String, String> configured,
      Compression compression,
      Duration timeout,
      TransportSettings tls)
      throws SSLException {
    List<Protocol> protocols =
        TransportSettings.isTls(endpoint)
            ? List.of(Protocol.HTTP_2, Protocol.HTTP_1_1)
            : List.of(Protocol.H2_PRIOR_KNOWLEDGE);
    Leases.Lease<OkHttpClient> client = OkHttpClients.acquire("levee-grpc", endpoint, timeout, tls, protocols);
    return new OkHttpGrpcSender(
        client, endpoint, signal, OkHttpClients.headers(configured), compression == Compression.GZIP);
  }

  @Override
  Request request(List<Chunk> chunks, long timeoutNanos) {
    Request.Builder request =
        new Request.Builder()
            .url(url)
            .headers(headers)
            .header("te", "trailers")
            .header("user-agent", USER_AGENT)
            .header("grpc-timeout", grpcTimeout(timeoutNanos));
    if (gzip) {
      request.header("grpc-encoding", "gzip");
    }
    return request
        .post(
            gzip
                ? PayloadBody.grpcMessage(GRPC, HttpSender.gzipped(chunks))
                : PayloadBody.grpcMessage(GRPC, chunks))
        .build();
  }

  /** The deadline as the server reads it: at most eight digits, in milliseconds. */
  static String grpcTimeout(long timeoutNanos) {
    long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
    return Math.min(99_999_999L, millis) + "m";
  }

  @Override
  SendOutcome noAnswer(Exception failure) {
    if (failure instanceof IOException io && OkHttpClients.callTimedOut(io)) {
      // The call's timeout: the answer may still come, the data may have arrived.
      return SendOutcome.retryable("DEADLINE_EXCEEDED", String.valueOf(failure));
    }
    return SendOutcome.retryable("UNAVAILABLE", String.valueOf(failure));
  }

  @Override
  SendOutcome answer(Response response) throws IOException {
    if (response.code() != 200) {
      return GrpcAnswers.classify(
          fromHttpStatus(response.code()), "HTTP " + response.code(), null, true);
    }
    ResponseBody body = response.body();
    byte[] framed = body == null ? new byte[0] : body.bytes();
    Headers status = response.headers();
    if (status.get("grpc-status") == null) {
      status = response.trailers(); // read once the body is
    }
    String code = status.get("grpc-status");
    if (code == null) {
      return SendOutcome.retryableAnswer("UNKNOWN", "the answer carried no grpc-status");
    }
    int value;
    try {
      value = Integer.parseInt(code.trim());
    } catch (NumberFormatException e) {
      return SendOutcome.retryableAnswer("UNKNOWN", "grpc-status " + code);
    }
    if (value == GrpcAnswers.OK) {
      return GrpcAnswers.answered(message(framed));
    }
    return GrpcAnswers.classify(
        value, statusMessage(status.get("grpc-message")), details(status.get("grpc-status-details-bin")), true);
  }

  /** The gRPC specification's mapping of an HTTP status without a gRPC one. */
  static int fromHttpStatus(int httpStatus) {
    return switch (httpStatus) {
      case 400 -> GrpcAnswers.INTERNAL;
      case 401 -> 16; // UNAUTHENTICATED
      case 403 -> 7; // PERMISSION_DENIED
      case 404 -> 12; // UNIMPLEMENTED
      case 429, 502, 503, 504 -> GrpcAnswers.UNAVAILABLE;
      default -> GrpcAnswers.UNKNOWN;
    };
  }

  /** The response message of a length-prefixed gRPC frame (empty when there is none). */
  static byte[] message(byte[] framed) throws IOException {
    if (framed.length < 5) {
      return new byte[0];
    }
    int length =
        ((framed[1] & 0xff) << 24) | ((framed[2] & 0xff) << 16) | ((framed[3] & 0xff) << 8) | (framed[4] & 0xff);
    if (length < 0 || length > framed.length - 5) {
      throw new IOException("A gRPC frame of " + length + " bytes in " + framed.length);
    }
    byte[] message = java.util.Arrays.copyOfRange(framed, 5, 5 + length);
    if (framed[0] == 0) {
      return message;
    }
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(message))) {
      return in.readAllBytes();
    }
  }

  /** {@code grpc-message} is percent-encoded. */
  private static String statusMessage(String encoded) {
    if (encoded == null) {
      return "";
    }
    try {
      return URLDecoder.decode(encoded.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return encoded;
    }
  }

  /** {@code grpc-status-details-bin}: base64, padding optional. */
  private static byte[] details(String encoded) {
    if (encoded == null) {
      return null;
    }
    try {
      return Base64.getDecoder().decode(pad(encoded.trim()));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String pad(String base64) {
    int rest = base64.length() % 4;
    return rest == 0 ? base64 : base64 + "====".substring(rest);
  }

  @Override
  public String toString() {
    return "OkHttpGrpcSender{" + target() + (gzip ? ", gzip" : "") + "}";
  }
}
