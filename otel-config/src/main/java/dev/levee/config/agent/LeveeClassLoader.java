package dev.levee.config.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Enumeration;

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
 * <p>Levee's classes are looked up here first (the extension loader does not have them); every
 * other class, and this package, come from the extension loader, which is this loader's parent:
 * the agent's SDK, its shaded API and its bootstrap classes are the same classes on both sides.
 * Resources are the parent's first, then this tree's.
 *
 * <p>Internal, may change.
 */
final class LeveeClassLoader extends ClassLoader {
  /** Where the build puts Levee's relocated classes and resources in the extension jar. */
  static final String TREE = "META-INF/levee/core/";

  /** How the tree's class files are named: never {@code .class}, which the agent rewrites. */
  static final String SUFFIX = ".classdata";

  private static final String OWN = "dev.levee.";
  private static final String FACADE = LeveeClassLoader.class.getPackageName() + ".";

  static {
    registerAsParallelCapable();
  }

  private final ClassLoader jar;

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
    byte[] bytes;
    try (InputStream in = jar.getResourceAsStream(TREE + name.replace('.', '/') + SUFFIX)) {
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
  protected URL findResource(String name) {
    return jar.getResource(TREE + name);
  }

  @Override
  protected Enumeration<URL> findResources(String name) throws IOException {
    return jar.getResources(TREE + name);
  }
}
