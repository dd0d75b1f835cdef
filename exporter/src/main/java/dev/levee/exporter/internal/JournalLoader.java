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
import java.util.Arrays;
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
 * which is copied beside the journal, into a file named by its content ({@link #ownCopy}), and
 * loaded by a class loader of its own, whose parent is the extension's loader (so both share the
 * SPI types). The copy is kept for the next run rather than deleted on exit: a file deleted on exit
 * cannot be registered once the JVM is shutting down (where a short-lived application's journal
 * may first be needed), and one left by {@code kill -9} would be left for good. Chronicle also needs {@code java.base}
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
  /** The start of the name of the nested jar's copy beside the journal. */
  static final String COPY_PREFIX = "levee-journal-";
  /**
   * The name of the journal's class loader's class, for the agent's ignore rules (a constant, so
   * that naming it loads nothing).
   */
  public static final String CLASS_LOADER_NAME =
      "dev.levee.exporter.internal.JournalLoader$JournalClassLoader";

  private static ChunkJournalFactory factory;

  private JournalLoader() {}

  /**
   * Opens one signal's journal, starting the implementation first ({@link
   * ChunkJournalFactory#prepare}: Chronicle's start, which must also work once the JVM is shutting
   * down). Synchronized: the three signals' dispatchers open their journals one after the other, so
   * that Chronicle's start-up (class loading, mostly) takes one core, not all of them. The loader's
   * jar is kept beside the signal's journal directory.
   */
  public static synchronized ChunkJournal open(JournalOptions options) throws IOException {
    quietChronicle();
    LoggingFacade.start(); // Chronicle logs through the extension's SLF4J, as do resilience4j and Netty
    String classPath = System.getProperty("java.class.path");
    try {
      ChunkJournalFactory journals = factory(options.directory());
      journals.prepare();
      return journals.open(options);
    } catch (RuntimeException | LinkageError e) {
      throw new IOException("Cannot open the journal in " + options.directory() + ": " + e, e);
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

  static synchronized ChunkJournalFactory factory(Path journalDirectory) throws IOException {
    if (factory != null) {
      return factory;
    }
    ClassLoader own = JournalLoader.class.getClassLoader();
    URL inner = own.getResource(INNER_JAR);
    ClassLoader loader = own;
    if (inner != null) {
      Path home = journalDirectory.toAbsolutePath().getParent();
      loader = new JournalClassLoader(ownCopy(inner, home == null ? journalDirectory : home).toUri().toURL(), own);
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

  /**
   * The nested jar as a file in {@code directory}, named by the CRC-32 and length of its content:
   * reused when one with that name is there and its bytes are the nested jar's (compared byte for
   * byte, so a file changed on disk is never loaded), otherwise written (owner-only, under a
   * temporary name, then moved into place). Copies left by other versions of Levee are removed.
   * The name is no check, only which version a copy is: the comparison is. (Named and checked by
   * SHA-256 until 2026-12-05: the first call in a fresh JVM took 113–161 ms of an idle core, now
   * 70–81 ms, the security provider's start and two digests of 2.4 MB in code not yet compiled
   * left out of every first opening of the journal.)
   */
  static Path ownCopy(URL inner, Path directory) throws IOException {
    byte[] jar;
    try (InputStream in = inner.openStream()) {
      jar = in.readAllBytes();
    }
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(jar);
    Path copy =
        directory.resolve(String.format(java.util.Locale.ROOT, "%s%08x-%d.jar", COPY_PREFIX, crc.getValue(), jar.length));
    Files.createDirectories(directory);
    if (Files.isRegularFile(copy)
        && Files.size(copy) == jar.length
        && Arrays.equals(Files.readAllBytes(copy), jar)) {
      return copy;
    }
    Path temporary =
        Files.createTempFile(
            directory,
            COPY_PREFIX,
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.write(temporary, jar);
      Files.move(temporary, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temporary);
    }
    try (java.util.stream.Stream<Path> files = Files.list(directory)) {
      files
          .filter(file -> file.getFileName().toString().startsWith(COPY_PREFIX) && !file.equals(copy))
          .forEach(JournalLoader::deleteQuietly);
    }
    return copy;
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException | RuntimeException e) {
      // another version's copy: harmless where it is
    }
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
