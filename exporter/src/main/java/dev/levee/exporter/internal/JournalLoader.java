package dev.levee.exporter.internal;

import dev.levee.buffer.ChunkJournal;
import dev.levee.buffer.ChunkJournalFactory;
import dev.levee.buffer.JournalOptions;
import dev.levee.buffer.Signal;
import dev.levee.buffer.internal.JavaBaseAccess;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Iterator;
import java.util.ServiceLoader;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Finds the journal implementation and opens journals with it.
 *
 * <p>Chronicle Queue cannot run from the agent's extension class loader: its static initialisers
 * turn every class-loader URL into a file path and fail on the agent's {@code otel:/} URLs. So the
 * extension jar carries the journal module and Chronicle as a nested jar ({@value #INNER_JAR}),
 * which is copied to a private file and loaded by a class loader of its own, whose parent is the
 * extension's loader (so both share the SPI types). Chronicle also needs {@code java.base}
 * internals; they are opened to that loader's unnamed module only, through the agent's {@link
 * Instrumentation}, so the user adds no JVM flags. Chronicle appends its jar to the {@code
 * java.class.path} property; the property is restored.
 *
 * <p>On a plain class path (the SDK without the agent, tests) the implementation is found with
 * {@link ServiceLoader}, and the JVM flags in the README are needed.
 *
 * <p>Internal, may change. Thread-safe.
 */
public final class JournalLoader {
  private static final Logger logger = Logger.getLogger(JournalLoader.class.getName());
  static final String INNER_JAR = "META-INF/levee/journal.jar";
  private static final String HOLDER = "io.opentelemetry.javaagent.bootstrap.InstrumentationHolder";

  private static ChunkJournalFactory factory;

  private JournalLoader() {}

  /**
   * Opens one signal's journal. Synchronized: the three signals' dispatchers open their journals
   * one after the other, so that Chronicle's start-up (class loading, mostly) takes one core, not
   * all of them, while the application starts.
   */
  public static synchronized ChunkJournal open(JournalOptions options) throws IOException {
    quietChronicle();
    ChunkJournalFactory journals = factory();
    String classPath = System.getProperty("java.class.path");
    try {
      return journals.open(options);
    } catch (RuntimeException | LinkageError e) {
      throw new IOException("Cannot open the journal in " + options.directory() + ": " + e, e);
    } finally {
      if (classPath != null && !classPath.equals(System.getProperty("java.class.path"))) {
        System.setProperty("java.class.path", classPath);
      }
    }
  }

  /**
   * Everything before a first open that cannot be done once the JVM is shutting down: the private
   * class loader (its jar is deleted on exit), access to {@code java.base}, and Chronicle's classes
   * that register shutdown hooks. After this, {@link #open} works from a shutdown hook too.
   */
  public static synchronized void prepare() throws IOException {
    quietChronicle();
    String classPath = System.getProperty("java.class.path");
    try {
      factory().prepare();
    } catch (RuntimeException | LinkageError e) {
      throw new IOException("Cannot prepare the journal: " + e, e);
    } finally {
      if (classPath != null && !classPath.equals(System.getProperty("java.class.path"))) {
        System.setProperty("java.class.path", classPath);
      }
    }
  }

  /** Chronicle prints a banner and usage hints unless told not to. */
  private static void quietChronicle() {
    for (String property : new String[] {"chronicle.announcer.disable", "disable.resource.warning"}) {
      try {
        if (System.getProperty(property) == null) {
          System.setProperty(property, "true");
        }
      } catch (SecurityException e) {
        // only noise is at stake
      }
    }
  }

  static synchronized ChunkJournalFactory factory() throws IOException {
    if (factory != null) {
      return factory;
    }
    ClassLoader own = JournalLoader.class.getClassLoader();
    URL inner = own.getResource(INNER_JAR);
    ClassLoader loader = own;
    if (inner != null) {
      loader = new JournalClassLoader(copyInnerJar(inner), own);
    }
    if (!grantJavaBaseAccess(loader.getUnnamedModule())) {
      throw new IOException(
          "The journal needs access to JDK internals that could not be granted: run inside the"
              + " OpenTelemetry Java agent, or add --add-exports=java.base/sun.nio.ch=ALL-UNNAMED"
              + " --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED"
              + " --add-opens=java.base/java.lang.reflect=ALL-UNNAMED"
              + " --add-opens=java.base/java.nio=ALL-UNNAMED");
    }
    Iterator<ChunkJournalFactory> found = ServiceLoader.load(ChunkJournalFactory.class, loader).iterator();
    if (!found.hasNext()) {
      throw new IOException(
          "The journal is not available: the extension jar holds no "
              + INNER_JAR
              + " and levee-persistent-queue is not on the class path");
    }
    factory = found.next();
    return factory;
  }

  private static URL copyInnerJar(URL inner) throws IOException {
    Path copy =
        Files.createTempFile(
            "levee-journal-",
            ".jar",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    copy.toFile().deleteOnExit();
    try (InputStream in = inner.openStream()) {
      Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
    }
    return copy.toUri().toURL();
  }

  /**
   * Exports and opens the {@code java.base} packages Chronicle uses to {@code target} only.
   * Returns whether they are accessible now (granted here, or already by JVM flags).
   */
  static boolean grantJavaBaseAccess(Module target) {
    if (JavaBaseAccess.hasAccess(target)) {
      return true;
    }
    Instrumentation instrumentation = agentInstrumentation();
    if (instrumentation == null) {
      return false;
    }
    try {
      JavaBaseAccess.grant(instrumentation, target);
    } catch (RuntimeException e) {
      logger.log(Level.WARNING, "Levee could not open java.base to its journal", e);
      return false;
    }
    return JavaBaseAccess.hasAccess(target);
  }

  /** The agent's Instrumentation: internal to the agent, so looked up reflectively, or null. */
  private static Instrumentation agentInstrumentation() {
    try {
      Class<?> holder = Class.forName(HOLDER, true, null);
      return (Instrumentation) holder.getMethod("getInstrumentation").invoke(null);
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      return null;
    }
  }

  /** The journal's own loader; a named class so the agent's ignore rules can match it. */
  static final class JournalClassLoader extends URLClassLoader {
    static {
      registerAsParallelCapable();
    }

    JournalClassLoader(URL jar, ClassLoader parent) {
      super("levee-journal", new URL[] {jar}, parent);
    }
  }
}
