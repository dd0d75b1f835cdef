package dev.levee.config.internal;

import io.opentelemetry.api.incubator.config.DeclarativeConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.internal.ComponentProvider;

/**
 * Probes for the declarative-configuration API Levee's component providers need. The only class
 * outside them that names it, and only called inside a {@code LinkageError} guard ({@link
 * Compatibility}): on an older SDK the class does not link.
 *
 * <p>Internal, may change.
 */
final class DeclarativeApi {
  private DeclarativeApi() {}

  /**
   * Whether {@code ComponentProvider.create(DeclarativeConfigProperties)} and {@code
   * DeclarativeConfigProperties.toMap} exist. Class literals, not names: inside the agent the API's
   * incubator classes are shaded, and the extension loader remaps references in bytecode but not
   * strings.
   */
  static boolean present() {
    try {
      ComponentProvider.class.getMethod("create", DeclarativeConfigProperties.class);
      DeclarativeConfigProperties.class.getMethod("toMap", DeclarativeConfigProperties.class);
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }
}
