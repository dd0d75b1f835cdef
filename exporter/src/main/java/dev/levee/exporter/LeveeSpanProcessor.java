package dev.levee.exporter;

import dev.levee.exporter.internal.admission.Stage;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;

/**
 * Hands ended spans to a {@link LeveeSpanExporter} with no count-bounded queue in between, in place
 * of the SDK's {@link BatchSpanProcessor}: {@code span.end()} leaves the span in a stage and
 * returns; the exporter's dispatcher thread encodes it and places it in memory or the journal.
 * What bounds the data is the exporter's {@code memory.limit} (the stage counts against it), and
 * every drop is the exporter's, with a reason. Only sampled spans are exported, as with the batch
 * processor.
 *
 * <p>The processor owns the exporter: shutting the processor down shuts the exporter down.
 *
 * <pre>{@code
 * LeveeSpanExporter exporter = LeveeSpanExporter.builder().build();
 * SdkTracerProvider.builder().addSpanProcessor(LeveeSpanProcessor.create(exporter)).build();
 * }</pre>
 *
 * Thread-safe; {@link #onEnd} never blocks and never throws.
 */
public final class LeveeSpanProcessor implements SpanProcessor {
  /** Items per batch handed to the exporter, as the batch processor's default export size. */
  public static final int DEFAULT_BATCH_ITEMS = 512;

  private final LeveeSpanExporter exporter;
  private final Stage<ReadableSpan, SpanData> stage;

  private LeveeSpanProcessor(LeveeSpanExporter exporter, int batchItems) {
    this.exporter = exporter;
    this.stage = exporter.openStage(ReadableSpan::toSpanData, batchItems);
  }

  /** A processor in front of {@code exporter}, handing it batches of up to 512 spans. */
  public static LeveeSpanProcessor create(LeveeSpanExporter exporter) {
    return create(exporter, DEFAULT_BATCH_ITEMS);
  }

  /**
   * A processor in front of {@code exporter}, handing it batches of up to {@code batchItems} spans
   * (each batch is one chunk in memory and the journal). One processor per exporter.
   */
  public static LeveeSpanProcessor create(LeveeSpanExporter exporter, int batchItems) {
    return new LeveeSpanProcessor(exporter, batchItems);
  }

  /**
   * If {@code processor} is the SDK's batch processor around a Levee exporter (as autoconfigure
   * builds it for {@code otel.traces.exporter=levee}), a Levee processor in its place: the batch
   * processor is shut down (its queue is empty, nothing has started yet) and the exporter kept.
   * Any other processor is returned as it is.
   */
  public static SpanProcessor replacing(SpanProcessor processor, int batchItems) {
    if (processor instanceof BatchSpanProcessor batch
        && batch.getSpanExporter() instanceof LeveeSpanExporter levee) {
      LeveeSpanProcessor replacement = create(levee, batchItems);
      levee.ownedByProcessor();
      batch.shutdown();
      return replacement;
    }
    return processor;
  }

  /** The exporter this processor hands spans to. */
  public LeveeSpanExporter exporter() {
    return exporter;
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {}

  @Override
  public boolean isStartRequired() {
    return false;
  }

  @Override
  public void onEnd(ReadableSpan span) {
    if (span != null && span.getSpanContext().isSampled()) {
      stage.add(span);
    }
  }

  @Override
  public boolean isEndRequired() {
    return true;
  }

  /** Completes when every span ended before the call is delivered, dropped or in the journal. */
  @Override
  public CompletableResultCode forceFlush() {
    return exporter.flush();
  }

  /** Hands on what the stage holds, then shuts the exporter down. */
  @Override
  public CompletableResultCode shutdown() {
    return exporter.stop();
  }

  @Override
  public String toString() {
    return "LeveeSpanProcessor{" + exporter + "}";
  }
}
