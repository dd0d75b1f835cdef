package dev.levee.buffer.internal;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Logs on behalf of code loaded by Levee's private journal class loader.
 *
 * <p>Inside the agent, the extension's own classes have their {@code java.util.logging} calls
 * routed to the agent's log output (never into the application's exported logs); classes in the
 * journal's loader do not. So they log through this class, which lives in the extension's loader.
 *
 * <p>Internal, may change.
 */
public final class LogBridge {
  private LogBridge() {}

  /** Logs {@code message} under {@code loggerName}. */
  public static void log(Level level, String loggerName, String message, Throwable thrown) {
    Logger logger = Logger.getLogger(loggerName);
    if (logger.isLoggable(level)) {
      logger.log(level, message, thrown);
    }
  }
}
