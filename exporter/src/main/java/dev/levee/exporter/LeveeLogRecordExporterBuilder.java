package dev.levee.exporter;

import dev.levee.exporter.internal.ChunkEncoder;

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
    return new LeveeLogRecordExporter(buildPipeline(ChunkEncoder.logs()));
  }
}
