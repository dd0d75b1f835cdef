package dev.levee.exporter.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.levee.buffer.Chunk;
import dev.levee.exporter.internal.encode.ChunkEncoder;
import dev.levee.testing.OtlpReceiver;
import dev.levee.testing.TestCertificates;
import dev.levee.testing.TestData;
import io.grpc.Status;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OkHttp OTLP/HTTP sender against a real receiver ({@link OtlpReceiver}'s HTTP endpoint), beyond
 * what {@link HttpSenderTest} holds both HTTP senders to: headers and gzip, mutual TLS, a timeout,
 * closing.
 */
class OkHttpHttpSenderTest {
  private static final long TEN_SECONDS = TimeUnit.SECONDS.toNanos(10);
  private static final SendOutcome OK = SendOutcome.success().withStatus("200");

  @TempDir static Path dir;
  private static TestCertificates.Tls tls;

  @BeforeAll
  static void certificates() throws Exception {
    tls = TestCertificates.create(dir);
  }

  private static List<Chunk> spans(int count, String name) throws IOException {
    return List.of(ChunkEncoder.spans().encode(TestData.spans(count, name), count, 0));
  }

  private static TransportSettings settings(
      URI endpoint, Map<String, String> headers, Compression compression, byte[] ca, byte[] key, byte[] certificate) {
    return new TransportSettings(
        Protocol.HTTP_PROTOBUF,
        List.of(endpoint),
        Endpoints.Mode.FAILOVER,
        headers,
        Duration.ofSeconds(10),
        compression,
        ca,
        key,
        certificate);
  }

  @Test
  void gzipsTheBodyAndSendsTheConfiguredHeaders() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      URI endpoint = URI.create(receiver.httpEndpoint() + "/v1/traces");
      OkHttpHttpSender sender =
          OkHttpHttpSender.create(
              settings(endpoint, Map.of("authorization", "Bearer token"), Compression.GZIP, null, null, null), endpoint);
      try {
        assertThat(sender.send(spans(7, "z"), TEN_SECONDS)).isEqualTo(OK);
        assertThat(receiver.spanCount()).isEqualTo(7);
        assertThat(receiver.lastHeader("content-encoding")).contains("gzip");
        assertThat(receiver.lastHeader("authorization")).contains("Bearer token");
      } finally {
        sender.close(TimeUnit.SECONDS.toNanos(5));
      }
    }
  }

  @Test
  void anAnswerLaterThanTheTimeoutIsATimeoutWithoutAnAnswer() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      receiver.setLatency(Duration.ofSeconds(3));
      OkHttpHttpSender sender = OkHttpHttpSender.createPlaintext(URI.create(receiver.httpEndpoint() + "/v1/traces"));
      try {
        SendOutcome outcome = sender.send(spans(1, "late"), TimeUnit.MILLISECONDS.toNanos(300));
        assertThat(outcome.kind()).isEqualTo(SendOutcome.Kind.RETRYABLE);
        assertThat(outcome.status()).isEqualTo("TIMEOUT");
        assertThat(outcome.answered()).isFalse();
      } finally {
        sender.close(TimeUnit.SECONDS.toNanos(5));
      }
    }
  }

  @Test
  void deliversOverMutualTlsAndRefusesWithoutTheClientCertificate() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.startTls(tls, true)) {
      URI endpoint = URI.create(receiver.httpEndpoint() + "/v1/traces");
      assertThat(endpoint.getScheme()).isEqualTo("https");
      OkHttpHttpSender mutual =
          OkHttpHttpSender.create(
              settings(endpoint, Map.of(), Compression.NONE, tls.caCertificatePem(), tls.clientKeyPem(), tls.clientCertificatePem()),
              endpoint);
      try {
        assertThat(mutual.send(spans(2, "mtls"), TEN_SECONDS)).isEqualTo(OK);
        assertThat(receiver.spanCount()).isEqualTo(2);
      } finally {
        mutual.close(TimeUnit.SECONDS.toNanos(5));
      }
      OkHttpHttpSender refused =
          OkHttpHttpSender.create(
              settings(endpoint, Map.of(), Compression.NONE, tls.caCertificatePem(), null, null), endpoint);
      try {
        SendOutcome outcome = refused.send(spans(1, "no client key"), TEN_SECONDS);
        assertThat(outcome.kind()).isEqualTo(SendOutcome.Kind.RETRYABLE);
        assertThat(outcome.answered()).isFalse();
        assertThat(receiver.spanCount()).isEqualTo(2);
      } finally {
        refused.close(TimeUnit.SECONDS.toNanos(5));
      }
    }
  }

  @Test
  void aClosedSenderSendsNothingAndLeavesNoThread() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
      OkHttpHttpSender sender = OkHttpHttpSender.createPlaintext(URI.create(receiver.httpEndpoint() + "/v1/traces"));
      assertThat(sender.send(spans(1, "before"), TEN_SECONDS)).isEqualTo(OK);
      List<Thread> callers =
          Thread.getAllStackTraces().keySet().stream()
              .filter(thread -> !before.contains(thread) && thread.getName().startsWith("levee-http-"))
              .toList();
      assertThat(callers).isNotEmpty();
      sender.close(TimeUnit.SECONDS.toNanos(5));
      assertThat(sender.send(spans(1, "after"), TEN_SECONDS).status()).isEqualTo("CLOSED");
      assertThat(receiver.requestCount()).isEqualTo(1);
      for (Thread caller : callers) {
        caller.join(5_000); // a pool's worker ends just after the pool reports it terminated
        assertThat(caller.isAlive()).as(caller.getName()).isFalse();
      }
    }
  }

  @Test
  void plaintextSenderRefusesATlsEndpoint() {
    assertThatThrownBy(() -> OkHttpHttpSender.createPlaintext(URI.create("https://collector:4318/v1/traces")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("createPlaintext takes an http:// endpoint, was https://collector:4318/v1/traces");
  }
}
