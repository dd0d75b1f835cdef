package dev.levee.exporter.internal;

import dev.levee.buffer.Signal;
import dev.levee.exporter.LeveeHealth;
import dev.levee.exporter.LeveeMetrics;
import dev.levee.exporter.internal.dispatch.Dispatcher;
import dev.levee.exporter.internal.flow.RateLimiter;
import dev.levee.exporter.internal.management.AdminBinding;
import dev.levee.exporter.internal.management.DeferredMetrics;
import dev.levee.exporter.internal.management.ExporterMXBean;
import dev.levee.exporter.internal.management.ThrottledLogger;
import dev.levee.exporter.internal.management.Watch;
import dev.levee.exporter.internal.transport.Endpoints;
import dev.levee.exporter.internal.transport.TransportSettings;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.sdk.common.Clock;
import java.util.function.BooleanSupplier;

/**
 * How one {@link Pipeline} is seen from outside: its health, warnings and listeners ({@link
 * Watch}, looked after by the dispatcher thread), its JMX bean, its place on the admin endpoint,
 * and its self-metrics. Made with the pipeline; {@link #close} on the dispatcher thread, last.
 *
 * <p>Internal, may change. Thread-safe.
 */
final class PipelineManagement {
  private final Pipeline<?> pipeline;
  private final Signal signal;
  private final String componentName;
  private final ExporterSettings settings;
  private final Endpoints endpoints;
  private final Dispatcher dispatcher;
  private final Clock clock;
  private final Watch watch;
  private final ExporterMXBean mxBean;
  /** This exporter on the shared admin endpoint, or null. */
  private final AdminBinding admin;

  PipelineManagement(
      Pipeline<?> pipeline,
      String componentName,
      ExporterSettings settings,
      Endpoints endpoints,
      RateLimiter limiter,
      Dispatcher dispatcher,
      ThrottledLogger throttled) {
    this.pipeline = pipeline;
    this.signal = pipeline.signal();
    this.componentName = componentName;
    this.settings = settings;
    this.endpoints = endpoints;
    this.dispatcher = dispatcher;
    this.clock = settings.clock();
    this.watch =
        new Watch(
            signal,
            pipeline::stats,
            endpoints::targets,
            fanoutMember() ? endpoints.targets() : null,
            new Watch.Traits(
                settings.journal().enabled(),
                settings.admission().overflowPolicy().spillsToTheJournal(),
                settings.admission().rateLimit().limits()),
            throttled);
    this.mxBean = new ExporterMXBean(pipeline, endpoints, limiter, dispatcher.adaptive(), dispatcher);
    this.admin = AdminBinding.start(settings.admin(), adminName(), mxBean);
    // The JMX bean is registered from the dispatcher thread's ticks, when due (ExporterMXBean).
    watch.registerWhenDue(mxBean, componentName);
  }

  Watch watch() {
    return watch;
  }

  /** Whether the pipeline is one endpoint's of several that each get everything. */
  boolean fanoutMember() {
    return settings.transport().mode() == Endpoints.Mode.FANOUT;
  }

  /**
   * The name the admin endpoint serves this exporter under: the signal ({@code traces}), or with
   * fanout the signal and the endpoint ({@code traces/collector-a:4317}).
   */
  private String adminName() {
    return fanoutMember() ? signal.configName() + "/" + endpoints.targets() : signal.configName();
  }

  LeveeHealth health() {
    return watch.health(clock.nanoTime());
  }

  /** See {@link Pipeline#registerMetricsWhenNeeded}. */
  void registerMetricsWhenNeeded(MeterProvider meterProvider, BooleanSupplier closed) {
    DeferredMetrics deferred = new DeferredMetrics(() -> registerMetrics(meterProvider), closed);
    dispatcher.setRequestObserver(deferred);
    watch.registerMetricsWhenDue(deferred);
  }

  LeveeMetrics registerMetrics(MeterProvider meterProvider) {
    LeveeMetrics metrics =
        LeveeMetrics.register(
            meterProvider,
            componentName,
            pipeline::stats,
            this::health,
            settings.transport().endpoint().getHost(),
            TransportSettings.port(settings.transport().endpoint()),
            settings.transport().protocol().configName());
    dispatcher.setRequestObserver(metrics::recordRequest);
    return metrics;
  }

  /** Leaves JMX and the admin endpoint. */
  void close() {
    mxBean.unregister();
    if (admin != null) {
      admin.stop();
    }
  }
}
