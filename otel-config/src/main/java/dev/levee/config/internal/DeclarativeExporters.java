package dev.levee.config.internal;

import dev.levee.buffer.Signal;
import io.opentelemetry.api.incubator.config.DeclarativeConfigProperties;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Creates an exporter from its node in a declarative configuration file; like {@link
 * ExporterFactory}, nothing escapes.
 *
 * <p>Internal, may change.
 */
public final class DeclarativeExporters {
  private static final Logger logger = Logger.getLogger(DeclarativeExporters.class.getName());

  private DeclarativeExporters() {}

  /**
   * Builds with {@code create} from the YAML node; warns once, naming them, about keys Levee does
   * not know (a misspelt key would otherwise be silently ignored); falls back to {@code fallback}'s
   * exporter, which discards and counts, if anything fails.
   */
  public static <T> T create(
      Signal signal,
      DeclarativeConfigProperties node,
      Function<BuilderConfigurer, T> create,
      Supplier<T> fallback) {
    DeclarativeProperties yaml;
    try {
      yaml = DeclarativeProperties.from(node);
    } catch (Throwable t) {
      logger.log(
          Level.SEVERE,
          "Levee could not read the declarative configuration of its "
              + signal.lowerName()
              + " exporter; "
              + signal.itemNoun()
              + " will be discarded (and counted) until it is fixed and the application restarted."
              + " Cause: "
              + t.getMessage(),
          t);
      return fallback.get();
    }
    LeveeProperties[] used = new LeveeProperties[1];
    T exporter =
        ExporterFactory.create(
            signal, () -> used[0] = yaml.properties(signal), create, fallback);
    try {
      if (used[0] != null) {
        Set<String> unknown = yaml.unknownKeys(used[0]);
        if (!unknown.isEmpty()) {
          logger.warning(
              "Levee ignores unknown keys of its "
                  + signal.lowerName()
                  + " exporter in the declarative configuration: "
                  + String.join(", ", unknown)
                  + " (see the configuration reference in Levee's README)");
        }
      }
    } catch (Throwable t) {
      logger.log(Level.FINE, "Levee could not check the declarative configuration's keys", t);
    }
    return exporter;
  }
}
