package dev.levee.exporter.internal.flow;

/**
 * Waits. Injected so that anything timed can be tested on a fake clock without sleeping.
 *
 * <p>Internal, may change.
 */
@FunctionalInterface
public interface Sleeper {
  /** Waits up to {@code nanos}; may return early (woken, or spuriously). */
  void sleep(long nanos);
}
