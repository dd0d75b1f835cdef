package dev.levee.config.internal;

import dev.levee.exporter.LeveeExporter;
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

  /** Remembers an exporter (any of Levee's; others are ignored). Returns it. */
  public synchronized <T> T remember(T exporter) {
    created.add(exporter);
    return exporter;
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
          levee.registerMetrics(meterProvider);
        }
      } catch (Throwable t) {
        logger.log(Level.WARNING, "Levee could not register its self-metrics; exporting goes on without them", t);
      }
    }
  }
}
