package dev.levee.examples.app;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import java.util.logging.Logger;

/**
 * A burst, then exit: an application to run under the OpenTelemetry agent that ends {@code spans}
 * spans as fast as it can (each with a few attributes), logs one JUL record for every ten spans,
 * counts them on a counter, and returns from {@code main} at once, as a batch job, a CLI or a
 * function does. It knows nothing of Levee.
 *
 * <p>Usage: {@code BurstApp [spans] [spans per second]} (default 20,000 at full speed; with a rate,
 * the spans are paced evenly, as a service under steady load).
 */
public final class BurstApp {
  private static final Logger logger = Logger.getLogger(BurstApp.class.getName());
  private static final AttributeKey<Long> INDEX = AttributeKey.longKey("burst.index");
  private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
  private static final AttributeKey<String> USER = AttributeKey.stringKey("enduser.id");

  private BurstApp() {}

  public static void main(String[] args) {
    int spans = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int perSecond = args.length > 1 ? Integer.parseInt(args[1]) : 0;
    // The records go to OpenTelemetry (the agent captures them), not to the console.
    logger.setUseParentHandlers(false);
    Tracer tracer = GlobalOpenTelemetry.getTracer("levee-burst");
    LongCounter counter =
        GlobalOpenTelemetry.getMeter("levee-burst").counterBuilder("burst.spans").build();
    long start = System.nanoTime();
    for (int i = 0; i < spans; i++) {
      if (perSecond > 0 && i % 100 == 0) {
        pace(start, i, perSecond);
      }
      Span span =
          tracer
              .spanBuilder("burst-work")
              .setAttribute(INDEX, (long) i)
              .setAttribute(ROUTE, "/orders/{id}")
              .setAttribute(USER, "user-" + (i % 97))
              .startSpan();
      span.end();
      if (i == 0) {
        System.out.println("burst app: first span ended at epoch ms " + System.currentTimeMillis());
      }
      counter.add(1);
      if (i % 10 == 0) {
        logger.info("burst record " + i);
      }
    }
    long micros = (System.nanoTime() - start) / 1000;
    System.out.println(
        "burst app: done, " + spans + " spans and " + ((spans + 9) / 10) + " log records in "
            + micros / 1000 + " ms; exiting at epoch ms " + System.currentTimeMillis());
  }

  /** Waits until span {@code i} is due at {@code perSecond} spans a second from {@code start}. */
  private static void pace(long start, int i, int perSecond) {
    long due = start + (long) i * 1_000_000_000L / perSecond;
    long wait;
    while ((wait = due - System.nanoTime()) > 0) {
      try {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
