package dev.levee.exporter.internal.management;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * When a JMX bean is registered: once the platform MBean server is running anyway (looked at once a
 * second at most), or {@code registerByNanos} after the first tick, whichever comes first; once.
 * Not thread-safe: one thread ticks it.
 *
 * <p>Internal, may change.
 */
final class RegistrationTime {
  private static final long LOOK_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final long registerByNanos;
  private final BooleanSupplier serverRunning;
  private boolean started;
  private boolean done;
  private long firstTickNanos;
  private long lastLookNanos;

  RegistrationTime(long registerByNanos, BooleanSupplier serverRunning) {
    this.registerByNanos = registerByNanos;
    this.serverRunning = serverRunning;
  }

  /** Whether to register now; true once at most. */
  boolean due(long nowNanos) {
    if (done) {
      return false;
    }
    if (!started) {
      started = true;
      firstTickNanos = nowNanos;
      lastLookNanos = nowNanos - LOOK_INTERVAL_NANOS;
    }
    boolean due = nowNanos - firstTickNanos >= registerByNanos;
    if (!due && nowNanos - lastLookNanos >= LOOK_INTERVAL_NANOS) {
      lastLookNanos = nowNanos;
      due = serverRunning.getAsBoolean();
    }
    done = due;
    return due;
  }

  /** Whether the registration is still to come. */
  boolean pending() {
    return !done;
  }

  /** Never due from now on. */
  void cancel() {
    done = true;
  }
}
