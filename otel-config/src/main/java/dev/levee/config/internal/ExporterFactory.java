package dev.levee.config.internal;

import dev.levee.buffer.Signal;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Creates an exporter so that nothing escapes: the agent treats an exception from {@code
 * createExporter} as fatal and starts the application with no telemetry at all.
 *
 * <p>Internal, may change.
 */
public final class ExporterFactory {
  private static final Logger logger = Logger.getLogger(ExporterFactory.class.getName());

  private ExporterFactory() {}

  /**
   * Builds with {@code create}; if that throws anything, logs it at SEVERE and returns {@code
   * fallback}'s exporter, which discards and counts. Inside an agent older than Levee supports,
   * returns the fallback straight away (see {@link Compatibility}).
   */
  public static <T> T create(
      Signal signal,
      ConfigProperties config,
      Function<BuilderConfigurer, T> create,
      Supplier<T> fallback) {
    return create(signal, () -> new LeveeProperties(config, signal), create, fallback);
  }

  /** As {@link #create(Signal, ConfigProperties, Function, Supplier)}, from properties made by {@code properties}. */
  public static <T> T create(
      Signal signal,
      Supplier<LeveeProperties> properties,
      Function<BuilderConfigurer, T> create,
      Supplier<T> fallback) {
    if (!Compatibility.supported()) {
      return fallback.get();
    }
    try {
      BuilderConfigurer configurer = new BuilderConfigurer(properties.get());
      T exporter = create.apply(configurer);
      logger.fine(() -> "Levee " + signal.lowerName() + " exporter created: " + exporter);
      return exporter;
    } catch (Throwable t) {
      logger.log(
          Level.SEVERE,
          "Levee could not start its "
              + signal.lowerName()
              + " exporter; "
              + signal.itemNoun()
              + " will be discarded (and counted) until the configuration is fixed and the"
              + " application restarted. Cause: "
              + t,
          t);
      return fallback.get();
    }
  }
}
