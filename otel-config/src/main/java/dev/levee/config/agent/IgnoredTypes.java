package dev.levee.config.agent;

import dev.levee.exporter.internal.JournalLoader;
import io.opentelemetry.javaagent.extension.ignore.IgnoredTypesBuilder;
import io.opentelemetry.javaagent.extension.ignore.IgnoredTypesConfigurer;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;

/**
 * Keeps the agent's instrumentation away from the class loaders Levee makes: {@link
 * LeveeClassLoader} (Levee itself, with its gRPC and Netty) and the journal's (Chronicle Queue).
 * The agent ignores the extension's own loader already, but not a loader the extension makes;
 * without this, each of their classes would be matched against every instrumentation as it loads,
 * and Levee's own threads and requests could be instrumented, for no telemetry. Classes the
 * application loads itself are left to the agent.
 */
public final class IgnoredTypes implements IgnoredTypesConfigurer {

  /** The form every agent from 2.10.0 calls. */
  @Override
  public void configure(IgnoredTypesBuilder builder, ConfigProperties config) {
    ignoreLeveesLoaders(builder);
  }

  /**
   * The form newer agents declare beside the other (overriding it there, without
   * {@code @Override} as the oldest agent's interface lacks it), should one call only this.
   */
  public void configure(IgnoredTypesBuilder builder) {
    ignoreLeveesLoaders(builder);
  }

  static void ignoreLeveesLoaders(IgnoredTypesBuilder builder) {
    builder.ignoreClassLoader(Levee.loaderClassName());
    // A constant: the name is compiled in, JournalLoader is not loaded here.
    builder.ignoreClassLoader(JournalLoader.CLASS_LOADER_NAME);
  }
}
