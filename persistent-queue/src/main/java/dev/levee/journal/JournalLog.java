package dev.levee.journal;

import dev.levee.buffer.internal.LogBridge;
import java.util.logging.Level;

/**
 * The journal's logger. Inside the agent the journal runs in Levee's private class loader, whose
 * {@code java.util.logging} calls the agent does not route to its own log output: they would come
 * out in the JDK's default two-line format, unlike the rest of Levee's lines. So every line goes
 * through {@link LogBridge}, which lives in the extension's loader. Outside the agent it is plain
 * {@code java.util.logging} under the same logger names.
 */
final class JournalLog {
  private final String name;

  private JournalLog(String name) {
    this.name = name;
  }

  static JournalLog of(Class<?> type) {
    return new JournalLog(type.getName());
  }

  void info(String message) {
    LogBridge.log(Level.INFO, name, message, null);
  }

  void warning(String message) {
    LogBridge.log(Level.WARNING, name, message, null);
  }

  void log(Level level, String message, Throwable thrown) {
    LogBridge.log(level, name, message, thrown);
  }
}
