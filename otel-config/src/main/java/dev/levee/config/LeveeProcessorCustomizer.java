package dev.levee.config;

import dev.levee.buffer.Signal;
import dev.levee.config.internal.LeveeProperties;
import dev.levee.config.internal.ProcessorChoice;
import dev.levee.config.internal.StartUpClasses;
import dev.levee.exporter.LeveeLogRecordProcessor;
import dev.levee.exporter.LeveeSpanProcessor;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizer;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizerProvider;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * With {@code otel.traces.exporter=levee} (or logs), autoconfigure (the agent, SDK autoconfigure,
 * the Spring Boot starter) builds the SDK's batch processor around Levee's exporter; this puts
 * Levee's processor in its place ({@link LeveeSpanProcessor}), so that no count-bounded queue sits
 * between the application and Levee's {@code memory.limit}. Processors around other exporters, and
 * the ones the user added, are left as they are. {@code otel.exporter.levee.processor=batch} keeps
 * the SDK's batch processor.
 *
 * <p>Of the batch processor's keys, {@code otel.bsp.max.export.batch.size} ({@code otel.blrp.*}
 * for logs) still means something: how many items one batch (one chunk in memory and the journal)
 * holds. The queue size, schedule delay and export timeout are replaced by {@code memory.limit},
 * {@code batch.linger} and {@code timeout}; when they are set, one line says so. Never throws: a
 * failure keeps the batch processor.
 */
public final class LeveeProcessorCustomizer implements AutoConfigurationCustomizerProvider {
  private static final Logger logger = Logger.getLogger(LeveeProcessorCustomizer.class.getName());

  @Override
  public void customize(AutoConfigurationCustomizer autoConfiguration) {
    // Runs first, before any exporter is built: see StartUpClasses.
    autoConfiguration.addPropertiesCustomizer(
        config -> {
          StartUpClasses.loadIfLeveeExports(config);
          return Map.of();
        });
    autoConfiguration.addSpanProcessorCustomizer(LeveeProcessorCustomizer::spans);
    autoConfiguration.addLogRecordProcessorCustomizer(LeveeProcessorCustomizer::logs);
  }

  static SpanProcessor spans(SpanProcessor processor, ConfigProperties config) {
    try {
      if (!replaces(config, Signal.SPANS)) {
        return processor;
      }
      SpanProcessor replaced =
          LeveeSpanProcessor.replacing(processor, batchItems(config, "otel.bsp."));
      if (replaced != processor) {
        sayWhatIsReplaced(config, "otel.bsp.", Signal.SPANS);
      }
      return replaced;
    } catch (RuntimeException | LinkageError e) {
      logger.log(Level.WARNING, "Levee keeps the SDK's batch span processor: " + e, e);
      return processor;
    }
  }

  static LogRecordProcessor logs(LogRecordProcessor processor, ConfigProperties config) {
    try {
      if (!replaces(config, Signal.LOGS)) {
        return processor;
      }
      LogRecordProcessor replaced =
          LeveeLogRecordProcessor.replacing(processor, batchItems(config, "otel.blrp."));
      if (replaced != processor) {
        sayWhatIsReplaced(config, "otel.blrp.", Signal.LOGS);
      }
      return replaced;
    } catch (RuntimeException | LinkageError e) {
      logger.log(Level.WARNING, "Levee keeps the SDK's batch log record processor: " + e, e);
      return processor;
    }
  }

  /** {@code otel.exporter.levee.[signal.]processor}: {@code levee} (the default) or {@code batch}. */
  private static boolean replaces(ConfigProperties config, Signal signal) {
    return ProcessorChoice.leveeProcessor(new LeveeProperties(config, signal));
  }

  /** Items per batch: {@code <prefix>max.export.batch.size}, else the batch processor's 512. */
  private static int batchItems(ConfigProperties config, String prefix) {
    String key = prefix + "max.export.batch.size";
    String value = config.getString(key);
    if (value == null || value.isBlank()) {
      return LeveeSpanProcessor.DEFAULT_BATCH_ITEMS;
    }
    try {
      int items = Integer.parseInt(value.trim());
      if (items > 0) {
        return items;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    logger.warning(
        "Levee ignores "
            + key
            + "="
            + value
            + ": not a positive whole number; using "
            + LeveeSpanProcessor.DEFAULT_BATCH_ITEMS);
    return LeveeSpanProcessor.DEFAULT_BATCH_ITEMS;
  }

  /** One line naming the batch processor's keys that were set and no longer apply. */
  private static void sayWhatIsReplaced(ConfigProperties config, String prefix, Signal signal) {
    List<String> replaced = new ArrayList<>();
    note(config, replaced, prefix + "max.queue.size", "otel.exporter.levee.memory.limit");
    note(config, replaced, prefix + "schedule.delay", "otel.exporter.levee.batch.linger");
    note(config, replaced, prefix + "export.timeout", "otel.exporter.levee.timeout");
    if (!replaced.isEmpty()) {
      logger.info(
          "Levee's processor takes the place of the SDK's batch processor for "
              + signal.itemNoun()
              + ": "
              + String.join(", ", replaced)
              + " (otel.exporter.levee.processor=batch keeps the batch processor).");
    }
  }

  private static void note(ConfigProperties config, List<String> out, String key, String by) {
    String value = config.getString(key);
    if (value != null && !value.isBlank()) {
      out.add(key + "=" + value.trim() + " is replaced by " + by);
    }
  }
}
