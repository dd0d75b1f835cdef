package dev.levee.exporter;

import dev.levee.exporter.internal.encode.ChunkEncoder;
import dev.levee.exporter.internal.Fanout;
import dev.levee.exporter.internal.Pipeline;
import io.opentelemetry.sdk.trace.data.SpanData;

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
    ChunkEncoder<SpanData> encoder = ChunkEncoder.spans();
    java.util.List<Pipeline<SpanData>> pipelines = buildPipelines(encoder);
    Fanout<SpanData> fanout = fanout(encoder, pipelines);
    return fanout == null ? new LeveeSpanExporter(pipelines.get(0)) : new LeveeSpanExporter(fanout);
  }
}
