package dev.levee.config.agent;

import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizer;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizerProvider;

/**
 * Inside the agent, hands the customization to {@code dev.levee.config.LeveeProcessorCustomizer}
 * (Levee's processor in place of the batch processor, and its classes loaded ahead), made from
 * {@link LeveeClassLoader}.
 */
public final class ProcessorCustomizer implements AutoConfigurationCustomizerProvider {
  static final String IMPLEMENTATION = "dev.levee.config.LeveeProcessorCustomizer";

  private final Lazy<AutoConfigurationCustomizerProvider> levee =
      new Lazy<>(IMPLEMENTATION, AutoConfigurationCustomizerProvider.class);

  @Override
  public void customize(AutoConfigurationCustomizer autoConfiguration) {
    levee.get().customize(autoConfiguration);
  }

  @Override
  public int order() {
    return levee.get().order();
  }
}
