package dev.levee.exporter.internal;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Starts SLF4J, the logging facade resilience4j, grpc-java's Netty and the journal's Chronicle log
 * through (bound to Levee's bridge, {@code Slf4jBridge}), once, before any of them uses it. Each
 * starts when first needed, on a thread of its own: the breaker's state machine on the dispatcher
 * thread, the gRPC channel on the connection thread, the journal on its opening thread. SLF4J's own start is not safe for two threads at once: the second gets
 * substitute loggers and SLF4J prints a warning block to the application's stderr. Callers that
 * go through here wait for a start under way on another thread.
 *
 * <p>Internal, may change. Thread-safe; never throws.
 */
public final class LoggingFacade {
  private static final Logger logger = Logger.getLogger(LoggingFacade.class.getName());
  private static boolean started;

  private LoggingFacade() {}

  /** Starts SLF4J unless started; returns when it is. */
  public static synchronized void start() {
    if (started) {
      return;
    }
    started = true;
    try {
      org.slf4j.LoggerFactory.getILoggerFactory();
    } catch (RuntimeException | LinkageError e) {
      logger.log(Level.FINE, "SLF4J did not start; the libraries' own log lines are lost", e);
    }
  }
}
