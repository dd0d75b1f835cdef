package dev.levee.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.levee.testing.OtlpReceiver;
import dev.levee.testing.Ports;
import dev.levee.testing.TestData;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.export.AggregationTemporalitySelector;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LeveeExportersTest {
  private final OtlpReceiver receiver = OtlpReceiver.start();

  @AfterEach
  void stopReceiver() {
    receiver.close();
  }


  private static void assertReconciled(LeveeStats stats) {
    assertThat(stats.offered())
        .as(stats.summary())
        .isEqualTo(stats.delivered() + stats.droppedTotal() + stats.pending());
  }

  private static void assertNoLeveeThreads() {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(Thread.getAllStackTraces().keySet())
                    .filteredOn(Thread::isAlive)
                    .extracting(Thread::getName)
                    .noneMatch(name -> name.startsWith("levee-")));
  }

  @Test
  void deliversSpansAndFlushWaitsForThem() {
    LeveeSpanExporter exporter =
        LeveeSpanExporter.builder()
            .setEndpoint(receiver.endpoint())
            .setCompression("gzip")
            .addHeader("Authorization", "Bearer s3cret")
            .build();

    assertThat(exporter.export(TestData.spans(10, "first")).isSuccess()).isTrue();
    assertThat(exporter.export(TestData.spans(5, "second")).isSuccess()).isTrue();
    CompletableResultCode flush = exporter.flush().join(10, TimeUnit.SECONDS);

    assertThat(flush.isSuccess()).isTrue();
    assertThat(receiver.spanCount()).isEqualTo(15);
    assertThat(receiver.spans()).extracting(s -> s.span().getName()).contains("first-0", "second-4");
    assertThat(receiver.spans().get(0).serviceName()).isEqualTo("levee-test");
    assertThat(receiver.lastHeader("authorization")).contains("Bearer s3cret");
    assertThat(receiver.lastHeader("grpc-encoding")).contains("gzip");
    LeveeStats stats = exporter.stats();
    assertThat(stats.delivered()).isEqualTo(15);
    assertThat(stats.droppedTotal()).isZero();
    assertReconciled(stats);
    assertThat(exporter.shutdown().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    assertNoLeveeThreads();
  }

  @Test
  void deliversMetricsWithTheTemporalityAskedFor() {
    LeveeMetricExporter exporter =
        LeveeMetricExporter.builder()
            .setEndpoint(receiver.endpoint())
            .setAggregationTemporalitySelector(AggregationTemporalitySelector.deltaPreferred())
            .build();
    try {
      assertThat(exporter.getAggregationTemporality(InstrumentType.COUNTER))
          .isEqualTo(AggregationTemporality.DELTA);
      assertThat(exporter.getAggregationTemporality(InstrumentType.UP_DOWN_COUNTER))
          .isEqualTo(AggregationTemporality.CUMULATIVE);

      exporter.export(TestData.metrics());
      assertThat(exporter.flush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();

      assertThat(receiver.dataPointCount()).isEqualTo(3);
      assertThat(receiver.metrics())
          .extracting(m -> m.metric().getName())
          .containsExactlyInAnyOrder("test.requests", "test.latency");
      assertThat(exporter.stats().delivered()).isEqualTo(3);
    } finally {
      exporter.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void deliversLogRecords() {
    LeveeLogRecordExporter exporter =
        LeveeLogRecordExporter.builder().setEndpoint(receiver.endpoint()).build();
    try {
      exporter.export(TestData.logs(7));
      assertThat(exporter.flush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      assertThat(receiver.logRecordCount()).isEqualTo(7);
      assertThat(receiver.logs().get(6).log().getBody().getStringValue()).isEqualTo("log 6");
    } finally {
      exporter.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void countsWhatAFullMemoryTierTurnsAway() throws IOException {
    LeveeSpanExporter exporter =
        LeveeSpanExporter.builder()
            .setEndpoint(Ports.closedPortEndpoint())
            .setMemoryLimitBytes(4096)
            .setShutdownTimeout(Duration.ofMillis(200))
            .build();
    int offered = 0;
    int refused = 0;
    for (int i = 0; i < 20; i++) {
      if (!exporter.export(TestData.spans(10, "burst")).isSuccess()) {
        refused++;
      }
      offered += 10;
    }

    LeveeStats stats = exporter.stats();
    assertThat(refused).isPositive();
    assertThat(stats.dropped(DropReason.MEMORY_FULL)).isEqualTo(refused * 10L);
    assertThat(stats.offered()).isEqualTo(offered);
    assertThat(stats.memoryUsedBytes()).isLessThanOrEqualTo(4096);
    assertReconciled(stats);
    exporter.shutdown().join(10, TimeUnit.SECONDS);
  }

  @Test
  void overTheRateLimitWithTheDropPolicyDataIsTurnedAwayAndCounted() {
    LeveeSpanExporter exporter =
        LeveeSpanExporter.builder()
            .setEndpoint(receiver.endpoint())
            .setRateLimit(100, 0, Duration.ofSeconds(1)) // a burst of 100 spans
            .setRateLimitPolicy("drop")
            .build();
    try {
      int refused = 0;
      for (int i = 0; i < 10; i++) {
        if (!exporter.export(TestData.spans(50, "fast")).isSuccess()) {
          refused++;
        }
      }
      assertThat(exporter.flush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();

      LeveeStats stats = exporter.stats();
      assertThat(refused).isPositive();
      assertThat(stats.dropped(DropReason.RATE_LIMITED)).isEqualTo(refused * 50L);
      assertThat(stats.delivered()).isEqualTo(500 - refused * 50L);
      assertThat(receiver.spanCount()).isEqualTo(stats.delivered());
      assertReconciled(stats);
    } finally {
      exporter.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  /**
   * An exporter with 8 KiB of memory and {@code policy}, in front of a backend that fails every
   * call (until {@code receiver.clearFaults()}) and asks for a retry after 200 ms. Requests are at
   * most 2 KiB, so the one in flight (which no policy can evict) is a small part of memory.
   */
  private LeveeSpanExporter behindAFailingBackend(String policy) {
    receiver.failNext(100_000, io.grpc.Status.UNAVAILABLE, Duration.ofMillis(200));
    return LeveeSpanExporter.builder()
        .setEndpoint(receiver.endpoint())
        .setMemoryLimitBytes(8192)
        .setMaxBatchBytes(2048)
        .setOverflowPolicy(policy)
        .build();
  }

  @Test
  void dropOldestKeepsTheNewestDataWhenMemoryIsFull() {
    LeveeSpanExporter exporter = behindAFailingBackend("drop_oldest");
    try {
      for (int i = 0; i < 30; i++) {
        assertThat(exporter.export(TestData.spans(10, "batch" + i)).isSuccess()).isTrue();
      }
      receiver.clearFaults();
      assertThat(exporter.flush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();

      LeveeStats stats = exporter.stats();
      assertThat(stats.dropped(DropReason.MEMORY_FULL)).isPositive();
      assertThat(stats.delivered() + stats.dropped(DropReason.MEMORY_FULL)).isEqualTo(300);
      assertReconciled(stats);
      // The newest batch arrived (drop_newest would have lost it); what is missing is exactly
      // what was counted, all of it older than the newest batches.
      List<Integer> arrived =
          receiver.spans().stream()
              .map(s -> Integer.parseInt(s.span().getName().replaceAll("batch(\\d+)-\\d+", "$1")))
              .distinct()
              .sorted()
              .toList();
      List<Integer> missing =
          java.util.stream.IntStream.range(0, 30).boxed().filter(i -> !arrived.contains(i)).toList();
      assertThat(arrived).contains(29);
      assertThat(missing).isNotEmpty();
      assertThat(missing.size() * 10L).isEqualTo(stats.dropped(DropReason.MEMORY_FULL));
      assertThat(missing.get(missing.size() - 1)).isLessThan(29);
    } finally {
      exporter.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void thePriorityPolicyKeepsErrorsWhenRoutineDataIsDropped() {
    LeveeSpanExporter exporter = behindAFailingBackend("priority");
    try {
      for (int i = 0; i < 30; i++) {
        List<io.opentelemetry.sdk.trace.data.SpanData> batch = new java.util.ArrayList<>(TestData.spans(10, "routine" + i));
        batch.add(
            span("0af7651916cd43dd8448eb211c80319c", "error" + i, io.opentelemetry.sdk.trace.data.StatusData.error()));
        exporter.export(batch);
      }
      receiver.clearFaults();
      assertThat(exporter.flush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();

      LeveeStats stats = exporter.stats();
      assertThat(stats.dropped(DropReason.MEMORY_FULL)).as(stats.summary()).isPositive();
      assertThat(receiver.spans().stream().filter(s -> s.span().getName().startsWith("error")).count())
          .isEqualTo(30);
      assertReconciled(stats);
    } finally {
      exporter.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  /** {@code count} spans of one trace. */
  private static List<io.opentelemetry.sdk.trace.data.SpanData> trace(String traceId, int count) {
    List<io.opentelemetry.sdk.trace.data.SpanData> spans = new java.util.ArrayList<>();
    for (int i = 0; i < count; i++) {
      spans.add(span(traceId, "step" + i, io.opentelemetry.sdk.trace.data.StatusData.ok()));
    }
    return spans;
  }

  private static io.opentelemetry.sdk.trace.data.SpanData span(
      String traceId, String name, io.opentelemetry.sdk.trace.data.StatusData status) {
    return io.opentelemetry.sdk.testing.trace.TestSpanData.builder()
        .setResource(TestData.RESOURCE)
        .setSpanContext(
            io.opentelemetry.api.trace.SpanContext.create(
                traceId,
                TestData.nextSpanId(),
                io.opentelemetry.api.trace.TraceFlags.getSampled(),
                io.opentelemetry.api.trace.TraceState.getDefault()))
        .setName(name)
        .setKind(io.opentelemetry.api.trace.SpanKind.INTERNAL)
        .setStartEpochNanos(1)
        .setEndEpochNanos(2)
        .setStatus(status)
        .setHasEnded(true)
        .setTotalRecordedEvents(0)
        .setTotalRecordedLinks(0)
        .build();
  }

  @Test
  void downsampleKeepsWholeTracesWhenMemoryIsFull() {
    receiver.failNext(100_000, io.grpc.Status.UNAVAILABLE, Duration.ofMillis(200));
    LeveeSpanExporter exporter =
        LeveeSpanExporter.builder()
            .setEndpoint(receiver.endpoint())
            .setMemoryLimitBytes(4096)
            .setMaxBatchBytes(1024)
            .setOverflowPolicy("downsample")
            .setDownsampleRatio(3)
            .build();
    java.util.Random random = new java.util.Random(42);
    try {
      for (int i = 0; i < 60; i++) {
        String traceId = String.format("%016x%016x", random.nextLong(), random.nextLong());
        exporter.export(trace(traceId, 5));
      }
      receiver.clearFaults();
      assertThat(exporter.flush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();

      LeveeStats stats = exporter.stats();
      assertThat(stats.dropped(DropReason.DOWNSAMPLED)).as(stats.summary()).isPositive();
      assertReconciled(stats);
      java.util.Map<com.google.protobuf.ByteString, Long> spansPerTrace =
          receiver.spans().stream()
              .collect(
                  java.util.stream.Collectors.groupingBy(
                      s -> s.span().getTraceId(), java.util.stream.Collectors.counting()));
      assertThat(spansPerTrace.values()).as("every trace that arrived is whole").containsOnly(5L);
      assertThat(stats.dropped(DropReason.DOWNSAMPLED) % 5).isZero();
    } finally {
      exporter.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void overTheRateLimitWithTheSamplePolicyWholeTracesAreKeptAndTheRestCounted() {
    LeveeSpanExporter exporter =
        LeveeSpanExporter.builder()
            .setEndpoint(receiver.endpoint())
            .setRateLimit(100, 0, Duration.ofSeconds(1))
            .setRateLimitPolicy("sample")
            .build();
    java.util.Random random = new java.util.Random(3);
    try {
      for (int batch = 0; batch < 10; batch++) {
        List<io.opentelemetry.sdk.trace.data.SpanData> spans = new java.util.ArrayList<>();
        for (int t = 0; t < 10; t++) {
          spans.addAll(trace(String.format("%016x%016x", random.nextLong(), random.nextLong()), 5));
        }
        exporter.export(spans);
      }
      assertThat(exporter.flush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();

      LeveeStats stats = exporter.stats();
      assertThat(stats.offered()).isEqualTo(500);
      assertThat(stats.dropped(DropReason.RATE_LIMITED)).as(stats.summary()).isPositive();
      assertThat(stats.delivered()).isEqualTo(receiver.spanCount());
      assertReconciled(stats);
      java.util.Map<com.google.protobuf.ByteString, Long> spansPerTrace =
          receiver.spans().stream()
              .collect(
                  java.util.stream.Collectors.groupingBy(
                      s -> s.span().getTraceId(), java.util.stream.Collectors.counting()));
      assertThat(spansPerTrace.values()).as("every trace that arrived is whole").containsOnly(5L);
    } finally {
      exporter.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void blockMakesExportWaitForRoomSoNothingIsDropped() {
    receiver.setLatency(Duration.ofMillis(20));
    LeveeSpanExporter exporter =
        LeveeSpanExporter.builder()
            .setEndpoint(receiver.endpoint())
            .setMemoryLimitBytes(4096) // about two batches
            .setOverflowPolicy("block")
            .setOverflowBlockTimeout(Duration.ofSeconds(30))
            .build();
    try {
      for (int i = 0; i < 20; i++) {
        assertThat(exporter.export(TestData.spans(10, "paced")).isSuccess()).isTrue();
      }
      assertThat(exporter.flush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();

      LeveeStats stats = exporter.stats();
      assertThat(stats.droppedTotal()).isZero();
      assertThat(stats.delivered()).isEqualTo(200);
      assertThat(receiver.spanCount()).isEqualTo(200);
      assertReconciled(stats);
    } finally {
      exporter.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void failsOverToTheSecondEndpointWhenTheFirstIsDown() {
    LeveeSpanExporter exporter =
        LeveeSpanExporter.builder()
            .setEndpoints(List.of(Ports.closedPortEndpoint(), receiver.endpoint()))
            .setCircuitBreakerWindow(2)
            .setCircuitBreakerMinimumCalls(2)
            .setCircuitBreakerOpenWait(Duration.ofMinutes(10))
            .build();
    try {
      for (int i = 0; i < 5; i++) {
        exporter.export(TestData.spans(10, "failover"));
      }
      assertThat(exporter.flush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();

      LeveeStats stats = exporter.stats();
      assertThat(receiver.spanCount()).isEqualTo(50);
      assertThat(stats.delivered()).isEqualTo(50);
      assertThat(stats.retries()).isEqualTo(2); // the first endpoint, until its breaker opened
      assertThat(stats.breakerOpenings()).isEqualTo(1);
      assertReconciled(stats);
    } finally {
      exporter.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void roundRobinWithOneEndpointResolvesItsNameAndDelivers() {
    // "localhost" may resolve to 127.0.0.1 and ::1; the receiver listens on the first only, and
    // gRPC's round_robin keeps to the addresses that answer.
    LeveeSpanExporter exporter =
        LeveeSpanExporter.builder()
            .setEndpoint("http://localhost:" + receiver.port())
            .setEndpointMode("round_robin")
            .build();
    try {
      for (int i = 0; i < 5; i++) {
        exporter.export(TestData.spans(4, "fleet"));
      }
      assertThat(exporter.flush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();
      assertThat(receiver.spanCount()).isEqualTo(20);
      assertReconciled(exporter.stats());
    } finally {
      exporter.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void shutdownWithTheBackendDownEndsAndCountsWhatWasNotDelivered() throws IOException {
    LeveeSpanExporter exporter =
        LeveeSpanExporter.builder()
            .setEndpoint(Ports.closedPortEndpoint())
            .setShutdownTimeout(Duration.ofMillis(500))
            .build();
    exporter.export(TestData.spans(25, "lost"));

    CompletableResultCode shutdown = exporter.shutdown().join(10, TimeUnit.SECONDS);

    assertThat(shutdown.isSuccess()).isTrue();
    LeveeStats stats = exporter.stats();
    assertThat(stats.dropped(DropReason.SHUTDOWN)).isEqualTo(25);
    assertThat(stats.pending()).isZero();
    assertThat(stats.memoryUsedBytes()).isZero();
    assertReconciled(stats);
    assertNoLeveeThreads();
  }

  @Test
  void shutdownIsIdempotentAndLaterExportsAreCounted() {
    LeveeLogRecordExporter exporter =
        LeveeLogRecordExporter.builder().setEndpoint(receiver.endpoint()).build();
    CompletableResultCode first = exporter.shutdown();
    assertThat(exporter.shutdown()).isSameAs(first);
    assertThat(first.join(10, TimeUnit.SECONDS).isSuccess()).isTrue();

    assertThat(exporter.export(TestData.logs(3)).isSuccess()).isFalse();

    LeveeStats stats = exporter.stats();
    assertThat(stats.dropped(DropReason.SHUTDOWN)).isEqualTo(3);
    assertReconciled(stats);
  }

  @Test
  void settersNameTheBadValue() {
    assertThatThrownBy(() -> LeveeSpanExporter.builder().setEndpoint("localhost:4317"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "endpoint must be a URL with scheme http or https and a host, was 'localhost:4317'");
    assertThatThrownBy(() -> LeveeSpanExporter.builder().setMemoryLimitBytes(-1))
        .hasMessage("memoryLimitBytes must be positive, was -1");
    assertThatThrownBy(() -> LeveeSpanExporter.builder().setCompression("zstd"))
        .hasMessage("compression must be none or gzip, was 'zstd'");
    assertThatThrownBy(() -> LeveeSpanExporter.builder().setTimeout(Duration.ZERO))
        .hasMessage("timeout must be positive, was PT0S");
  }

  @Test
  void toStringRedactsHeaderValuesAndTheAdminToken() {
    LeveeSpanExporter exporter =
        LeveeSpanExporter.builder()
            .setEndpoint(receiver.endpoint())
            .addHeader("authorization", "Bearer s3cret")
            .setAdminEndpoint("127.0.0.1", 0, "adm1n-t0ken")
            .build();
    try {
      assertThat(exporter.toString())
          .contains("authorization=***")
          .contains("(token set)")
          .doesNotContain("s3cret")
          .doesNotContain("adm1n-t0ken");
    } finally {
      exporter.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void theReceiverCanWriteWhatItGetsAsJsonLines(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path file = dir.resolve("received.jsonl");
    try (OtlpReceiver jsonReceiver = OtlpReceiver.start(0, false, file)) {
      LeveeSpanExporter exporter =
          LeveeSpanExporter.builder().setEndpoint(jsonReceiver.endpoint()).build();
      exporter.export(TestData.spans(2, "json"));
      exporter.flush().join(10, TimeUnit.SECONDS);
      exporter.shutdown().join(10, TimeUnit.SECONDS);
      assertThat(jsonReceiver.spanCount()).isEqualTo(2);
      assertThat(jsonReceiver.spans()).as("counting only").isEmpty();
    }
    List<String> lines = java.nio.file.Files.readAllLines(file);
    assertThat(lines).singleElement().asString()
        .startsWith("{\"signal\":\"traces\",\"request\":{\"resourceSpans\":")
        .contains("\"name\":\"json-0\"")
        .contains("\"name\":\"json-1\"");
  }

  @Test
  void honoursABackendThatThrottlesWithRetryInfo() {
    receiver.failNext(1, io.grpc.Status.RESOURCE_EXHAUSTED.withDescription("over quota"), Duration.ofMillis(200));
    LeveeSpanExporter exporter = LeveeSpanExporter.builder().setEndpoint(receiver.endpoint()).build();
    try {
      exporter.export(TestData.spans(4, "throttled"));
      assertThat(exporter.flush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();

      assertThat(receiver.failedCallCount()).isEqualTo(1);
      assertThat(receiver.spanCount()).isEqualTo(4);
      LeveeStats stats = exporter.stats();
      assertThat(stats.retries()).isEqualTo(1);
      assertThat(stats.delivered()).isEqualTo(4);
      assertReconciled(stats);
    } finally {
      exporter.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void dropsWhatTheBackendRefusesPermanentlyAsRejected() {
    receiver.failNext(1, io.grpc.Status.INVALID_ARGUMENT.withDescription("bad span"), null);
    LeveeSpanExporter exporter = LeveeSpanExporter.builder().setEndpoint(receiver.endpoint()).build();
    try {
      exporter.export(TestData.spans(6, "refused"));
      assertThat(exporter.flush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      exporter.export(TestData.spans(2, "accepted"));
      assertThat(exporter.flush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();

      assertThat(receiver.spanCount()).isEqualTo(2);
      LeveeStats stats = exporter.stats();
      assertThat(stats.dropped(DropReason.REJECTED)).isEqualTo(6);
      assertThat(stats.delivered()).isEqualTo(2);
      assertThat(stats.retries()).isZero();
      assertReconciled(stats);
    } finally {
      exporter.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void countsWhatABackendRejectsInAPartialSuccess() {
    receiver.rejectNext(1, 3, "3 spans too old");
    LeveeLogRecordExporter exporter =
        LeveeLogRecordExporter.builder().setEndpoint(receiver.endpoint()).build();
    try {
      exporter.export(TestData.logs(10));
      assertThat(exporter.flush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();

      LeveeStats stats = exporter.stats();
      assertThat(stats.delivered()).isEqualTo(receiver.logRecordCount() - receiver.rejectedItemCount());
      assertThat(stats.delivered()).isEqualTo(7);
      assertThat(stats.dropped(DropReason.REJECTED)).isEqualTo(3);
      assertReconciled(stats);
    } finally {
      exporter.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aMemoryLimitSmallerThanOneRequestIsNamedOnceWithTheSmallestThatWorks() {
    try (dev.levee.testing.LogCapture logged =
        dev.levee.testing.LogCapture.of(dev.levee.exporter.internal.Pipelines.class.getName())) {
      LeveeSpanExporter small =
          LeveeSpanExporter.builder()
              .setEndpoint(receiver.endpoint())
              .setMemoryLimitBytes(16 * 1024)
              .setMinBatchBytes(64 * 1024)
              .build();
      LeveeSpanExporter enough =
          LeveeSpanExporter.builder()
              .setEndpoint(receiver.endpoint())
              .setMemoryLimitBytes(64 * 1024)
              .setMinBatchBytes(64 * 1024)
              .build();
      try {
        assertThat(logged.messages(java.util.logging.Level.WARNING))
            .containsExactly(
                "Levee's memory for spans (16384 bytes, otel.exporter.levee.memory.limit) is"
                    + " smaller than one request (65536 bytes, otel.exporter.levee.batch.min.size):"
                    + " much of what the backend could take will be journaled or dropped. Set"
                    + " otel.exporter.levee.memory.limit to at least 65536 bytes, or lower"
                    + " batch.min.size.");
      } finally {
        small.shutdown().join(10, java.util.concurrent.TimeUnit.SECONDS);
        enough.shutdown().join(10, java.util.concurrent.TimeUnit.SECONDS);
      }
    }
  }
}
