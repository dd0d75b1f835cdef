package dev.levee.buffer.internal;

import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Where the SLF4J logging of the libraries inside Levee (Chronicle Queue, resilience4j) goes:
 * through {@link LogBridge}, so that inside the agent it reaches the agent's log output rather than
 * the application's console and exported logs. Inside the extension jar SLF4J is relocated, so
 * this is the only provider it can find, and the application's own SLF4J is never touched.
 *
 * <p>Chronicle is chatty at INFO (banners, timings) and warns about optional native libraries
 * Levee leaves out; so the libraries' errors become Levee warnings, their warnings become FINE,
 * and the rest is dropped. Levee logs what matters (a breaker opening, say) itself.
 *
 * <p>Internal, may change; public because {@link java.util.ServiceLoader} needs it.
 */
public final class Slf4jBridge implements SLF4JServiceProvider {
  private final ILoggerFactory loggers = new Loggers();
  private final IMarkerFactory markers = new BasicMarkerFactory();
  private final MDCAdapter mdc = new NOPMDCAdapter();

  @Override
  public ILoggerFactory getLoggerFactory() {
    return loggers;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }

  @Override
  public void initialize() {}

  private static final class Loggers implements ILoggerFactory {
    private final ConcurrentHashMap<String, Logger> byName = new ConcurrentHashMap<>();

    @Override
    public Logger getLogger(String name) {
      return byName.computeIfAbsent(name, BridgeLogger::new);
    }
  }

  private static final class BridgeLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;

    BridgeLogger(String name) {
      this.name = name;
    }

    @Override
    public boolean isTraceEnabled() {
      return false;
    }

    @Override
    public boolean isDebugEnabled() {
      return false;
    }

    @Override
    public boolean isInfoEnabled() {
      return false;
    }

    @Override
    public boolean isWarnEnabled() {
      return true;
    }

    @Override
    public boolean isErrorEnabled() {
      return true;
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(
        Level level, Marker marker, String message, Object[] arguments, Throwable throwable) {
      String text = MessageFormatter.basicArrayFormat(message, arguments);
      java.util.logging.Level julLevel =
          level == Level.ERROR ? java.util.logging.Level.WARNING : java.util.logging.Level.FINE;
      LogBridge.log(julLevel, name, library(name) + ": " + text, throwable);
    }

    private static String library(String logger) {
      if (logger.contains("openhft")) {
        return "Chronicle Queue";
      }
      if (logger.contains("resilience4j")) {
        return "resilience4j";
      }
      return logger;
    }
  }
}
