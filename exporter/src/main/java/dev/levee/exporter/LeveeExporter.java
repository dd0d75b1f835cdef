package dev.levee.exporter;

import dev.levee.exporter.internal.Pipeline;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.sdk.common.CompletableResultCode;

/**
 * What Levee's three exporters share: flush, shutdown, and what they tell about themselves.
 *
 * @param <T> the SDK's data type of the signal
 */
public abstract class LeveeExporter<T> {
  final Pipeline<T> pipeline;

  LeveeExporter(Pipeline<T> pipeline) {
    this.pipeline = pipeline;
  }

  /** Completes when everything accepted before the call is delivered, dropped or in the journal. */
  public CompletableResultCode flush() {
    return pipeline.flush();
  }

  /**
   * Stops taking data, delivers what it holds until the shutdown timeout, moves the rest to the
   * journal (or drops it, counted), and releases every thread and connection. Idempotent.
   */
  public CompletableResultCode shutdown() {
    return pipeline.shutdown();
  }

  /** A snapshot of this exporter's counters. */
  public LeveeStats stats() {
    return pipeline.stats();
  }

  /** How the exporter is doing: OK, DEGRADED or FAILING, with reasons and advice. */
  public LeveeHealth health() {
    return pipeline.health();
  }

  /**
   * This exporter's name in its self-metrics ({@code otel.component.name}) and its JMX bean, e.g.
   * {@code levee_span_exporter/0}.
   */
  public String componentName() {
    return pipeline.componentName();
  }

  /**
   * Registers this exporter's self-metrics on {@code meterProvider} (the application's, so they go
   * wherever its metrics go); see {@link LeveeMetrics}. Close the result to unregister.
   */
  public LeveeMetrics registerMetrics(MeterProvider meterProvider) {
    return pipeline.registerMetrics(meterProvider);
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "{" + pipeline + "}";
  }
}
