package dev.levee.config.agent;

import io.opentelemetry.api.incubator.config.DeclarativeConfigProperties;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.internal.AutoConfigureListener;
import io.opentelemetry.sdk.autoconfigure.spi.internal.ComponentProvider;

/**
 * Inside the agent, one of Levee's declarative-configuration components ({@code levee} in a
 * configuration file): hands every call to Levee's provider of that component, made from {@link
 * LeveeClassLoader} when first asked. Where the SDK lacks the declarative API, that provider
 * answers a type no SDK asks for, so {@link #create} is never called there.
 *
 * <p>Public so that its subclasses inherit its methods as they are: for a package-private class,
 * javac would copy each public method into every subclass, and those copies, which name the
 * declarative API, would be in classes the oldest agents load.
 */
@SuppressWarnings("rawtypes")
public abstract class Component implements ComponentProvider, AutoConfigureListener {
  private final Lazy<ComponentProvider> levee;

  Component(String implementation) {
    this.levee = new Lazy<>(implementation, ComponentProvider.class);
  }

  @Override
  public Class<?> getType() {
    return levee.get().getType();
  }

  @Override
  public String getName() {
    return levee.get().getName();
  }

  @Override
  public Object create(DeclarativeConfigProperties config) {
    return levee.get().create(config);
  }

  @Override
  public void afterAutoConfigure(OpenTelemetrySdk sdk) {
    levee.afterAutoConfigure(sdk);
  }

  String implementation() {
    return levee.className();
  }
}
