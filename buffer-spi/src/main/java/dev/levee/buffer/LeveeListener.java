package dev.levee.buffer;

/**
 * Told when something an operator cares about happens in an exporter; found with {@link
 * java.util.ServiceLoader} ({@code META-INF/services/dev.levee.buffer.LeveeListener}) in the
 * extension's class loader. Every method has a no-op default, so an implementation overrides only
 * what it wants.
 *
 * <p>Calls come from the exporter's dispatcher thread, never from the application's threads or
 * the export path, at most every few hundred milliseconds, with counts aggregated since the last
 * call. An exception thrown by a listener is caught, counted and logged (throttled); it never
 * affects delivery. A listener must not block.
 */
public interface LeveeListener {

  /** {@code items} were dropped for {@code reason} (e.g. {@code memory_full}) since the last call. */
  default void onDrop(Signal signal, String reason, long items) {}

  /** {@code items} went to the journal since the last call (memory full, backend failing, shutdown). */
  default void onSpill(Signal signal, long items) {}

  /**
   * The exporter's circuit breaker changed state: {@code closed}, {@code open}, {@code half_open}
   * or {@code disabled}.
   */
  default void onBreakerStateChange(Signal signal, String from, String to) {}

  /**
   * {@code resource} ({@code memory} or {@code journal}) went above (or back below) {@code
   * fraction} of its limit; {@code above} says which.
   */
  default void onThreshold(Signal signal, String resource, double fraction, boolean above) {}
}
