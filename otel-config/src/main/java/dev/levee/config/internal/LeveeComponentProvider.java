package dev.levee.config.internal;

import dev.levee.buffer.Signal;
import dev.levee.config.LeveeExporterNames;
import io.opentelemetry.api.incubator.config.DeclarativeConfigProperties;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.internal.AutoConfigureListener;
import io.opentelemetry.sdk.autoconfigure.spi.internal.ComponentProvider;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the three {@code ComponentProvider}s named {@code levee} share: build from the YAML node
 * through the same properties (never throwing), and register the self-metrics.
 *
 * <p>Internal, may change.
 *
 * @param <E> the SDK's exporter type of the signal
 */
public abstract class LeveeComponentProvider<E> implements ComponentProvider, AutoConfigureListener {
  private final SelfMetrics selfMetrics = new SelfMetrics();
  private final Class<E> type;
  private final Signal signal;
  private final Function<BuilderConfigurer, E> build;
  private final Supplier<E> discarding;

  protected LeveeComponentProvider(
      Class<E> type, Signal signal, Function<BuilderConfigurer, E> build, Supplier<E> discarding) {
    this.type = type;
    this.signal = signal;
    this.build = build;
    this.discarding = discarding;
  }

  /**
   * The SDK exporter type this provider makes; on an SDK whose {@code ComponentProvider} predates
   * {@code create(DeclarativeConfigProperties)} or lacks {@code DeclarativeConfigProperties.toMap}
   * (before 1.54), a type no SDK asks for, so the SDK
   * never picks a provider it could not call.
   */
  @Override
  public Class<?> getType() {
    return Compatibility.declarativeComponents() ? type : NotOnThisSdk.class;
  }

  /** The type a provider answers where the SDK cannot use it. */
  private static final class NotOnThisSdk {
    private NotOnThisSdk() {}
  }

  @Override
  public String getName() {
    return LeveeExporterNames.NAME;
  }

  @Override
  public E create(DeclarativeConfigProperties config) {
    E exporter = DeclarativeExporters.create(signal, config, build, discarding);
    selfMetrics.remember(exporterOf(exporter));
    // The SDK built from a file does not call afterAutoConfigure: register on the global meter
    // provider once the agent (or the application) has set it.
    selfMetrics.registerOnGlobalWhenSet();
    return exporter;
  }

  /** The exporter in what this provider made (a processor's exporter), for its self-metrics. */
  protected Object exporterOf(E made) {
    return made;
  }

  /** Registers the self-metrics on the SDK's meter provider, where the SDK calls this. */
  @Override
  public void afterAutoConfigure(OpenTelemetrySdk sdk) {
    selfMetrics.register(sdk.getMeterProvider());
  }
}
