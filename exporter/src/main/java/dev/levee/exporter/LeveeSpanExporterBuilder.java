package dev.levee.exporter;

import dev.levee.exporter.internal.ChunkEncoder;

/** Builds a {@link LeveeSpanExporter}. Not thread-safe. */
public final class LeveeSpanExporterBuilder
    extends LeveeExporterBuilder<LeveeSpanExporterBuilder> {

  LeveeSpanExporterBuilder() {}

  @Override
  LeveeSpanExporterBuilder self() {
    return this;
  }

  /** Builds the exporter and starts its dispatcher thread. */
  public LeveeSpanExporter build() {
    return new LeveeSpanExporter(buildPipeline(ChunkEncoder.spans()));
  }
}
