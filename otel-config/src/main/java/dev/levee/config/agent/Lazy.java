package dev.levee.config.agent;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.internal.AutoConfigureListener;

/**
 * One of Levee's implementations, made from {@link LeveeClassLoader} when first asked for, then
 * kept.
 *
 * <p>Internal, may change.
 */
final class Lazy<T> {
  private final String className;
  private final Class<T> type;
  private volatile T made;

  Lazy(String className, Class<T> type) {
    this.className = className;
    this.type = type;
  }

  T get() {
    T it = made;
    if (it == null) {
      synchronized (this) {
        it = made;
        if (it == null) {
          it = Levee.create(className, type);
          made = it;
        }
      }
    }
    return it;
  }

  /**
   * Hands the built SDK on to the implementation, if it was made and listens for it (the SDK calls
   * this after the exporters are built, so one not made by then never will be).
   */
  void afterAutoConfigure(OpenTelemetrySdk sdk) {
    if (made instanceof AutoConfigureListener listener) {
      listener.afterAutoConfigure(sdk);
    }
  }

  String className() {
    return className;
  }
}
