package dev.levee.exporter.internal.transport;

import dev.levee.exporter.internal.encode.ChunkEncoder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.levee.buffer.Chunk;
import dev.levee.buffer.Signal;
import dev.levee.testing.OtlpReceiver;
import dev.levee.testing.TestData;
import io.grpc.Status;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class GrpcSenderTest {

  private static Chunk chunk(String text) {
    return Chunk.of(Signal.SPANS, text.getBytes(java.nio.charset.StandardCharsets.US_ASCII), 1, false, 0);
  }

  @Test
  void retriesOnlyTheCodesTheOtlpSpecificationCallsRetryable() {
    for (Status.Code code :
        List.of(
            Status.Code.CANCELLED,
            Status.Code.DEADLINE_EXCEEDED,
            Status.Code.ABORTED,
            Status.Code.OUT_OF_RANGE,
            Status.Code.UNAVAILABLE,
            Status.Code.DATA_LOSS,
            Status.Code.RESOURCE_EXHAUSTED)) {
      assertThat(GrpcOutcomes.classify(Status.fromCode(code), true).kind())
          .as(code.name())
          .isEqualTo(SendOutcome.Kind.RETRYABLE);
    }
    for (Status.Code code :
        List.of(
            Status.Code.INVALID_ARGUMENT,
            Status.Code.NOT_FOUND,
            Status.Code.PERMISSION_DENIED,
            Status.Code.UNAUTHENTICATED,
            Status.Code.UNIMPLEMENTED,
            Status.Code.INTERNAL,
            Status.Code.UNKNOWN,
            Status.Code.FAILED_PRECONDITION)) {
      assertThat(GrpcOutcomes.classify(Status.fromCode(code), true).kind())
          .as(code.name())
          .isEqualTo(SendOutcome.Kind.PERMANENT);
    }
  }

  @Test
  void tellsAnAnswerFromNoAnswer() {
    // The backend (or a proxy) answered: a status on a connected channel, without a cause.
    assertThat(GrpcOutcomes.classify(Status.UNAVAILABLE.withDescription("no healthy upstream"), true))
        .isEqualTo(SendOutcome.retryableAnswer("UNAVAILABLE", "no healthy upstream"));
    // No answer: refused or reset (a transport exception), out of time, or no connection.
    assertThat(
            GrpcOutcomes.classify(
                    Status.UNAVAILABLE.withDescription("io exception").withCause(new java.net.ConnectException("refused")),
                    false)
                .answered())
        .isFalse();
    assertThat(GrpcOutcomes.classify(Status.DEADLINE_EXCEEDED, true).answered()).isFalse();
    assertThat(GrpcOutcomes.classify(Status.UNAVAILABLE.withDescription("Network closed"), false).answered())
        .isFalse();
    assertThat(GrpcOutcomes.classify(Status.INVALID_ARGUMENT, true).answered()).isTrue();
  }

  @Test
  void keepsTheServerMessage() {
    SendOutcome outcome =
        GrpcOutcomes.classify(Status.INVALID_ARGUMENT.withDescription("span name too long"), true);
    assertThat(outcome)
        .isEqualTo(SendOutcome.permanent("INVALID_ARGUMENT", "span name too long"));
  }

  @Test
  void namesTheOtlpMethodOfEachSignal() {
    assertThat(GrpcSender.fullMethodName(Signal.SPANS))
        .isEqualTo("opentelemetry.proto.collector.trace.v1.TraceService/Export");
    assertThat(GrpcSender.fullMethodName(Signal.METRICS))
        .isEqualTo("opentelemetry.proto.collector.metrics.v1.MetricsService/Export");
    assertThat(GrpcSender.fullMethodName(Signal.LOGS))
        .isEqualTo("opentelemetry.proto.collector.logs.v1.LogsService/Export");
  }

  @Test
  void requestStreamDrainsTheChunksEndToEnd() throws Exception {
    ChunksInputStream stream =
        new ChunksInputStream(List.of(chunk("abc"), chunk(""), chunk("defg")));
    assertThat(stream.available()).isEqualTo(7);
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    assertThat(stream.drainTo(out)).isEqualTo(7);

    assertThat(out.toString(java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("abcdefg");
    assertThat(stream.available()).isZero();
  }

  @Test
  void requestStreamReadsAcrossChunkBoundaries() {
    ChunksInputStream stream =
        new ChunksInputStream(List.of(chunk("abc"), chunk("defg")));
    byte[] buffer = new byte[5];
    assertThat(stream.read(buffer, 0, 5)).isEqualTo(5);
    assertThat(new String(buffer, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("abcde");
    assertThat(stream.read()).isEqualTo('f');
    assertThat(stream.available()).isEqualTo(1);
    assertThat(stream.read(buffer, 0, 5)).isEqualTo(1);
    assertThat(stream.read(buffer, 0, 5)).isEqualTo(-1);
    assertThat(stream.read()).isEqualTo(-1);
  }

  @Test
  void plaintextSenderDeliversEncodedChunksAsOneRequest() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      GrpcSender sender =
          GrpcSender.createPlaintext(Signal.SPANS, java.net.URI.create(receiver.endpoint()));
      try {
        ChunkEncoder<SpanData> encoder = ChunkEncoder.spans();
        List<SpanData> first = TestData.spans(3, "a");
        List<SpanData> second = TestData.spans(2, "b");
        SendOutcome outcome =
            sender.send(
                List.of(encoder.encode(first, 3, 0), encoder.encode(second, 2, 0)),
                java.util.concurrent.TimeUnit.SECONDS.toNanos(10));

        assertThat(outcome.kind()).isEqualTo(SendOutcome.Kind.SUCCESS);
        assertThat(receiver.spanCount()).isEqualTo(5);
        assertThat(receiver.requestCount()).isEqualTo(1);
      } finally {
        sender.close(java.util.concurrent.TimeUnit.SECONDS.toNanos(5));
      }
    }
  }

  @Test
  void theSignalsShareOneChannelAndConnectionAndAClosingOneCancelsOnlyItsOwnCalls() throws Exception {
    long tenSeconds = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      int openBefore = GrpcChannels.open();
      java.net.URI endpoint = java.net.URI.create(receiver.endpoint());
      GrpcSender spans = GrpcSender.createPlaintext(Signal.SPANS, endpoint);
      GrpcSender logs = GrpcSender.createPlaintext(Signal.LOGS, endpoint);
      List<Chunk> records = List.of(ChunkEncoder.logs().encode(TestData.logs(3), 3, 0));
      List<Chunk> twoSpans = List.of(ChunkEncoder.spans().encode(TestData.spans(2, "s"), 2, 0));
      try {
        assertThat(spans.sharesChannelWith(logs)).isTrue();
        assertThat(GrpcChannels.open()).isEqualTo(openBefore + 1);
        assertThat(spans.send(twoSpans, tenSeconds).kind()).isEqualTo(SendOutcome.Kind.SUCCESS);
        assertThat(logs.send(records, tenSeconds).kind()).isEqualTo(SendOutcome.Kind.SUCCESS);
        assertThat(receiver.grpcConnectionCount()).isEqualTo(1); // both signals' calls on one connection

        // Both under way at the backend; the spans' sender closes: its call ends, the logs' goes on.
        receiver.setLatency(java.time.Duration.ofSeconds(1));
        java.util.concurrent.CompletableFuture<SendOutcome> spansUnderWay = spans.sendAsync(twoSpans, tenSeconds);
        java.util.concurrent.CompletableFuture<SendOutcome> logsUnderWay = logs.sendAsync(records, tenSeconds);
        spans.close(tenSeconds);
        assertThat(spansUnderWay.get(5, java.util.concurrent.TimeUnit.SECONDS).status()).isEqualTo("CANCELLED");
        assertThat(logsUnderWay).isNotDone();
        assertThat(logsUnderWay.get(5, java.util.concurrent.TimeUnit.SECONDS).kind()).isEqualTo(SendOutcome.Kind.SUCCESS);
        assertThat(receiver.logRecordCount()).isEqualTo(6);
        long requests = receiver.requestCount();
        assertThat(spans.send(twoSpans, tenSeconds).status()).isEqualTo("CANCELLED"); // closed: sends nothing
        assertThat(spans.sendAsync(twoSpans, tenSeconds).get(5, java.util.concurrent.TimeUnit.SECONDS).status())
            .isEqualTo("CLOSED");
        assertThat(receiver.requestCount()).isEqualTo(requests);
        assertThat(GrpcChannels.open()).isEqualTo(openBefore + 1);
      } finally {
        spans.close(0);
        logs.close(tenSeconds);
      }
      assertThat(GrpcChannels.open()).isEqualTo(openBefore);
      assertThat(
              Thread.getAllStackTraces().keySet().stream()
                  .filter(Thread::isAlive)
                  .map(Thread::getName)
                  .filter(name -> name.startsWith("levee-grpc-io")))
          .as("the last sender to close shuts the channel's event loop down")
          .isEmpty();
    }
  }

  @Test
  void sendersWithOtherHeadersOrEndpointsGetChannelsOfTheirOwn() throws Exception {
    try (OtlpReceiver first = OtlpReceiver.start();
        OtlpReceiver second = OtlpReceiver.start()) {
      GrpcSender a = GrpcSender.createPlaintext(Signal.SPANS, java.net.URI.create(first.endpoint()));
      GrpcSender b = GrpcSender.createPlaintext(Signal.SPANS, java.net.URI.create(second.endpoint()));
      try {
        assertThat(a.sharesChannelWith(b)).isFalse();
        List<Chunk> oneSpan = List.of(ChunkEncoder.spans().encode(TestData.spans(1, "x"), 1, 0));
        long tenSeconds = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        assertThat(a.send(oneSpan, tenSeconds).kind()).isEqualTo(SendOutcome.Kind.SUCCESS);
        assertThat(b.send(oneSpan, tenSeconds).kind()).isEqualTo(SendOutcome.Kind.SUCCESS);
        assertThat(first.spanCount()).isEqualTo(1);
        assertThat(second.spanCount()).isEqualTo(1);

        // Headers go on the channel (an interceptor), so other headers are another channel.
        java.net.URI endpoint = java.net.URI.create(first.endpoint());
        Leases.Lease<GrpcChannels.Channel> tenantA = GrpcChannels.acquire(endpoint, false, java.util.Map.of("x-tenant", "a"), null);
        Leases.Lease<GrpcChannels.Channel> tenantB = GrpcChannels.acquire(endpoint, false, java.util.Map.of("x-tenant", "b"), null);
        Leases.Lease<GrpcChannels.Channel> tenantAAgain = GrpcChannels.acquire(endpoint, false, java.util.Map.of("x-tenant", "a"), null);
        assertThat(tenantA.get().channel()).isNotSameAs(tenantB.get().channel());
        assertThat(tenantAAgain.get().channel()).isSameAs(tenantA.get().channel());
        tenantA.release(0);
        tenantB.release(0);
        tenantAAgain.release(0);
      } finally {
        a.close(0);
        b.close(0);
      }
    }
  }

  @Test
  void plaintextSenderRefusesATlsEndpoint() {
    assertThatThrownBy(
            () -> GrpcSender.createPlaintext(Signal.SPANS, java.net.URI.create("https://collector:4317")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("createPlaintext takes an http:// endpoint, was https://collector:4317");
  }
}
