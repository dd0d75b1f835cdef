package dev.levee.config.internal;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The last-resort exporters used when Levee cannot be built: they never throw, never block, and
 * count what they discard, reporting the total at shutdown.
 *
 * <p>Internal, may change.
 */
public final class DiscardingExporters {
  private static final Logger logger = Logger.getLogger(DiscardingExporters.class.getName());

  private DiscardingExporters() {}

  /** What a fallback exporter discarded, reported at shutdown. */
  private static final class Tally {
    private final String what;
    private final AtomicLong discarded = new AtomicLong();

    Tally(String what) {
      this.what = what;
    }

    CompletableResultCode discard(long items) {
      discarded.addAndGet(items);
      return CompletableResultCode.ofFailure();
    }

    CompletableResultCode report() {
      logger.warning("Levee fallback exporter discarded " + discarded.get() + " " + what + ".");
      return CompletableResultCode.ofSuccess();
    }
  }

  /** A span exporter that discards. */
  public static final class Spans implements SpanExporter {
    private final Tally tally = new Tally("spans");

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      return tally.discard(spans.size());
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return tally.report();
    }

    public long discarded() {
      return tally.discarded.get();
    }
  }

  /** A metric exporter that discards. */
  public static final class Metrics implements MetricExporter {
    private final Tally tally = new Tally("metric data points");

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
      return AggregationTemporality.CUMULATIVE;
    }

    @Override
    public CompletableResultCode export(Collection<MetricData> metrics) {
      long points = 0;
      for (MetricData metric : metrics) {
        points += metric.getData().getPoints().size();
      }
      return tally.discard(points);
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return tally.report();
    }

    public long discarded() {
      return tally.discarded.get();
    }
  }

  /** A log record exporter that discards. */
  public static final class Logs implements LogRecordExporter {
    private final Tally tally = new Tally("log records");

    @Override
    public CompletableResultCode export(Collection<LogRecordData> logs) {
      return tally.discard(logs.size());
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return tally.report();
    }

    public long discarded() {
      return tally.discarded.get();
    }
  }
}
