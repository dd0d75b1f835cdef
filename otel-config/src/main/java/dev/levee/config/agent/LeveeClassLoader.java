package dev.levee.config.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Enumeration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Inside the agent, loads every Levee class but this package's from the extension jar's {@value
 * #TREE} tree, where the build put them already relocated to the agent's shaded packages, under
 * names ending {@value #SUFFIX}.
 *
 * <p>Why: the agent's extension class loader rewrites every {@code .class} it reads from an
 * extension with ASM (its packages to the agent's shaded ones), each time, with no cache. Levee's
 * exporters load some 150 classes before the application's {@code main}; rewriting them kept the
 * JIT compilers busy compiling ASM on two cores (BENCHMARKS.md, "Where 2.16.0's extra CPU goes").
 * The agent serves an entry whose name does not end {@code .class} as it is, so this loader reads
 * the classes rewritten once, at build time, and defines them as they are.
 *
 * <p>The classes Levee loads before the application's {@code main} are also in one stored zip at
 * the tree's root, {@value #START_UP_PACK}, in the order of the start-up list; the thread that
 * loads them ahead reads it in one piece ({@link StartUpPack}). Asking the extension loader for
 * each class file makes a URL and a connection and first asks its parents: under agent 2.16.0
 * that took 26 ms of CPU and 4.0 MB of garbage for the 143 start-up classes, against 5 ms and
 * 2.3 MB from the pack (BENCHMARKS.md, "Start-up under the agent, 2026-12-06 (last)").
 *
 * <p>Levee's classes are looked up here first (the extension loader does not have them); every
 * other class, and this package, come from the extension loader, which is this loader's parent:
 * the agent's SDK, its shaded API and its bootstrap classes are the same classes on both sides.
 * Resources are the parent's first, then this tree's.
 *
 * <p>Internal, may change.
 */
final class LeveeClassLoader extends ClassLoader implements StartUpPack {
  /** Where the build puts Levee's relocated classes and resources in the extension jar. */
  static final String TREE = "META-INF/levee/core/";

  /** How the tree's class files are named: never {@code .class}, which the agent rewrites. */
  static final String SUFFIX = ".classdata";

  /** The start-up classes' files, in one stored zip at the tree's root (named as in the tree). */
  static final String START_UP_PACK = "start-up-classes.zip";

  private static final Logger logger = Logger.getLogger(LeveeClassLoader.class.getName());

  private static final String OWN = "dev.levee.";
  private static final String FACADE = LeveeClassLoader.class.getPackageName() + ".";

  static {
    registerAsParallelCapable();
  }

  private final ClassLoader jar;
  /** The pack's class files read and not yet defined or let go, by their name in the tree. */
  private final Map<String, byte[]> packed = new ConcurrentHashMap<>();
  private final AtomicBoolean packRead = new AtomicBoolean();

  /** {@code jar}: the loader of the extension jar, whose {@value #TREE} tree this one reads. */
  LeveeClassLoader(ClassLoader jar) {
    super("levee", jar);
    this.jar = jar;
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    if (!name.startsWith(OWN) || name.startsWith(FACADE)) {
      return super.loadClass(name, resolve);
    }
    synchronized (getClassLoadingLock(name)) {
      Class<?> loaded = findLoadedClass(name);
      if (loaded == null) {
        loaded = findClass(name);
      }
      if (resolve) {
        resolveClass(loaded);
      }
      return loaded;
    }
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    String file = name.replace('.', '/') + SUFFIX;
    byte[] bytes = packed.remove(file);
    if (bytes != null) {
      return defineClass(name, bytes, 0, bytes.length);
    }
    try (InputStream in = jar.getResourceAsStream(TREE + file)) {
      if (in == null) {
        throw new ClassNotFoundException(name);
      }
      bytes = in.readAllBytes();
    } catch (IOException | UncheckedIOException e) {
      throw new ClassNotFoundException(name, e);
    }
    return defineClass(name, bytes, 0, bytes.length);
  }

  @Override
  public void readStartUpPack() {
    if (!packRead.compareAndSet(false, true)) {
      return;
    }
    try (InputStream in = jar.getResourceAsStream(TREE + START_UP_PACK)) {
      if (in == null) {
        return;
      }
      ZipInputStream pack = new ZipInputStream(in);
      for (ZipEntry entry = pack.getNextEntry(); entry != null; entry = pack.getNextEntry()) {
        // Stored entries carry their size before their bytes.
        long size = entry.getSize();
        byte[] bytes = size >= 0 ? pack.readNBytes((int) size) : pack.readAllBytes();
        packed.put(entry.getName(), bytes);
      }
    } catch (IOException | RuntimeException e) {
      logger.log(Level.FINE, "Levee reads its start-up classes one by one", e);
    }
  }

  @Override
  public void forgetStartUpPack() {
    packed.clear();
  }

  /** How many class files read from the pack are not defined yet (for tests). */
  int packed() {
    return packed.size();
  }

  @Override
  protected URL findResource(String name) {
    return jar.getResource(TREE + name);
  }

  @Override
  protected Enumeration<URL> findResources(String name) throws IOException {
    return jar.getResources(TREE + name);
  }
}
