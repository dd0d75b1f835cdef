package dev.levee.exporter.internal.management;

import dev.levee.buffer.Signal;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Names exporters as the semantic conventions ask ({@code otel.component.name}): the type and a
 * number unique in the process for that type, e.g. {@code levee_span_exporter/0}. Process-wide on
 * purpose: the name must not repeat while several exporters of a signal live side by side.
 *
 * <p>Internal, may change. Thread-safe.
 */
public final class ComponentNames {
  private static final ConcurrentHashMap<Signal, AtomicInteger> NEXT = new ConcurrentHashMap<>();

  private ComponentNames() {}

  /** The next name for an exporter of {@code signal}. */
  public static String next(Signal signal) {
    int instance = NEXT.computeIfAbsent(signal, s -> new AtomicInteger()).getAndIncrement();
    String type =
        switch (signal) {
          case SPANS -> "levee_span_exporter";
          case METRICS -> "levee_metric_exporter";
          case LOGS -> "levee_log_exporter";
        };
    return type + "/" + instance;
  }
}
