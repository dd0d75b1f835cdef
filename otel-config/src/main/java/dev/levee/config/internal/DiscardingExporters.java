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

  private static CompletableResultCode report(String what, AtomicLong discarded) {
    logger.warning("Levee fallback exporter discarded " + discarded.get() + " " + what + ".");
    return CompletableResultCode.ofSuccess();
  }

  /** A span exporter that discards. */
  public static final class Spans implements SpanExporter {
    private final AtomicLong discarded = new AtomicLong();

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      discarded.addAndGet(spans.size());
      return CompletableResultCode.ofFailure();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return report("spans", discarded);
    }

    public long discarded() {
      return discarded.get();
    }
  }

  /** A metric exporter that discards. */
  public static final class Metrics implements MetricExporter {
    private final AtomicLong discarded = new AtomicLong();

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
      return AggregationTemporality.CUMULATIVE;
    }

    @Override
    public CompletableResultCode export(Collection<MetricData> metrics) {
      for (MetricData metric : metrics) {
        discarded.addAndGet(metric.getData().getPoints().size());
      }
      return CompletableResultCode.ofFailure();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return report("metric data points", discarded);
    }

    public long discarded() {
      return discarded.get();
    }
  }

  /** A log record exporter that discards. */
  public static final class Logs implements LogRecordExporter {
    private final AtomicLong discarded = new AtomicLong();

    @Override
    public CompletableResultCode export(Collection<LogRecordData> logs) {
      discarded.addAndGet(logs.size());
      return CompletableResultCode.ofFailure();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return report("log records", discarded);
    }

    public long discarded() {
      return discarded.get();
    }
  }
}
