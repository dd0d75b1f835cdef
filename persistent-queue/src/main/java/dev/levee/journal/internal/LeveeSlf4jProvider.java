package dev.levee.journal.internal;

import dev.levee.buffer.internal.LogBridge;
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
 * Where Chronicle Queue's SLF4J logging goes: through {@link LogBridge}, so that inside the agent
 * it reaches the agent's log output rather than the application's console and exported logs.
 *
 * <p>Chronicle is chatty at INFO (banners, timings) and warns about optional native libraries
 * Levee leaves out; so its errors become Levee warnings, its warnings become FINE, and the rest is
 * dropped.
 *
 * <p>Internal, may change; public because {@link java.util.ServiceLoader} needs it.
 */
public final class LeveeSlf4jProvider implements SLF4JServiceProvider {
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
      LogBridge.log(julLevel, name, "Chronicle Queue: " + text, throwable);
    }
  }
}
