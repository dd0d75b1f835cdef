package dev.levee.examples.app;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Steady traffic for the chaos demo, under the agent: {@code rate} spans a second (in ticks of
 * 10 ms) for {@code seconds}, one JUL log record a second, then it idles until stopped (its
 * shutdown hooks, the agent's among them, flush what is left). Knows nothing of Levee.
 *
 * <p>Usage: {@code ChaosApp rate seconds}
 */
public final class ChaosApp {
  private static final Logger logger = Logger.getLogger(ChaosApp.class.getName());
  private static final AttributeKey<Long> SEQUENCE = AttributeKey.longKey("chaos.sequence");

  private ChaosApp() {}

  public static void main(String[] args) throws InterruptedException {
    int rate = Integer.parseInt(args[0]);
    int seconds = Integer.parseInt(args[1]);
    Tracer tracer = GlobalOpenTelemetry.getTracer("levee-chaos");
    long tickNanos = TimeUnit.MILLISECONDS.toNanos(10);
    long ticks = seconds * 100L;
    long start = System.nanoTime();
    long made = 0;
    for (long tick = 1; tick <= ticks; tick++) {
      long due = rate * tick / 100;
      for (; made < due; made++) {
        Span span = tracer.spanBuilder("chaos-work").setAttribute(SEQUENCE, made).startSpan();
        span.end();
      }
      if (tick % 100 == 0) {
        logger.info("chaos app: " + made + " spans so far");
      }
      long sleep = start + tick * tickNanos - System.nanoTime();
      if (sleep > 0) {
        TimeUnit.NANOSECONDS.sleep(sleep);
      }
    }
    System.out.println("chaos app: traffic done, " + made + " spans");
    Thread.sleep(Long.MAX_VALUE); // until the demo stops the process
  }
}
