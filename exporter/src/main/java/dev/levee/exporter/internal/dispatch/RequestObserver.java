package dev.levee.exporter.internal.dispatch;

/**
 * Told of every request's outcome and duration (self-metrics); called on the dispatcher thread.
 * Internal, may change.
 */
public interface RequestObserver {
  void onRequest(long durationNanos, String status, boolean failed);
}
