package dev.levee.benchmarks;

import dev.levee.exporter.internal.admission.Stage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What {@code span.end()} costs the application's thread in the processor: Levee's stage (the
 * class {@code LeveeSpanProcessor.onEnd} calls) beside the SDK's {@code BatchSpanProcessor.onEnd}
 * with its defaults (a queue of 2,048, batches of 512), at 1, 2 and 4 application threads.
 *
 * <p>Both hand real ended SDK spans (10 attributes, 2 events, 1 link) to a consumer thread that
 * reads each into {@code SpanData} and discards the batch, so the figure is the door alone, not
 * encoding or the network: the batch processor's worker and exporter, and for Levee a taker
 * modelled on the dispatcher (takes up to 8,192 items, then parks up to {@code batch.linger}, 10
 * ms, unless woken). Levee's stage bound is that of {@code memory.limit=32MiB} (2 MiB at 600 bytes
 * per span, about 3,500 spans); when it is full the application's thread hands a batch on itself.
 *
 * <p>After each iteration it prints what the door did with the spans: the batch processor's drops
 * (from its own {@code processedSpans} metric) and the number of batches Levee's application
 * threads handed on themselves. A processor that drops has less to do per span, so read the time
 * with those lines.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class OnEndBenchmark {
  private static final int BATCH_ITEMS = 512;
  private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  /** {@code none}: the application's work alone, the baseline the other two add to. */
  @Param({"levee", "batch", "none"})
  public String processor;

  /**
   * The application's own work per span ({@code Blackhole.consumeCPU} tokens): 0 ends spans as
   * fast as a thread can, beyond what any consumer takes (the saturated door); 500 is about a
   * microsecond, spans at a rate the consumer keeps up with (the door as an application meets it).
   */
  @Param({"0", "500"})
  public long work;

  private ReadableSpan span;
  private SdkTracerProvider spans;
  private final LongAdder consumed = new LongAdder();

  private BatchSpanProcessor batch;
  private InMemoryMetricReader batchMetrics;
  private SdkMeterProvider meterProvider;

  private Stage<ReadableSpan, SpanData> stage;
  private Thread taker;
  private volatile boolean running;
  private long callerBatchesBefore;

  @Setup
  public void setUp() {
    // A provider without processors makes no recording spans; one that ignores them does.
    spans =
        SdkTracerProvider.builder()
            .setResource(RealisticSpans.RESOURCE)
            .addSpanProcessor(new Ignoring())
            .build();
    span = endedSpan(spans);
    if (processor.equals("none")) {
      return;
    } else if (processor.equals("batch")) {
      batchMetrics = InMemoryMetricReader.create();
      meterProvider = SdkMeterProvider.builder().registerMetricReader(batchMetrics).build();
      batch =
          BatchSpanProcessor.builder(new Discarding(consumed))
              .setMeterProvider(meterProvider)
              .build();
    } else {
      stage =
          new Stage<>(
              ReadableSpan::toSpanData,
              batchOfData -> consumed.add(batchOfData.size()),
              failure -> {},
              BATCH_ITEMS,
              32L << 20,
              () -> 600);
      running = true;
      taker = new Thread(this::take, "levee-spans-dispatcher");
      taker.setDaemon(true);
      stage.setTaker(taker);
      taker.start();
    }
  }

  /** The dispatcher's part: take what is staged, else park until woken or the linger is up. */
  private void take() {
    while (running) {
      if (stage.take(8192) == 0) {
        LockSupport.parkNanos(LINGER_NANOS);
      }
    }
  }

  @TearDown(Level.Iteration)
  public void report() {
    if (processor.equals("none")) {
      return;
    } else if (batch != null) {
      System.out.printf(" [batch processor dropped %,d spans so far]", droppedByTheBatchProcessor());
    } else {
      long callerBatches = stage.callerBatches();
      System.out.printf(
          " [application threads handed on %,d batches themselves this iteration]",
          callerBatches - callerBatchesBefore);
      callerBatchesBefore = callerBatches;
    }
  }

  @TearDown
  public void tearDown() throws InterruptedException {
    if (batch != null) {
      batch.shutdown().join(10, TimeUnit.SECONDS);
      meterProvider.shutdown();
    } else if (stage != null) {
      running = false;
      LockSupport.unpark(taker);
      taker.join(10_000);
      stage.close(TimeUnit.SECONDS.toNanos(1));
    }
    spans.shutdown();
  }

  @Benchmark
  @Threads(1)
  public void onEnd1Thread() {
    onEnd();
  }

  @Benchmark
  @Threads(2)
  public void onEnd2Threads() {
    onEnd();
  }

  @Benchmark
  @Threads(4)
  public void onEnd4Threads() {
    onEnd();
  }

  private void onEnd() {
    if (work > 0) {
      Blackhole.consumeCPU(work);
    }
    if (batch != null) {
      batch.onEnd(span);
    } else if (stage != null && span.getSpanContext().isSampled()) {
      // What LeveeSpanProcessor.onEnd does.
      stage.add(span);
    }
  }

  private long droppedByTheBatchProcessor() {
    long dropped = 0;
    for (MetricData metric : batchMetrics.collectAllMetrics()) {
      if (!metric.getName().equals("processedSpans")) {
        continue;
      }
      for (LongPointData point : metric.getLongSumData().getPoints()) {
        if (Boolean.TRUE.equals(point.getAttributes().get(AttributeKey.booleanKey("dropped")))) {
          dropped += point.getValue();
        }
      }
    }
    return dropped;
  }

  /** A real SDK span, ended, shaped like {@link RealisticSpans}'. */
  private static ReadableSpan endedSpan(SdkTracerProvider provider) {
    Span span =
        provider
            .get("io.opentelemetry.servlet-5.0", "2.33.1")
            .spanBuilder("POST /api/v1/orders/{orderId}/items")
            .setSpanKind(SpanKind.SERVER)
            .addLink(
                SpanContext.create(
                    "0af7651916cd43dd8448eb211c80319c",
                    "b7ad6b7169203331",
                    TraceFlags.getSampled(),
                    TraceState.getDefault()))
            .startSpan();
    span.setAttribute("http.request.method", "POST");
    span.setAttribute("url.path", "/api/v1/orders/8812/items");
    span.setAttribute("url.scheme", "https");
    span.setAttribute("http.route", "/api/v1/orders/{orderId}/items");
    span.setAttribute("http.response.status_code", 201L);
    span.setAttribute("server.address", "checkout.internal");
    span.setAttribute("server.port", 8443L);
    span.setAttribute("client.address", "10.42.7.19");
    span.setAttribute("user_agent.original", "okhttp/4.12.0");
    span.setAttribute("network.protocol.version", "1.1");
    span.addEvent("order.validated", Attributes.of(AttributeKey.longKey("items"), 3L));
    span.addEvent("inventory.reserved", Attributes.of(AttributeKey.stringKey("warehouse"), "fra-2"));
    span.end();
    return (ReadableSpan) span;
  }

  /** Lets the provider record spans; the benchmark hands the ended span on itself. */
  private static final class Ignoring implements SpanProcessor {
    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {}

    @Override
    public boolean isStartRequired() {
      return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {}

    @Override
    public boolean isEndRequired() {
      return false;
    }
  }

  /** An exporter that counts and discards: the batch processor's worker pays only its own part. */
  private static final class Discarding implements SpanExporter {
    private final LongAdder consumed;

    Discarding(LongAdder consumed) {
      this.consumed = consumed;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> batch) {
      consumed.add(batch.size());
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
