package dev.levee.exporter.internal.management;

import dev.levee.exporter.LeveeMetrics;
import dev.levee.exporter.internal.dispatch.RequestObserver;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Self-metrics registered when first needed rather than while the application starts: at the
 * first request's outcome (registered, then that request recorded), or when the watch says so
 * ({@link Watch#registerMetricsWhenDue}), whichever comes first. Making the instruments loads a
 * few hundred of the SDK's and Levee's classes, tens of milliseconds in a cold JVM; nothing is
 * missed by waiting, since the other instruments read counters kept from the start. A request
 * settled once the exporter is stopping registers nothing: the meter provider is stopping too, and
 * a short-lived application's only request, at its exit, would wait for the instruments.
 *
 * <p>Internal, may change. Confined to the dispatcher thread.
 */
public final class DeferredMetrics implements RequestObserver {
  private static final Logger logger = Logger.getLogger(DeferredMetrics.class.getName());

  private final Supplier<LeveeMetrics> register;
  private final BooleanSupplier stopping;
  private LeveeMetrics metrics;
  private boolean failed;

  /**
   * @param register registers the instruments and starts recording requests on them
   * @param stopping whether the exporter is stopping
   */
  public DeferredMetrics(Supplier<LeveeMetrics> register, BooleanSupplier stopping) {
    this.register = register;
    this.stopping = stopping;
  }

  /** Registers them unless done (or failed) before; the registered metrics, or null. Never throws. */
  public LeveeMetrics register() {
    if (metrics == null && !failed) {
      try {
        metrics = register.get();
      } catch (Throwable t) {
        failed = true;
        logger.log(Level.WARNING, "Levee could not register its self-metrics; exporting goes on without them", t);
      }
    }
    return metrics;
  }

  @Override
  public void onRequest(long durationNanos, String status, boolean failedRequest) {
    if (metrics == null && stopping.getAsBoolean()) {
      return;
    }
    LeveeMetrics registered = register();
    if (registered != null) {
      registered.recordRequest(durationNanos, status, failedRequest);
    }
  }
}
