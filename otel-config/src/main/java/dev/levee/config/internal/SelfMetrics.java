package dev.levee.config.internal;

import dev.levee.exporter.LeveeExporter;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.metrics.MeterProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Registers the self-metrics of the exporters a provider created, once the SDK exists.
 *
 * <p>The agent's SDK does not exist yet when {@code createExporter} runs (and calling {@code
 * GlobalOpenTelemetry} there fails the agent's start), so each provider remembers what it created
 * and registers the instruments in {@code afterAutoConfigure}, on the SDK's own meter provider:
 * the self-metrics then go wherever the application's metrics go, through Levee, the OTLP
 * exporter, or nowhere. Never throws.
 *
 * <p>Internal, may change. Thread-safe.
 */
public final class SelfMetrics {
  private static final Logger logger = Logger.getLogger(SelfMetrics.class.getName());

  private final List<Object> created = new ArrayList<>();
  private boolean registered;
  private boolean waitingForGlobal;

  static final java.time.Duration GLOBAL_WAIT = java.time.Duration.ofMinutes(10);

  /**
   * {@code GlobalOpenTelemetry.isSet()} (API 1.57 and later), or null. Without it there is no way to
   * learn that the global instance is set without setting a no-op one ({@code get()} does), so
   * self-metrics of exporters built from a declarative file are then left to the application
   * ({@code LeveeExporter.registerMetrics}), as the start-up line says.
   */
  private static final java.lang.invoke.MethodHandle IS_SET = isSetHandle();

  /** Whether exporters built from a declarative file register their self-metrics themselves. */
  static boolean registersFromDeclarativeFiles() {
    return IS_SET != null;
  }

  private static java.lang.invoke.MethodHandle isSetHandle() {
    try {
      return java.lang.invoke.MethodHandles.publicLookup()
          .findStatic(
              GlobalOpenTelemetry.class, "isSet", java.lang.invoke.MethodType.methodType(boolean.class));
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return null;
    }
  }
  private static final long GLOBAL_POLL_MILLIS = 50;

  /** Remembers an exporter (any of Levee's; others are ignored). Returns it. */
  public synchronized <T> T remember(T exporter) {
    created.add(exporter);
    return exporter;
  }

  /**
   * Registers on {@code GlobalOpenTelemetry}'s meter provider as soon as it is set, from a short-lived
   * daemon thread that polls {@code GlobalOpenTelemetry.isSet()} (which, unlike {@code get()},
   * does not set a no-op instance as a side effect) for up to {@link #GLOBAL_WAIT}. For SDKs built
   * from a declarative configuration file, which do not call {@code afterAutoConfigure}. Starts
   * the thread once; does nothing if already registered.
   */
  public synchronized void registerOnGlobalWhenSet() {
    if (registered || waitingForGlobal || IS_SET == null) {
      return;
    }
    waitingForGlobal = true;
    Thread thread =
        new Thread(
            () -> {
              long deadline = System.nanoTime() + GLOBAL_WAIT.toNanos();
              try {
                while (!(boolean) IS_SET.invokeExact()) {
                  if (System.nanoTime() - deadline > 0) {
                    logger.info(
                        "Levee's self-metrics are not registered: no global OpenTelemetry was set"
                            + " within "
                            + GLOBAL_WAIT.toMinutes()
                            + " minutes (register them with LeveeExporter.registerMetrics)");
                    return;
                  }
                  Thread.sleep(GLOBAL_POLL_MILLIS);
                }
                register(GlobalOpenTelemetry.getMeterProvider());
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (Throwable t) {
                logger.log(Level.WARNING, "Levee could not register its self-metrics; exporting goes on without them", t);
              }
            },
            "levee-self-metrics");
    thread.setDaemon(true);
    thread.start();
  }

  /** Registers every remembered exporter's self-metrics on {@code meterProvider}, once. */
  public synchronized void register(MeterProvider meterProvider) {
    if (registered) {
      return;
    }
    registered = true;
    for (Object exporter : created) {
      try {
        if (exporter instanceof LeveeExporter<?> levee) {
          levee.registerMetricsWhenNeeded(meterProvider);
        }
      } catch (Throwable t) {
        logger.log(Level.WARNING, "Levee could not register its self-metrics; exporting goes on without them", t);
      }
    }
  }
}
