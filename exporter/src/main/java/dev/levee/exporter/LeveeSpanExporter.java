package dev.levee.exporter;

import dev.levee.exporter.internal.Fanout;
import dev.levee.exporter.internal.Pipeline;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;

/**
 * A {@link SpanExporter} that accepts spans at once, keeps them in a bytes-bounded memory tier,
 * and delivers them over OTLP/gRPC from its own thread.
 *
 * <p>{@link #export} encodes the batch once and returns without waiting on the network; it never
 * throws. Thread-safe.
 */
public final class LeveeSpanExporter extends LeveeExporter<SpanData> implements SpanExporter {

  LeveeSpanExporter(Pipeline<SpanData> pipeline) {
    super(pipeline);
  }

  LeveeSpanExporter(Fanout<SpanData> fanout) {
    super(fanout);
  }

  public static LeveeSpanExporterBuilder builder() {
    return new LeveeSpanExporterBuilder();
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    return exportBatch(spans);
  }

}
