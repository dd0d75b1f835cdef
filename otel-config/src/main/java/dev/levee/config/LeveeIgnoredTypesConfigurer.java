package dev.levee.config;

import dev.levee.exporter.internal.JournalLoader;
import io.opentelemetry.javaagent.extension.ignore.IgnoredTypesBuilder;
import io.opentelemetry.javaagent.extension.ignore.IgnoredTypesConfigurer;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;

/**
 * Inside the agent, keeps the agent's instrumentation away from the journal: the classes of
 * Chronicle Queue and of Levee's journal module, loaded by Levee's own class loader ({@link
 * JournalLoader}), are neither matched nor rewritten. The agent ignores the extension's own loader
 * already, but not a loader the extension makes; without this, each of the journal's classes would
 * be matched against every instrumentation as it loads (on the dispatcher thread, while the journal
 * opens), for no telemetry. Chronicle classes the application loads itself are left to the agent.
 *
 * <p>Read only by the agent (its {@code ServiceLoader} over the extension jar); the interface comes
 * from the agent, so outside it this class is never loaded.
 */
public final class LeveeIgnoredTypesConfigurer implements IgnoredTypesConfigurer {

  /** The form every agent from 2.10.0 calls. */
  @Override
  public void configure(IgnoredTypesBuilder builder, ConfigProperties config) {
    ignoreTheJournal(builder);
  }

  /**
   * The form newer agents declare beside the other (overriding it there, without
   * {@code @Override} as the oldest agent's interface lacks it), should one call only this.
   */
  public void configure(IgnoredTypesBuilder builder) {
    ignoreTheJournal(builder);
  }

  static void ignoreTheJournal(IgnoredTypesBuilder builder) {
    builder.ignoreClassLoader(JournalLoader.CLASS_LOADER_NAME);
  }
}
