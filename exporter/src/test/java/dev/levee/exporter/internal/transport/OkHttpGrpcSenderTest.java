package dev.levee.exporter.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.levee.buffer.Chunk;
import dev.levee.buffer.Signal;
import dev.levee.exporter.internal.encode.ChunkEncoder;
import dev.levee.testing.OtlpReceiver;
import dev.levee.testing.TestCertificates;
import dev.levee.testing.TestData;
import io.grpc.Status;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OkHttp gRPC sender against a real gRPC server (grpc-java's, in {@link OtlpReceiver}): what
 * the grpc-java sender does, the same way.
 */
class OkHttpGrpcSenderTest {
  private static final long TEN_SECONDS = TimeUnit.SECONDS.toNanos(10);

  @TempDir static Path dir;
  private static TestCertificates.Tls tls;

  @BeforeAll
  static void certificates() throws Exception {
    tls = TestCertificates.create(dir);
  }

  private static List<Chunk> spans(int count, String name) throws IOException {
    List<SpanData> spans = TestData.spans(count, name);
    return List.of(ChunkEncoder.spans().encode(spans, spans.size(), 0));
  }

  private static TransportSettings settings(String endpoint, Map<String, String> headers, Compression compression) {
    return settings(endpoint, headers, compression, null, null, null);
  }

  private static TransportSettings settings(
      String endpoint, Map<String, String> headers, Compression compression, byte[] ca, byte[] key, byte[] certificate) {
    return new TransportSettings(
        Protocol.GRPC,
        List.of(URI.create(endpoint)),
        Endpoints.Mode.FAILOVER,
        headers,
        Duration.ofSeconds(10),
        compression,
        ca,
        key,
        certificate);
  }

  @Test
  void deliversEachSignalToItsMethodAsOneRequest() throws IOException {
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      URI endpoint = URI.create(receiver.endpoint());
      OkHttpGrpcSender spans = OkHttpGrpcSender.createPlaintext(Signal.SPANS, endpoint);
      OkHttpGrpcSender metrics = OkHttpGrpcSender.createPlaintext(Signal.METRICS, endpoint);
      OkHttpGrpcSender logs = OkHttpGrpcSender.createPlaintext(Signal.LOGS, endpoint);
      try {
        ChunkEncoder<SpanData> spanEncoder = ChunkEncoder.spans();
        List<SpanData> first = TestData.spans(3, "a");
        List<SpanData> second = TestData.spans(2, "b");
        SendOutcome outcome =
            spans.send(List.of(spanEncoder.encode(first, 3, 0), spanEncoder.encode(second, 2, 0)), TEN_SECONDS);
        assertThat(outcome).isEqualTo(SendOutcome.success());
        assertThat(receiver.spanCount()).isEqualTo(5);
        assertThat(receiver.requestCount()).isEqualTo(1);

        List<MetricData> points = new ArrayList<>(TestData.metrics());
        assertThat(metrics.send(List.of(ChunkEncoder.metrics().encode(points, points.size(), 0)), TEN_SECONDS).kind())
            .isEqualTo(SendOutcome.Kind.SUCCESS);
        assertThat(receiver.dataPointCount()).isPositive();

        List<LogRecordData> records = TestData.logs(4);
        assertThat(logs.send(List.of(ChunkEncoder.logs().encode(records, 4, 0)), TEN_SECONDS).kind())
            .isEqualTo(SendOutcome.Kind.SUCCESS);
        assertThat(receiver.logRecordCount()).isEqualTo(4);
        assertThat(receiver.lastHeader("user-agent")).hasValueSatisfying(agent -> assertThat(agent).startsWith("levee-exporter"));
      } finally {
        spans.close(TEN_SECONDS);
        metrics.close(TEN_SECONDS);
        logs.close(TEN_SECONDS);
      }
    }
  }

  @Test
  void sendsGzippedWithTheConfiguredHeaders() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      OkHttpGrpcSender sender =
          OkHttpGrpcSender.create(
              Signal.SPANS,
              settings(receiver.endpoint(), Map.of("x-tenant", "blue"), Compression.GZIP),
              URI.create(receiver.endpoint()));
      try {
        assertThat(sender.sendAsync(spans(7, "zipped"), TEN_SECONDS).get(10, TimeUnit.SECONDS))
            .isEqualTo(SendOutcome.success());
        assertThat(receiver.spanCount()).isEqualTo(7);
        assertThat(receiver.lastHeader("x-tenant")).hasValue("blue");
        assertThat(receiver.lastHeader("grpc-encoding")).hasValue("gzip");
      } finally {
        sender.close(TEN_SECONDS);
      }
    }
  }

  @Test
  void readsPartialSuccessRetryInfoAndPermanentRefusalsFromTheTrailers() throws IOException {
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      OkHttpGrpcSender sender = OkHttpGrpcSender.createPlaintext(Signal.SPANS, URI.create(receiver.endpoint()));
      try {
        receiver.rejectNext(1, 2, "too old");
        SendOutcome partial = sender.send(spans(5, "partial"), TEN_SECONDS);
        assertThat(partial.kind()).isEqualTo(SendOutcome.Kind.SUCCESS);
        assertThat(partial.rejectedItems()).isEqualTo(2);
        assertThat(partial.message()).isEqualTo("too old");

        receiver.failNext(1, Status.UNAVAILABLE.withDescription("no healthy upstream"), null);
        SendOutcome unavailable = sender.send(spans(1, "unavailable"), TEN_SECONDS);
        assertThat(unavailable.kind()).isEqualTo(SendOutcome.Kind.RETRYABLE);
        assertThat(unavailable.status()).isEqualTo("UNAVAILABLE");
        assertThat(unavailable.message()).isEqualTo("no healthy upstream");
        assertThat(unavailable.answered()).isTrue();

        receiver.failNext(1, Status.RESOURCE_EXHAUSTED, Duration.ofSeconds(3));
        SendOutcome throttled = sender.send(spans(1, "throttled"), TEN_SECONDS);
        assertThat(throttled.throttled()).isTrue();
        assertThat(throttled.retryAfterNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(3));

        receiver.failNext(1, Status.INVALID_ARGUMENT.withDescription("span name: 100% too long"), null);
        SendOutcome refused = sender.send(spans(1, "refused"), TEN_SECONDS);
        assertThat(refused.kind()).isEqualTo(SendOutcome.Kind.PERMANENT);
        assertThat(refused.status()).isEqualTo("INVALID_ARGUMENT");
        assertThat(refused.message()).isEqualTo("span name: 100% too long");

        assertThat(sender.send(spans(2, "after"), TEN_SECONDS)).isEqualTo(SendOutcome.success());
        assertThat(receiver.spanCount()).isEqualTo(7); // the partial success's five, then two
      } finally {
        sender.close(TEN_SECONDS);
      }
    }
  }

  @Test
  void anUnreachableBackendIsRetryableWithoutAnAnswer() throws IOException {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    OkHttpGrpcSender sender =
        OkHttpGrpcSender.createPlaintext(Signal.SPANS, URI.create("http://127.0.0.1:" + port));
    try {
      SendOutcome outcome = sender.send(spans(1, "nobody"), TEN_SECONDS);
      assertThat(outcome.kind()).isEqualTo(SendOutcome.Kind.RETRYABLE);
      assertThat(outcome.status()).isEqualTo("UNAVAILABLE");
      assertThat(outcome.answered()).isFalse();
      assertThat(sender.connected()).isFalse();
    } finally {
      sender.close(TEN_SECONDS);
    }
  }

  @Test
  void aCallOutOfTimeIsADeadlineWithoutAnAnswer() throws IOException {
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      receiver.setLatency(Duration.ofSeconds(3));
      OkHttpGrpcSender sender = OkHttpGrpcSender.createPlaintext(Signal.SPANS, URI.create(receiver.endpoint()));
      try {
        SendOutcome outcome = sender.send(spans(1, "late"), TimeUnit.MILLISECONDS.toNanos(300));
        assertThat(outcome.kind()).isEqualTo(SendOutcome.Kind.RETRYABLE);
        assertThat(outcome.status()).isEqualTo("DEADLINE_EXCEEDED");
        assertThat(outcome.answered()).isFalse();
      } finally {
        sender.close(TEN_SECONDS);
      }
    }
  }

  @Test
  void deliversOverTlsAndMutualTls() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.startTls(tls, true)) {
      String endpoint = receiver.endpoint();
      assertThat(endpoint).startsWith("https://");
      TransportSettings mutual =
          settings(endpoint, Map.of(), Compression.NONE, tls.caCertificatePem(), tls.clientKeyPem(), tls.clientCertificatePem());
      OkHttpGrpcSender sender = OkHttpGrpcSender.create(Signal.SPANS, mutual, URI.create(endpoint));
      try {
        assertThat(sender.send(spans(2, "mtls"), TEN_SECONDS)).isEqualTo(SendOutcome.success());
        assertThat(receiver.spanCount()).isEqualTo(2);
      } finally {
        sender.close(TEN_SECONDS);
      }
      TransportSettings noClientKey = settings(endpoint, Map.of(), Compression.NONE, tls.caCertificatePem(), null, null);
      OkHttpGrpcSender refused = OkHttpGrpcSender.create(Signal.SPANS, noClientKey, URI.create(endpoint));
      try {
        SendOutcome outcome = refused.send(spans(1, "no client key"), TEN_SECONDS);
        assertThat(outcome.kind()).isEqualTo(SendOutcome.Kind.RETRYABLE);
        assertThat(outcome.answered()).isFalse();
        assertThat(receiver.spanCount()).isEqualTo(2);
      } finally {
        refused.close(TEN_SECONDS);
      }
    }
  }

  @Test
  void theSignalsShareOneClientAndConnectionAndAClosingOneCancelsOnlyItsOwnCalls() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      int openBefore = OkHttpClients.open();
      URI endpoint = URI.create(receiver.endpoint());
      OkHttpGrpcSender spans = OkHttpGrpcSender.createPlaintext(Signal.SPANS, endpoint);
      OkHttpGrpcSender logs = OkHttpGrpcSender.createPlaintext(Signal.LOGS, endpoint);
      List<Chunk> records = List.of(ChunkEncoder.logs().encode(TestData.logs(3), 3, 0));
      List<Chunk> twoSpans = List.of(ChunkEncoder.spans().encode(TestData.spans(2, "s"), 2, 0));
      try {
        assertThat(spans.sharesClientWith(logs)).isTrue();
        assertThat(OkHttpClients.open()).isEqualTo(openBefore + 1);
        assertThat(spans.send(twoSpans, TEN_SECONDS).kind()).isEqualTo(SendOutcome.Kind.SUCCESS);
        assertThat(logs.send(records, TEN_SECONDS).kind()).isEqualTo(SendOutcome.Kind.SUCCESS);
        assertThat(spans.connections()).isEqualTo(1); // both signals' calls on one HTTP/2 connection

        // Both under way at the backend; the spans' sender closes: its call ends, the logs' goes on.
        receiver.setLatency(Duration.ofSeconds(1));
        java.util.concurrent.CompletableFuture<SendOutcome> spansUnderWay = spans.sendAsync(twoSpans, TEN_SECONDS);
        java.util.concurrent.CompletableFuture<SendOutcome> logsUnderWay = logs.sendAsync(records, TEN_SECONDS);
        spans.close(TEN_SECONDS);
        assertThat(spansUnderWay.get(5, TimeUnit.SECONDS).status()).isEqualTo("CANCELLED");
        assertThat(logsUnderWay).isNotDone();
        assertThat(logsUnderWay.get(5, TimeUnit.SECONDS).kind()).isEqualTo(SendOutcome.Kind.SUCCESS);
        assertThat(receiver.logRecordCount()).isEqualTo(6);
        assertThat(OkHttpClients.open()).isEqualTo(openBefore + 1);
      } finally {
        spans.close(0);
        logs.close(TEN_SECONDS);
      }
      assertThat(OkHttpClients.open()).isEqualTo(openBefore);
    }
  }

  @Test
  void aClosedSenderSendsNothingAndLeavesNoThread() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
      OkHttpGrpcSender sender = OkHttpGrpcSender.createPlaintext(Signal.LOGS, URI.create(receiver.endpoint()));
      List<Chunk> records = List.of(ChunkEncoder.logs().encode(TestData.logs(1), 1, 0));
      assertThat(sender.send(records, TEN_SECONDS).kind()).isEqualTo(SendOutcome.Kind.SUCCESS);
      List<Thread> callers =
          Thread.getAllStackTraces().keySet().stream()
              .filter(thread -> !before.contains(thread) && thread.getName().startsWith("levee-grpc-"))
              .toList();
      assertThat(callers).isNotEmpty();
      sender.close(TEN_SECONDS);
      SendOutcome after = sender.send(records, TEN_SECONDS);
      assertThat(after.status()).isEqualTo("CLOSED");
      assertThat(receiver.requestCount()).isEqualTo(1);
      for (Thread caller : callers) {
        caller.join(5_000); // a pool's worker ends just after the pool reports it terminated
        assertThat(caller.isAlive()).as(caller.getName()).isFalse();
      }
    }
  }

  @Test
  void readsTheLengthPrefixedMessageCompressedOrNot() throws Exception {
    byte[] message = {8, 1, 18, 3, 'a', 'b', 'c'};
    assertThat(OkHttpGrpcSender.message(frame(0, message))).isEqualTo(message);
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    try (GZIPOutputStream zip = new GZIPOutputStream(zipped)) {
      zip.write(message);
    }
    assertThat(OkHttpGrpcSender.message(frame(1, zipped.toByteArray()))).isEqualTo(message);
    assertThat(OkHttpGrpcSender.message(new byte[0])).isEmpty();
    byte[] truncated = frame(0, message);
    assertThatThrownBy(() -> OkHttpGrpcSender.message(java.util.Arrays.copyOf(truncated, 8)))
        .isInstanceOf(IOException.class);
  }

  @Test
  void mapsTheDeadlineAndHttpStatusesAsTheGrpcSpecificationDoes() {
    assertThat(OkHttpGrpcSender.grpcTimeout(TimeUnit.SECONDS.toNanos(10))).isEqualTo("10000m");
    assertThat(OkHttpGrpcSender.grpcTimeout(1)).isEqualTo("1m");
    assertThat(OkHttpGrpcSender.grpcTimeout(TimeUnit.DAYS.toNanos(3650))).isEqualTo("99999999m");
    assertThat(GrpcAnswers.name(OkHttpGrpcSender.fromHttpStatus(503))).isEqualTo("UNAVAILABLE");
    assertThat(GrpcAnswers.name(OkHttpGrpcSender.fromHttpStatus(429))).isEqualTo("UNAVAILABLE");
    assertThat(GrpcAnswers.name(OkHttpGrpcSender.fromHttpStatus(401))).isEqualTo("UNAUTHENTICATED");
    assertThat(GrpcAnswers.name(OkHttpGrpcSender.fromHttpStatus(404))).isEqualTo("UNIMPLEMENTED");
    assertThat(GrpcAnswers.name(OkHttpGrpcSender.fromHttpStatus(500))).isEqualTo("UNKNOWN");
    assertThat(Transports.grpcStatusCode("RESOURCE_EXHAUSTED")).isEqualTo(8);
    assertThat(Transports.grpcStatusCode("no such code")).isEqualTo(2);
  }

  private static byte[] frame(int flag, byte[] message) {
    byte[] framed = new byte[5 + message.length];
    framed[0] = (byte) flag;
    framed[1] = (byte) (message.length >>> 24);
    framed[2] = (byte) (message.length >>> 16);
    framed[3] = (byte) (message.length >>> 8);
    framed[4] = (byte) message.length;
    System.arraycopy(message, 0, framed, 5, message.length);
    return framed;
  }
}
