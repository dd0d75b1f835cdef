package dev.levee.journal.cli;

import dev.levee.buffer.internal.JavaBaseAccess;
import java.lang.instrument.Instrumentation;

/**
 * Runs before the journal tool's {@code main} (the jar's {@code Launcher-Agent-Class}) and opens
 * the {@code java.base} packages Chronicle Queue needs to the tool's class path only, so the tool
 * needs no JVM flags.
 */
public final class JdkAccess {
  private JdkAccess() {}

  public static void agentmain(String args, Instrumentation instrumentation) {
    JavaBaseAccess.grant(instrumentation, ClassLoader.getSystemClassLoader().getUnnamedModule());
  }
}
