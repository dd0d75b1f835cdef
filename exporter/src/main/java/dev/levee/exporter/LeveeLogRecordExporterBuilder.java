package dev.levee.exporter;

import dev.levee.exporter.internal.encode.ChunkEncoder;
import dev.levee.exporter.internal.Fanout;
import dev.levee.exporter.internal.Pipeline;
import io.opentelemetry.sdk.logs.data.LogRecordData;

/** Builds a {@link LeveeLogRecordExporter}. Not thread-safe. */
public final class LeveeLogRecordExporterBuilder
    extends LeveeExporterBuilder<LeveeLogRecordExporterBuilder> {

  LeveeLogRecordExporterBuilder() {}

  @Override
  LeveeLogRecordExporterBuilder self() {
    return this;
  }

  /** Builds the exporter and starts its dispatcher thread. */
  public LeveeLogRecordExporter build() {
    ChunkEncoder<LogRecordData> encoder = ChunkEncoder.logs();
    java.util.List<Pipeline<LogRecordData>> pipelines = buildPipelines(encoder);
    Fanout<LogRecordData> fanout = fanout(encoder, pipelines);
    return fanout == null ? new LeveeLogRecordExporter(pipelines.get(0)) : new LeveeLogRecordExporter(fanout);
  }
}
