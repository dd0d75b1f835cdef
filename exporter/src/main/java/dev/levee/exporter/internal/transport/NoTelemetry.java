package dev.levee.exporter.internal.transport;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs code with OpenTelemetry instrumentation suppressed, so that the agent's instrumentation of
 * the JDK's HTTP client makes no spans (and injects no trace headers) for Levee's own requests.
 *
 * <p>The API's {@code InstrumentationUtil.suppressInstrumentation} moved between releases ({@code
 * io.opentelemetry.api.internal} up to SDK 1.5x, {@code io.opentelemetry.api.impl} since), and the
 * agent relocates the API's package for extensions; so the class is found beside the API as it is
 * loaded at run time, in either place. Without it (an API older than Levee supports) the code runs
 * as it is: requests may then be traced, nothing else changes. Internal, may change.
 */
final class NoTelemetry {
  private static final Logger logger = Logger.getLogger(NoTelemetry.class.getName());
  private static final MethodHandle SUPPRESS = find();

  private NoTelemetry() {}

  /** Runs {@code action} with instrumentation suppressed. */
  static void run(Runnable action) {
    if (SUPPRESS == null) {
      action.run();
      return;
    }
    try {
      SUPPRESS.invokeExact(action);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether suppression was found (for tests and the start-up line). */
  static boolean available() {
    return SUPPRESS != null;
  }

  private static MethodHandle find() {
    Class<?> anchor = io.opentelemetry.api.common.Attributes.class;
    String anchorName = anchor.getName();
    String api = anchorName.substring(0, anchorName.length() - "common.Attributes".length());
    for (String name : new String[] {"impl.InstrumentationUtil", "internal.InstrumentationUtil"}) {
      try {
        Class<?> util = Class.forName(api + name, true, anchor.getClassLoader());
        return MethodHandles.publicLookup()
            .findStatic(util, "suppressInstrumentation", MethodType.methodType(void.class, Runnable.class));
      } catch (ReflectiveOperationException | LinkageError | SecurityException e) {
        // not in this release: try the other place
      }
    }
    logger.log(
        Level.FINE,
        "Levee found no InstrumentationUtil beside " + anchorName + "; its HTTP requests are not marked"
            + " as the exporter's own");
    return null;
  }
}
