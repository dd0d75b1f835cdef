package dev.levee.exporter.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.levee.buffer.Chunk;
import dev.levee.buffer.Signal;
import dev.levee.exporter.internal.encode.ChunkEncoder;
import dev.levee.testing.OtlpReceiver;
import dev.levee.testing.TestData;
import io.grpc.Status;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The OTLP/HTTP senders: the JDK client's ({@code jdk}) and, in the tests marked with both, the
 * OkHttp one used inside the agent ({@code okhttp}), against the same real receiver.
 */
class HttpSenderTest {
  private static final long TEN_SECONDS = TimeUnit.SECONDS.toNanos(10);
  private static final Optional<String> PROTOBUF = Optional.of("application/x-protobuf");
  private static final SendOutcome OK = SendOutcome.success().withStatus("200");

  /** A plaintext sender of the kind named to {@code uri}. */
  static Sender plaintext(String client, URI uri) {
    return client.equals("okhttp") ? OkHttpHttpSender.createPlaintext(uri) : HttpSender.createPlaintext(uri);
  }

  @Test
  void retriesOnlyTheStatusesTheOtlpSpecificationCallsRetryable() {
    for (int status : List.of(429, 502, 503, 504)) {
      SendOutcome outcome = HttpOutcomes.answered(status, Optional.empty(), Optional.empty(), new byte[0], 0);
      assertThat(outcome.kind()).as("%d", status).isEqualTo(SendOutcome.Kind.RETRYABLE);
      assertThat(outcome.answered()).as("%d answered", status).isTrue();
    }
    for (int status : List.of(400, 401, 403, 404, 405, 413, 415, 500, 501)) {
      assertThat(HttpOutcomes.answered(status, Optional.empty(), Optional.empty(), new byte[0], 0).kind())
          .as("%d", status)
          .isEqualTo(SendOutcome.Kind.PERMANENT);
    }
    assertThat(HttpOutcomes.answered(200, Optional.empty(), PROTOBUF, new byte[0], 0))
        .isEqualTo(OK);
    assertThat(HttpOutcomes.answered(202, Optional.empty(), Optional.empty(), "ok".getBytes(StandardCharsets.UTF_8), 0))
        .isEqualTo(SendOutcome.success().withStatus("202"));
    assertThat(HttpOutcomes.answered(429, Optional.empty(), Optional.empty(), new byte[0], 0).throttled()).isTrue();
    assertThat(HttpOutcomes.answered(503, Optional.empty(), Optional.empty(), new byte[0], 0).throttled()).isFalse();
  }

  @Test
  void honoursRetryAfterInSecondsAndAsAnHttpDate() {
    long now = ZonedDateTime.of(2026, 12, 4, 6, 0, 0, 0, ZoneOffset.UTC).toInstant().toEpochMilli();
    assertThat(HttpOutcomes.retryAfterNanos("3", now)).isEqualTo(TimeUnit.SECONDS.toNanos(3));
    assertThat(HttpOutcomes.retryAfterNanos(" 0 ", now)).isZero();
    String inFiveSeconds =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.of(2026, 12, 4, 6, 0, 5, 0, ZoneOffset.UTC));
    assertThat(HttpOutcomes.retryAfterNanos(inFiveSeconds, now)).isEqualTo(TimeUnit.SECONDS.toNanos(5));
    assertThat(HttpOutcomes.retryAfterNanos("Thu, 03 Dec 2026 06:00:00 GMT", now)).isZero(); // past
    assertThat(HttpOutcomes.retryAfterNanos("soon", now)).isEqualTo(SendOutcome.NO_RETRY_DELAY);
    assertThat(HttpOutcomes.retryAfterNanos("-1", now)).isEqualTo(SendOutcome.NO_RETRY_DELAY);

    SendOutcome throttled = HttpOutcomes.answered(429, Optional.of("2"), Optional.empty(), new byte[0], now);
    assertThat(throttled).isEqualTo(SendOutcome.retryableAfter("429", "", TimeUnit.SECONDS.toNanos(2)));
  }

  @Test
  void readsTheMessageOfAGoogleRpcStatusBodyOrTheStartOfAText() {
    byte[] status =
        com.google.rpc.Status.newBuilder().setCode(3).setMessage("span name too long").build().toByteArray();
    assertThat(HttpOutcomes.answered(400, Optional.empty(), PROTOBUF, status, 0))
        .isEqualTo(SendOutcome.permanent("400", "span name too long"));
    assertThat(
            HttpOutcomes.answered(
                    502, Optional.empty(), Optional.of("text/html"), "<html>Bad gateway</html>".getBytes(StandardCharsets.UTF_8), 0)
                .message())
        .isEqualTo("<html>Bad gateway</html>");
    assertThat(HttpOutcomes.message("x".repeat(5000).getBytes(StandardCharsets.UTF_8), Optional.empty()))
        .hasSize(303);
    // Not protobuf after all: no message, still the status.
    assertThat(HttpOutcomes.answered(400, Optional.empty(), PROTOBUF, new byte[] {(byte) 0xff}, 0))
        .isEqualTo(SendOutcome.permanent("400", ""));
  }

  @Test
  void readsPartialSuccessFromA200Body() {
    byte[] response =
        io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse.newBuilder()
            .setPartialSuccess(
                io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess.newBuilder()
                    .setRejectedSpans(4)
                    .setErrorMessage("too old"))
            .build()
            .toByteArray();
    assertThat(HttpOutcomes.answered(200, Optional.empty(), PROTOBUF, response, 0))
        .isEqualTo(SendOutcome.partialSuccess(4, "too old").withStatus("200"));
  }

  @Test
  void noAnswerIsToldApartFromAnAnswer() {
    assertThat(HttpOutcomes.failed(new java.net.ConnectException("refused")))
        .isEqualTo(SendOutcome.retryable("CONNECT_FAILED", "refused"));
    assertThat(HttpOutcomes.failed(new java.net.ConnectException()))
        .isEqualTo(SendOutcome.retryable("CONNECT_FAILED", "connection refused or unreachable"));
    assertThat(HttpOutcomes.failed(new java.util.concurrent.CompletionException(new java.net.http.HttpTimeoutException("request timed out"))))
        .isEqualTo(SendOutcome.retryable("TIMEOUT", "request timed out"));
    assertThat(HttpOutcomes.failed(new java.io.IOException("reset")).answered()).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"jdk", "okhttp"})
  void deliversChunksAsOneRequestAndGetsEachAnswer(String client) throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      Sender sender = plaintext(client, URI.create(receiver.httpEndpoint() + "/v1/traces"));
      try {
        ChunkEncoder<io.opentelemetry.sdk.trace.data.SpanData> encoder = ChunkEncoder.spans();
        List<Chunk> chunks =
            List.of(encoder.encode(TestData.spans(3, "a"), 3, 0), encoder.encode(TestData.spans(2, "b"), 2, 0));

        assertThat(sender.send(chunks, TEN_SECONDS)).isEqualTo(OK);
        assertThat(receiver.spanCount()).isEqualTo(5);
        assertThat(receiver.requestCount()).isEqualTo(1);
        assertThat(receiver.lastHeader("content-type")).contains("application/x-protobuf");
        assertThat(receiver.lastHeader("user-agent")).hasValueSatisfying(agent -> assertThat(agent).startsWith("levee-exporter"));

        receiver.failNext(1, Status.RESOURCE_EXHAUSTED.withDescription("slow down"), Duration.ofMillis(1500));
        assertThat(sender.send(chunks, TEN_SECONDS))
            .isEqualTo(SendOutcome.retryableAfter("429", "slow down", TimeUnit.SECONDS.toNanos(2)));
        receiver.failNext(1, Status.INVALID_ARGUMENT.withDescription("bad span"), null);
        assertThat(sender.send(chunks, TEN_SECONDS)).isEqualTo(SendOutcome.permanent("400", "bad span"));
        receiver.rejectNext(1, 1, "one too old");
        assertThat(sender.send(chunks, TEN_SECONDS)).isEqualTo(SendOutcome.partialSuccess(1, "one too old").withStatus("200"));
        assertThat(receiver.spanCount()).isEqualTo(10);
        assertThat(sender.connected()).isTrue(); // it answered
      } finally {
        sender.close(TimeUnit.SECONDS.toNanos(5));
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"jdk", "okhttp"})
  void keepsSeveralRequestsInFlight(String client) throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      receiver.setLatency(Duration.ofMillis(300));
      Sender sender = plaintext(client, URI.create(receiver.httpEndpoint() + "/v1/logs"));
      try {
        ChunkEncoder<io.opentelemetry.sdk.logs.data.LogRecordData> encoder = ChunkEncoder.logs();
        List<CompletableFuture<SendOutcome>> inFlight = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
          inFlight.add(sender.sendAsync(List.of(encoder.encode(TestData.logs(5), 5, 0)), TEN_SECONDS));
        }
        for (CompletableFuture<SendOutcome> each : inFlight) {
          assertThat(each.get(10, TimeUnit.SECONDS)).isEqualTo(OK);
        }
        assertThat(receiver.logRecordCount()).isEqualTo(20);
        assertThat(receiver.maxConcurrentCalls()).isGreaterThan(1);
      } finally {
        sender.close(TimeUnit.SECONDS.toNanos(5));
      }
    }
  }

  @Test
  void sendersWithTheSameSettingsShareOneClientUntilTheLastOneCloses() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      int openBefore = SharedHttpClients.open();
      HttpSender spans = HttpSender.createPlaintext(URI.create(receiver.httpEndpoint() + "/v1/traces"));
      HttpSender logs = HttpSender.createPlaintext(URI.create(receiver.httpEndpoint() + "/v1/logs"));
      TransportSettings quicker =
          new TransportSettings(
              Protocol.HTTP_PROTOBUF,
              List.of(URI.create(receiver.httpEndpoint() + "/v1/metrics")),
              Endpoints.Mode.FAILOVER,
              Map.of(),
              Duration.ofSeconds(1), // a shorter connect timeout: a client of its own
              Compression.NONE,
              null,
              null,
              null);
      HttpSender metrics = HttpSender.create(quicker, quicker.endpoint());
      try {
        assertThat(spans.sharesClientWith(logs)).isTrue();
        assertThat(metrics.sharesClientWith(spans)).isFalse();
        assertThat(SharedHttpClients.open()).isEqualTo(openBefore + 2);

        spans.close(TimeUnit.SECONDS.toNanos(5));
        assertThat(spans.send(List.of(ChunkEncoder.spans().encode(TestData.spans(2, "s"), 2, 0)), TEN_SECONDS).status())
            .isEqualTo("CLOSED");
        // The other holder of the client still delivers.
        assertThat(logs.send(List.of(ChunkEncoder.logs().encode(TestData.logs(3), 3, 0)), TEN_SECONDS)).isEqualTo(OK);
        assertThat(receiver.logRecordCount()).isEqualTo(3);
        assertThat(SharedHttpClients.open()).isEqualTo(openBefore + 2);

        logs.close(TimeUnit.SECONDS.toNanos(5));
        assertThat(SharedHttpClients.open()).isEqualTo(openBefore + 1);
        HttpSender again = HttpSender.createPlaintext(URI.create(receiver.httpEndpoint() + "/v1/traces"));
        try {
          assertThat(again.sharesClientWith(logs)).isFalse(); // a new client: the old one is closed
          assertThat(again.send(List.of(ChunkEncoder.spans().encode(TestData.spans(2, "s"), 2, 0)), TEN_SECONDS))
              .isEqualTo(OK);
          assertThat(receiver.spanCount()).isEqualTo(2);
        } finally {
          again.close(TimeUnit.SECONDS.toNanos(5));
        }
      } finally {
        spans.close(0);
        logs.close(0);
        metrics.close(TimeUnit.SECONDS.toNanos(5));
      }
      assertThat(SharedHttpClients.open()).isEqualTo(openBefore);
    }
  }

  @Test
  void gzipsTheBodyWhenAsked() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      TransportSettings settings =
          new TransportSettings(
              Protocol.HTTP_PROTOBUF,
              List.of(URI.create(receiver.httpEndpoint() + "/v1/traces")),
              Endpoints.Mode.FAILOVER,
              Map.of("authorization", "Bearer token", "host", "elsewhere"),
              Duration.ofSeconds(10),
              Compression.GZIP,
              null,
              null,
              null);
      HttpSender sender = HttpSender.create(settings, settings.endpoint());
      try {
        List<Chunk> chunks = List.of(ChunkEncoder.spans().encode(TestData.spans(7, "z"), 7, 0));
        assertThat(sender.send(chunks, TEN_SECONDS)).isEqualTo(OK);
        assertThat(receiver.spanCount()).isEqualTo(7);
        assertThat(receiver.lastHeader("content-encoding")).contains("gzip");
        assertThat(receiver.lastHeader("authorization")).contains("Bearer token");
        assertThat(receiver.lastHeader("host")).hasValueSatisfying(host -> assertThat(host).startsWith("127.0.0.1"));
      } finally {
        sender.close(TimeUnit.SECONDS.toNanos(5));
      }
      byte[] zipped = HttpSender.gzipped(List.of(Chunk.of(Signal.SPANS, "abc".getBytes(StandardCharsets.US_ASCII), 1, false, 0)));
      assertThat(new GZIPInputStream(new java.io.ByteArrayInputStream(zipped)).readAllBytes())
          .isEqualTo("abc".getBytes(StandardCharsets.US_ASCII));
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"jdk", "okhttp"})
  void aPortNobodyListensOnIsNoAnswerAndNotConnected(String client) throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Sender sender = plaintext(client, URI.create("http://127.0.0.1:" + port + "/v1/traces"));
    try {
      SendOutcome outcome =
          sender.send(List.of(ChunkEncoder.spans().encode(TestData.spans(1, "x"), 1, 0)), TEN_SECONDS);
      assertThat(outcome.kind()).isEqualTo(SendOutcome.Kind.RETRYABLE);
      assertThat(outcome.answered()).isFalse();
      assertThat(outcome.status()).isEqualTo("CONNECT_FAILED");
      assertThat(sender.connected()).isFalse();
    } finally {
      sender.close(TimeUnit.SECONDS.toNanos(5));
    }
  }

  @Test
  void plaintextSenderRefusesATlsEndpoint() {
    assertThatThrownBy(() -> HttpSender.createPlaintext(URI.create("https://collector:4318/v1/traces")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("createPlaintext takes an http:// endpoint, was https://collector:4318/v1/traces");
  }
}
