package dev.levee.buffer.internal;

import java.lang.instrument.Instrumentation;
import java.util.Map;
import java.util.Set;

/**
 * The {@code java.base} packages Chronicle Queue needs, opened to one module only.
 *
 * <p>Chronicle reads and writes memory-mapped files through JDK internals: without the {@code
 * sun.nio.ch} export it silently opens a queue read-only and fails on the first append. Levee
 * opens these to the journal's own class loader (inside the agent) or to the journal tool's class
 * path, never to everything.
 *
 * <p>Internal, may change.
 */
public final class JavaBaseAccess {
  private JavaBaseAccess() {}

  /** Whether {@code target} can use what Chronicle needs. */
  public static boolean hasAccess(Module target) {
    Module javaBase = Object.class.getModule();
    return javaBase.isExported("sun.nio.ch", target)
        && javaBase.isExported("jdk.internal.ref", target)
        && javaBase.isOpen("java.lang.reflect", target)
        && javaBase.isOpen("java.nio", target);
  }

  /** Exports and opens what Chronicle needs to {@code target}, through {@code instrumentation}. */
  public static void grant(Instrumentation instrumentation, Module target) {
    Set<Module> to = Set.of(target);
    instrumentation.redefineModule(
        Object.class.getModule(),
        Set.of(),
        Map.of("sun.nio.ch", to, "jdk.internal.ref", to),
        Map.of("java.lang.reflect", to, "java.nio", to),
        Set.of(),
        Map.of());
  }
}
