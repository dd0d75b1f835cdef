package dev.levee.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.levee.testing.OtlpReceiver;
import dev.levee.testing.TestData;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.BatchLogRecordProcessor;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Levee's processors in front of real SDK providers, delivering to a real receiver: nothing is
 * queued by count, nothing lost, every item accounted for; and the SDK's batch processor around a
 * Levee exporter replaced, as autoconfigure builds it.
 */
class LeveeProcessorTest {
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

  private LeveeSpanExporter spanExporter() {
    return LeveeSpanExporter.builder().setEndpoint(receiver.endpoint()).build();
  }

  @Test
  void spansEndedOnManyThreadsAreAllDeliveredWithoutACountBoundedQueue() throws Exception {
    LeveeSpanExporter exporter = spanExporter();
    LeveeSpanProcessor processor = LeveeSpanProcessor.create(exporter);
    SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(processor).build();
    Tracer tracer = provider.get("levee-test");
    int threads = 4;
    int perThread = 5_000; // 20,000 spans at once: ten times the batch processor's queue
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> apps = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Thread app =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  return;
                }
                for (int i = 0; i < perThread; i++) {
                  tracer.spanBuilder("span-" + thread + "-" + i).startSpan().end();
                }
              });
      app.start();
      apps.add(app);
    }
    start.countDown();
    for (Thread app : apps) {
      app.join();
    }

    assertThat(provider.forceFlush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();

    assertThat(receiver.spanCount()).isEqualTo(threads * perThread);
    LeveeStats stats = exporter.stats();
    assertThat(stats.offered()).isEqualTo(threads * perThread);
    assertThat(stats.delivered()).isEqualTo(threads * perThread);
    assertThat(stats.droppedTotal()).isZero();
    assertReconciled(stats);
    assertThat(provider.shutdown().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
  }

  @Test
  void onlySampledSpansAreExported() {
    LeveeSpanExporter exporter = spanExporter();
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setSampler(Sampler.alwaysOff())
            .addSpanProcessor(LeveeSpanProcessor.create(exporter))
            .build();
    provider.get("levee-test").spanBuilder("not sampled").startSpan().end();
    provider.forceFlush().join(10, TimeUnit.SECONDS);
    assertThat(exporter.stats().offered()).isZero();
    provider.shutdown().join(10, TimeUnit.SECONDS);
  }

  @Test
  void shutdownDeliversWhatTheStageHoldsAndCountsWhatEndsAfterIt() {
    LeveeSpanExporter exporter = spanExporter();
    SdkTracerProvider provider =
        SdkTracerProvider.builder().addSpanProcessor(LeveeSpanProcessor.create(exporter)).build();
    Tracer tracer = provider.get("levee-test");
    Span late = tracer.spanBuilder("ends after shutdown").startSpan();
    for (int i = 0; i < 300; i++) {
      tracer.spanBuilder("span-" + i).startSpan().end();
    }

    assertThat(provider.shutdown().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    late.end(); // a processor that was shut down still hears of spans that end later

    assertThat(receiver.spanCount()).isEqualTo(300);
    LeveeStats stats = exporter.stats();
    assertThat(stats.delivered()).isEqualTo(300);
    assertThat(stats.dropped()).containsEntry(DropReason.SHUTDOWN, 1L);
    assertThat(stats.offered()).isEqualTo(301);
    assertReconciled(stats);
  }

  @Test
  void theBatchProcessorAroundALeveeExporterIsReplacedAndTheExporterOutlivesIt() {
    LeveeSpanExporter exporter = spanExporter();
    SpanProcessor batch = BatchSpanProcessor.builder(exporter).build();

    SpanProcessor replaced = LeveeSpanProcessor.replacing(batch, 100);

    assertThat(replaced).isInstanceOf(LeveeSpanProcessor.class);
    assertThat(((LeveeSpanProcessor) replaced).exporter()).isSameAs(exporter);
    // The retired batch processor shut its exporter down; Levee's processor still delivers.
    assertThat(batch.shutdown().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(replaced).build();
    for (int i = 0; i < 250; i++) {
      provider.get("levee-test").spanBuilder("span-" + i).startSpan().end();
    }
    assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    assertThat(receiver.spanCount()).isEqualTo(250);
    assertThat(exporter.stats().delivered()).isEqualTo(250);
    assertThat(provider.shutdown().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    // The provider's shutdown, through Levee's processor, stopped the exporter.
    assertThat(exporter.export(TestData.spans(1, "late")).isSuccess()).isFalse();
    assertThat(exporter.stats().dropped()).containsEntry(DropReason.SHUTDOWN, 1L);
  }

  @Test
  void otherProcessorsAreLeftAsTheyAre() {
    LeveeSpanExporter exporter = spanExporter();
    try {
      SpanProcessor simple = SimpleSpanProcessor.create(exporter);
      assertThat(LeveeSpanProcessor.replacing(simple, 512)).isSameAs(simple);
      SpanProcessor otherBatch =
          BatchSpanProcessor.builder(io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter.create())
              .build();
      assertThat(LeveeSpanProcessor.replacing(otherBatch, 512)).isSameAs(otherBatch);
      otherBatch.shutdown().join(10, TimeUnit.SECONDS);
    } finally {
      exporter.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void logRecordsEmittedAreDeliveredAndTheBatchProcessorIsReplaced() {
    LeveeLogRecordExporter exporter =
        LeveeLogRecordExporter.builder().setEndpoint(receiver.endpoint()).build();
    LogRecordProcessor replaced =
        LeveeLogRecordProcessor.replacing(BatchLogRecordProcessor.builder(exporter).build(), 512);
    assertThat(replaced).isInstanceOf(LeveeLogRecordProcessor.class);
    SdkLoggerProvider provider = SdkLoggerProvider.builder().addLogRecordProcessor(replaced).build();
    Logger logger = provider.get("levee-test");
    for (int i = 0; i < 3_000; i++) {
      logger.logRecordBuilder().setBody("log " + i).emit();
    }

    assertThat(provider.shutdown().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();

    assertThat(receiver.logRecordCount()).isEqualTo(3_000);
    LeveeStats stats = exporter.stats();
    assertThat(stats.delivered()).isEqualTo(3_000);
    assertReconciled(stats);
  }
}
