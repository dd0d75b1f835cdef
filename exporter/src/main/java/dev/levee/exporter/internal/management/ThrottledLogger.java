package dev.levee.exporter.internal.management;

import io.opentelemetry.sdk.common.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Logs each kind of message at most once per interval and says how many were held back, so a
 * failing backend produces one line every half minute, not one per request.
 *
 * <p>Internal, may change. Thread-safe.
 */
public final class ThrottledLogger {
  public static final long DEFAULT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final Logger logger;
  private final Clock clock;
  private final long intervalNanos;
  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

  public ThrottledLogger(Logger logger, Clock clock, long intervalNanos) {
    this.logger = logger;
    this.clock = clock;
    this.intervalNanos = intervalNanos;
  }

  /**
   * Logs {@code message} under {@code key} unless a message with that key was logged less than an
   * interval ago; then it only counts it.
   */
  public void log(Level level, String key, Supplier<String> message) {
    if (!logger.isLoggable(level)) {
      return;
    }
    long now = clock.nanoTime();
    Window window = windows.computeIfAbsent(key, k -> new Window());
    long last = window.lastLoggedNanos.get();
    if (last != Long.MIN_VALUE && now - last < intervalNanos) {
      window.suppressed.incrementAndGet();
      return;
    }
    if (!window.lastLoggedNanos.compareAndSet(last, now)) {
      window.suppressed.incrementAndGet();
      return;
    }
    long suppressed = window.suppressed.getAndSet(0);
    String text = message.get();
    if (suppressed > 0) {
      text += " (" + suppressed + " similar messages since the last report)";
    }
    logger.log(level, text);
  }

  private static final class Window {
    final AtomicLong lastLoggedNanos = new AtomicLong(Long.MIN_VALUE);
    final AtomicLong suppressed = new AtomicLong();
  }
}
