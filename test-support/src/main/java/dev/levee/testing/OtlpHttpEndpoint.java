package dev.levee.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.grpc.Metadata;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The OTLP/HTTP side of {@link OtlpReceiver}: {@code POST /v1/traces}, {@code /v1/metrics} and
 * {@code /v1/logs} with binary protobuf bodies (gzip or not), on the JDK's HTTP server. Injected
 * faults answer as an OTLP/HTTP backend would: {@code UNAVAILABLE} 503, {@code
 * RESOURCE_EXHAUSTED} 429, {@code DEADLINE_EXCEEDED} 504, other errors 400 (or 500 for {@code
 * UNKNOWN}, {@code INTERNAL}), with a {@code google.rpc.Status} body and {@code Retry-After} in
 * whole seconds, rounded up, when the fault has a delay.
 */
final class OtlpHttpEndpoint implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;
  private final boolean tls;

  /** What to answer. */
  record Answer(int status, byte[] body, Duration retryAfter) {
    static Answer ok(byte[] response) {
      return new Answer(200, response, null);
    }

    static Answer notFound(String path) {
      return new Answer(404, ("no OTLP service at " + path).getBytes(StandardCharsets.UTF_8), null);
    }

    static Answer failed(ReceiverFaults.Fault fault) {
      return new Answer(httpStatus(fault.status().getCode()), ReceiverFaults.rpcStatus(fault).toByteArray(), fault.retryAfter());
    }

    boolean protobuf() {
      return status != 404;
    }
  }

  /** The HTTP status an OTLP/HTTP backend answers in place of a gRPC code. */
  static int httpStatus(Status.Code code) {
    return switch (code) {
      case UNAVAILABLE -> 503;
      case RESOURCE_EXHAUSTED -> 429;
      case DEADLINE_EXCEEDED -> 504;
      case UNKNOWN, INTERNAL, DATA_LOSS -> 500;
      case UNAUTHENTICATED -> 401;
      case PERMISSION_DENIED -> 403;
      case UNIMPLEMENTED, NOT_FOUND -> 404;
      default -> 400;
    };
  }

  OtlpHttpEndpoint(OtlpReceiver receiver, int port, SSLContext sslContext, boolean requireClient) {
    AtomicInteger threads = new AtomicInteger();
    this.executor =
        Executors.newCachedThreadPool(
            runnable -> {
              Thread thread = new Thread(runnable, "otlp-http-receiver-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    this.tls = sslContext != null;
    try {
      InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
      if (sslContext != null) {
        HttpsServer https = HttpsServer.create(address, 256);
        https.setHttpsConfigurator(
            new HttpsConfigurator(sslContext) {
              @Override
              public void configure(HttpsParameters parameters) {
                SSLParameters ssl = sslContext.getDefaultSSLParameters();
                ssl.setNeedClientAuth(requireClient);
                parameters.setSSLParameters(ssl);
              }
            });
        server = https;
      } else {
        server = HttpServer.create(address, 256);
      }
    } catch (IOException e) {
      executor.shutdownNow();
      throw new UncheckedIOException("Cannot start the OTLP/HTTP receiver on port " + port, e);
    }
    server.setExecutor(executor);
    server.createContext("/", exchange -> handle(receiver, exchange));
    server.start();
  }

  private static void handle(OtlpReceiver receiver, HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!exchange.getRequestMethod().equals("POST")) {
        respond(exchange, new Answer(405, new byte[0], null));
        return;
      }
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
      if (encoding != null && encoding.equalsIgnoreCase("gzip")) {
        try (InputStream unzipped = new GZIPInputStream(new ByteArrayInputStream(body))) {
          body = unzipped.readAllBytes();
        }
      }
      Answer answer;
      try {
        answer = receiver.receiveHttp(exchange.getRequestURI().getPath(), body, metadata(exchange));
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        answer = new Answer(400, ("cannot parse the request: " + e.getMessage()).getBytes(StandardCharsets.UTF_8), null);
      }
      respond(exchange, answer);
    }
  }

  private static final java.util.Set<String> HOP_BY_HOP =
      java.util.Set.of("connection", "keep-alive", "proxy-connection", "te", "transfer-encoding", "upgrade");

  private static Metadata metadata(HttpExchange exchange) {
    Metadata metadata = new Metadata();
    for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
      String name = header.getKey().toLowerCase(Locale.ROOT);
      if (name.endsWith("-bin") || HOP_BY_HOP.contains(name)) {
        continue; // binary metadata, or HTTP/1.1's own connection headers (gRPC metadata warns)
      }
      for (String value : header.getValue()) {
        try {
          metadata.put(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), value);
        } catch (IllegalArgumentException e) {
          // a header name gRPC metadata cannot hold: not one the tests look at
        }
      }
    }
    return metadata;
  }

  private static void respond(HttpExchange exchange, Answer answer) throws IOException {
    exchange
        .getResponseHeaders()
        .set("Content-Type", answer.protobuf() ? "application/x-protobuf" : "text/plain; charset=utf-8");
    if (answer.retryAfter() != null) {
      long seconds = (answer.retryAfter().toMillis() + 999) / 1000;
      exchange.getResponseHeaders().set("Retry-After", Long.toString(seconds));
    }
    exchange.sendResponseHeaders(answer.status(), answer.body().length == 0 ? -1 : answer.body().length);
    if (answer.body().length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer.body());
      }
    }
  }

  int port() {
    return server.getAddress().getPort();
  }

  String endpoint() {
    return (tls ? "https://localhost:" : "http://127.0.0.1:") + port();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
