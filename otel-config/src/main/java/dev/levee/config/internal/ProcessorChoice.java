package dev.levee.config.internal;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code otel.exporter.levee.[signal.]processor}: {@code levee} (the default), Levee's processor
 * in place of the SDK's batch processor, or {@code batch}, the SDK's batch processor kept. A bad
 * value is named in one SEVERE line and the default holds.
 */
public final class ProcessorChoice {
  private static final Logger logger = Logger.getLogger(ProcessorChoice.class.getName());
  public static final String KEY = "processor";

  private ProcessorChoice() {}

  /** Whether Levee's processor takes the batch processor's place for this signal. */
  public static boolean leveeProcessor(LeveeProperties properties) {
    return properties
        .levee(KEY)
        .map(
            found -> {
              try {
                return LeveeProperties.parseChoice(found, "levee", "batch").equals("levee");
              } catch (ConfigurationException e) {
                logger.log(
                    Level.SEVERE,
                    "Levee configuration error: " + e.getMessage() + "; using levee instead");
                return true;
              }
            })
        .orElse(true);
  }
}
