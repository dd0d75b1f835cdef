package dev.levee.exporter;

import dev.levee.exporter.internal.Fanout;
import dev.levee.exporter.internal.Pipeline;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import java.util.Collection;

/**
 * A {@link LogRecordExporter} that accepts log records at once, keeps them in a bytes-bounded
 * memory tier, and delivers them over OTLP/gRPC from its own thread.
 *
 * <p>{@link #export} encodes the batch once and returns without waiting on the network; it never
 * throws. Thread-safe.
 */
public final class LeveeLogRecordExporter extends LeveeExporter<LogRecordData> implements LogRecordExporter {

  LeveeLogRecordExporter(Pipeline<LogRecordData> pipeline) {
    super(pipeline);
  }

  LeveeLogRecordExporter(Fanout<LogRecordData> fanout) {
    super(fanout);
  }

  public static LeveeLogRecordExporterBuilder builder() {
    return new LeveeLogRecordExporterBuilder();
  }

  @Override
  public CompletableResultCode export(Collection<LogRecordData> logs) {
    return exportBatch(logs);
  }

}
