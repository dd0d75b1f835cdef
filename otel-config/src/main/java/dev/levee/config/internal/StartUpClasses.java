package dev.levee.config.internal;

import dev.levee.config.agent.StartUpPack;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Loads the classes Levee's exporters are built from on a thread of its own, while autoconfigure
 * is still busy with the rest of the SDK, so that the thread that builds the SDK (under the agent,
 * the application's {@code main} thread, before {@code main}) finds them loaded.
 *
 * <p>Under the agent, Levee's classes come from its own class loader ({@code
 * dev.levee.config.agent.LeveeClassLoader}), which reads them from the extension jar already
 * relocated for the agent; some 140 are loaded before {@code main}, and reading, defining and
 * verifying them here runs beside the SDK's build instead of in it. (Until 2026-12-06 the agent's
 * extension loader rewrote each one with ASM as it read it; this thread then took 0.38 s for them
 * under agent 2.33.1 on two cores.) The classes are only loaded, not initialised: no class's
 * static initialiser runs on this thread, so it cannot wait on the builder's.
 *
 * <p>The names are in {@code start-up-classes.txt} beside this class, in the order the build needs
 * them; the extension jar also holds their files in that order in one piece, read at once ({@link
 * StartUpPack}). {@code StartupWorkIT} checks that every Levee class loaded before {@code main} is
 * there. Never throws: a name that does not load is passed over.
 *
 * <p>Internal, may change.
 */
public final class StartUpClasses {
  private static final Logger logger = Logger.getLogger(StartUpClasses.class.getName());
  static final String LIST = "start-up-classes.txt";
  private static final AtomicBoolean started = new AtomicBoolean();

  private StartUpClasses() {}

  /**
   * Starts loading them, once per class loader, if {@code config} picks Levee for a signal ({@code
   * otel.traces.exporter}, {@code otel.metrics.exporter} or {@code otel.logs.exporter}).
   */
  public static void loadIfLeveeExports(ConfigProperties config) {
    try {
      if (leveeExports(config) && started.compareAndSet(false, true)) {
        Thread thread = new Thread(StartUpClasses::loadAll, "levee-start-up-classes");
        thread.setDaemon(true);
        thread.start();
      }
    } catch (RuntimeException | Error e) {
      // Loading ahead only saves time: whatever stops it must not stop the SDK's build.
      logger.log(Level.FINE, "Levee did not load its classes ahead", e);
    }
  }

  static boolean leveeExports(ConfigProperties config) {
    for (String signal : new String[] {"traces", "metrics", "logs"}) {
      String value = config.getString("otel." + signal + ".exporter");
      if (value != null) {
        for (String name : value.split(",")) {
          if (name.trim().toLowerCase(Locale.ROOT).equals("levee")) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /**
   * Loads each listed class, their files read in one piece where the loader offers it (under the
   * agent, {@link StartUpPack}); returns how many loaded.
   */
  static int loadAll() {
    ClassLoader loader = StartUpClasses.class.getClassLoader();
    StartUpPack pack = loader instanceof StartUpPack offered ? offered : null;
    if (pack != null) {
      pack.readStartUpPack();
    }
    int loaded = 0;
    try (InputStream in = StartUpClasses.class.getResourceAsStream(LIST)) {
      if (in == null) {
        return 0;
      }
      BufferedReader names = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String name = names.readLine(); name != null; name = names.readLine()) {
        if (!name.isBlank() && load(name.trim(), loader)) {
          loaded++;
        }
      }
    } catch (IOException | RuntimeException e) {
      logger.log(Level.FINE, "Levee stopped loading its classes ahead", e);
    } finally {
      if (pack != null) {
        pack.forgetStartUpPack();
      }
    }
    return loaded;
  }

  private static boolean load(String name, ClassLoader loader) {
    try {
      Class.forName(name, false, loader);
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
