package dev.levee.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Captures what a {@code java.util.logging} logger (and its children) log, for assertions. */
public final class LogCapture implements AutoCloseable {
  private final Logger logger;
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          records.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  private LogCapture(String loggerName) {
    // Held strongly: JUL keeps loggers weakly, and a collected logger loses its handler.
    this.logger = Logger.getLogger(loggerName);
    logger.addHandler(handler);
  }

  /** Starts capturing what {@code loggerName} and the loggers below it log. */
  public static LogCapture of(String loggerName) {
    return new LogCapture(loggerName);
  }

  /** The messages logged at {@code level}, in order. */
  public List<String> messages(Level level) {
    return records.stream().filter(r -> r.getLevel() == level).map(LogRecord::getMessage).toList();
  }

  @Override
  public void close() {
    logger.removeHandler(handler);
  }
}
