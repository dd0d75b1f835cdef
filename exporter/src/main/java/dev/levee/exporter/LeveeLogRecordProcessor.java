package dev.levee.exporter;

import dev.levee.exporter.internal.admission.Stage;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.logs.ReadWriteLogRecord;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.BatchLogRecordProcessor;

/**
 * Hands emitted log records to a {@link LeveeLogRecordExporter} with no count-bounded queue in
 * between, in place of the SDK's {@link BatchLogRecordProcessor}: emitting leaves the record in a
 * stage and returns; the exporter's dispatcher thread reads, encodes and places it. What bounds the
 * data is the exporter's {@code memory.limit}; every drop is the exporter's, with a reason. See
 * {@link LeveeSpanProcessor}.
 *
 * <p>The processor owns the exporter: shutting the processor down shuts the exporter down.
 * Thread-safe; {@link #onEmit} never blocks and never throws.
 */
public final class LeveeLogRecordProcessor implements LogRecordProcessor {
  private final LeveeLogRecordExporter exporter;
  private final Stage<ReadWriteLogRecord, LogRecordData> stage;

  private LeveeLogRecordProcessor(LeveeLogRecordExporter exporter, int batchItems) {
    this.exporter = exporter;
    this.stage = exporter.openStage(ReadWriteLogRecord::toLogRecordData, batchItems);
  }

  /** A processor in front of {@code exporter}, handing it batches of up to 512 log records. */
  public static LeveeLogRecordProcessor create(LeveeLogRecordExporter exporter) {
    return create(exporter, LeveeSpanProcessor.DEFAULT_BATCH_ITEMS);
  }

  /** A processor in front of {@code exporter}, handing it batches of up to {@code batchItems}. */
  public static LeveeLogRecordProcessor create(LeveeLogRecordExporter exporter, int batchItems) {
    return new LeveeLogRecordProcessor(exporter, batchItems);
  }

  /**
   * If {@code processor} is the SDK's batch processor around a Levee exporter (as autoconfigure
   * builds it for {@code otel.logs.exporter=levee}), a Levee processor in its place; any other
   * processor as it is. See {@link LeveeSpanProcessor#replacing}.
   */
  public static LogRecordProcessor replacing(LogRecordProcessor processor, int batchItems) {
    if (processor instanceof BatchLogRecordProcessor batch
        && batch.getLogRecordExporter() instanceof LeveeLogRecordExporter levee) {
      LeveeLogRecordProcessor replacement = create(levee, batchItems);
      levee.ownedByProcessor();
      batch.shutdown();
      return replacement;
    }
    return processor;
  }

  /** The exporter this processor hands log records to. */
  public LeveeLogRecordExporter exporter() {
    return exporter;
  }

  @Override
  public void onEmit(Context context, ReadWriteLogRecord logRecord) {
    if (logRecord != null) {
      stage.add(logRecord);
    }
  }

  /** Completes when every record emitted before the call is delivered, dropped or journaled. */
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
    return "LeveeLogRecordProcessor{" + exporter + "}";
  }
}
