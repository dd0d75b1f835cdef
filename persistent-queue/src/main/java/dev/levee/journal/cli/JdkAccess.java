package dev.levee.journal.cli;

import java.lang.instrument.Instrumentation;
import java.util.Map;
import java.util.Set;

/**
 * Runs before the journal tool's {@code main} (the jar's {@code Launcher-Agent-Class}) and opens
 * the {@code java.base} packages Chronicle Queue needs to the tool's class path only, so the tool
 * needs no JVM flags.
 */
public final class JdkAccess {
  private JdkAccess() {}

  public static void agentmain(String args, Instrumentation instrumentation) {
    Module javaBase = Object.class.getModule();
    Set<Module> to = Set.of(ClassLoader.getSystemClassLoader().getUnnamedModule());
    instrumentation.redefineModule(
        javaBase,
        Set.of(),
        Map.of("sun.nio.ch", to, "jdk.internal.ref", to),
        Map.of("java.lang.reflect", to, "java.nio", to),
        Set.of(),
        Map.of());
  }
}
