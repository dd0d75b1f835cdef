package dev.levee.config.internal;

import dev.levee.exporter.internal.encode.RunningSdk;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Which agent and SDK Levee runs in, checked once: whether they are supported at all, and what of
 * the newer API they offer. Says so in one line per process: SEVERE for an agent older than
 * supported (the exporters then discard and count), otherwise one INFO line naming what is off.
 *
 * <p>Internal, may change. Thread-safe.
 */
public final class Compatibility {
  private static final Logger logger = Logger.getLogger(Compatibility.class.getName());

  /** The supported range, as the SEVERE line and README name it. */
  public static final String SUPPORTED =
      "OpenTelemetry Java agent 2.10.0 and later (SDK " + RunningSdk.OLDEST_SUPPORTED + " and later)";

  private static final AtomicBoolean reported = new AtomicBoolean();
  private static final boolean DECLARATIVE = detectDeclarative();

  private Compatibility() {}

  /**
   * Whether Levee can run here. The first call logs the one line about it; later calls only
   * answer.
   */
  public static boolean supported() {
    boolean supported = !RunningSdk.olderThanSupported();
    if (reported.compareAndSet(false, true)) {
      report(supported);
    }
    return supported;
  }

  /**
   * Whether the running SDK builds components from a declarative configuration through {@code
   * ComponentProvider.create(DeclarativeConfigProperties)}, with the {@code
   * DeclarativeConfigProperties.toMap} Levee reads a node with (SDK 1.54 and later). Where it does
   * not, Levee's component providers stay out of its way.
   */
  public static boolean declarativeComponents() {
    return DECLARATIVE;
  }

  /** The agent's version, or null when Levee is not running inside the agent. */
  static String agentVersion() {
    try {
      Class<?> agent =
          Class.forName(
              "io.opentelemetry.javaagent.OpenTelemetryAgent",
              false,
              ClassLoader.getSystemClassLoader());
      Package pkg = agent.getPackage();
      String version = pkg == null ? null : pkg.getImplementationVersion();
      return version == null ? "(version unknown)" : version;
    } catch (ClassNotFoundException | LinkageError | SecurityException e) {
      return null;
    }
  }

  /** What runs Levee, in words: "agent 2.10.0 (SDK 1.44.1)" or "SDK 1.67.0". */
  static String host() {
    String agent = agentVersion();
    return agent == null
        ? "OpenTelemetry SDK " + RunningSdk.version()
        : "OpenTelemetry Java agent " + agent + " (SDK " + RunningSdk.version() + ")";
  }

  /** What is off here, in words; empty when nothing is. */
  static List<String> featuresOff() {
    List<String> off = new ArrayList<>(RunningSdk.featuresOff());
    if (!DECLARATIVE) {
      off.add("the levee component in declarative configuration files (SDK 1.54+)");
    } else if (!SelfMetrics.registersFromDeclarativeFiles()) {
      off.add("self-metrics of exporters built from a declarative file (API 1.57+)");
    }
    return off;
  }

  private static void report(boolean supported) {
    logger.log(supported ? Level.INFO : Level.SEVERE, line(supported));
  }

  /** The one line about where Levee runs. */
  static String line(boolean supported) {
    if (!supported) {
      return "Levee does not support "
          + host()
          + "; it supports "
          + SUPPORTED
          + ". Levee's exporters will discard (and count) everything until the agent or SDK is"
          + " upgraded.";
    }
    List<String> off = featuresOff();
    return "Levee on "
        + host()
        + (off.isEmpty() ? ": every feature on." : ": off here: " + String.join(", ", off) + ".");
  }

  private static boolean detectDeclarative() {
    try {
      return DeclarativeApi.present();
    } catch (LinkageError | RuntimeException e) {
      return false;
    }
  }
}
