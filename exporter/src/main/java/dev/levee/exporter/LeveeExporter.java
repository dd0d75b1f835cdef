package dev.levee.exporter;

import dev.levee.exporter.internal.Fanout;
import dev.levee.exporter.internal.Pipeline;
import dev.levee.exporter.internal.admission.Stage;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.sdk.common.CompletableResultCode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * What Levee's three exporters share: flush, shutdown, and what they tell about themselves.
 *
 * @param <T> the SDK's data type of the signal
 */
public abstract class LeveeExporter<T> {
  /** The pipeline: with {@code endpoints.mode=fanout}, the first endpoint's. */
  final Pipeline<T> pipeline;
  /** With fanout, every endpoint's pipeline and how a batch reaches them all; else null. */
  private final Fanout<T> fanout;
  private final List<Pipeline<T>> pipelines;
  /** With a Levee processor in front, where it leaves what the application ends; else null. */
  private volatile Stage<?, T> stage;
  /**
   * Set when a Levee processor took the place of the SDK's batch processor around this exporter:
   * only that processor's shutdown stops the exporter (the retired batch processor's does not).
   */
  private volatile boolean ownedByProcessor;

  /** How long shutdown waits for an item an application thread is adding to the stage. */
  private static final long STAGE_CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

  LeveeExporter(Pipeline<T> pipeline) {
    this.pipeline = pipeline;
    this.fanout = null;
    this.pipelines = List.of(pipeline);
  }

  LeveeExporter(Fanout<T> fanout) {
    this.pipeline = fanout.pipelines().get(0);
    this.fanout = fanout;
    this.pipelines = fanout.pipelines();
  }

  /** Hands a batch to the pipeline, or with fanout to every endpoint's. Never throws. */
  CompletableResultCode exportBatch(Collection<T> items) {
    return fanout != null ? fanout.export(items) : pipeline.export(items);
  }

  /**
   * The stage a Levee processor leaves items in, taken from by the (first) pipeline's dispatcher
   * thread. One per exporter.
   */
  synchronized <S> Stage<S, T> openStage(Function<S, T> read, int batchItems) {
    if (stage != null) {
      throw new IllegalStateException("this exporter already has a Levee processor in front of it");
    }
    Stage<S, T> opened =
        new Stage<>(
            read,
            this::exportBatch,
            failure -> pipelines.forEach(each -> each.unreadable(failure)),
            batchItems,
            pipeline.memoryLimitBytes(),
            pipeline::bytesPerItem);
    pipeline.takeFrom(opened);
    stage = opened;
    return opened;
  }

  /** A Levee processor took the batch processor's place: see {@link #shutdown}. */
  void ownedByProcessor() {
    ownedByProcessor = true;
  }

  /** Completes when everything accepted before the call is delivered, dropped or in the journal. */
  public CompletableResultCode flush() {
    Stage<?, T> front = stage;
    if (front == null) {
      return flushPipelines();
    }
    CompletableResultCode settled = front.takeAllAndSettle();
    if (settled.isDone()) {
      return flushPipelines();
    }
    // The dispatcher (or an application thread) is handing on a batch it took from the stage:
    // the pipelines are asked once it is offered, so the flush covers it.
    CompletableResultCode result = new CompletableResultCode();
    settled.whenComplete(
        () -> {
          CompletableResultCode flushed = flushPipelines();
          flushed.whenComplete(
              () -> {
                if (flushed.isSuccess()) {
                  result.succeed();
                } else {
                  result.fail();
                }
              });
        });
    return result;
  }

  private CompletableResultCode flushPipelines() {
    if (fanout == null) {
      return pipeline.flush();
    }
    return CompletableResultCode.ofAll(pipelines.stream().map(Pipeline::flush).toList());
  }

  /**
   * Stops taking data, delivers what it holds until the shutdown timeout, moves the rest to the
   * journal (or drops it, counted), and releases every thread and connection. Idempotent.
   */
  public CompletableResultCode shutdown() {
    if (ownedByProcessor) {
      // The SDK's batch processor this exporter was built into, retired at start, shuts its
      // exporter down; the Levee processor in its place stops this one (see stop()).
      return flush();
    }
    return stop();
  }

  /**
   * Stops: hands on what a Levee processor's stage holds, then shuts the pipelines down. What the
   * application ends from now on is counted as dropped at shutdown.
   */
  CompletableResultCode stop() {
    Stage<?, T> front = stage;
    if (front != null) {
      front.close(STAGE_CLOSE_WAIT_NANOS);
    }
    if (fanout == null) {
      return pipeline.shutdown();
    }
    return CompletableResultCode.ofAll(pipelines.stream().map(Pipeline::shutdown).toList());
  }

  /**
   * A snapshot of this exporter's counters. With {@code endpoints.mode=fanout}, the sum over the
   * endpoints (each counts every item it was offered, so {@code offered} is the items handed over
   * times the endpoints) and the worst breaker state; {@link #statsByEndpoint} has each.
   */
  public LeveeStats stats() {
    return fanout == null ? pipeline.stats() : sum(statsByEndpoint());
  }

  /** Each endpoint's counters: one element, unless {@code endpoints.mode=fanout}. */
  public List<LeveeStats> statsByEndpoint() {
    return pipelines.stream().map(Pipeline::stats).toList();
  }

  /**
   * How the exporter is doing: OK, DEGRADED or FAILING, with reasons and advice. With fanout, the
   * worst of the endpoints', each reason naming its endpoint.
   */
  public LeveeHealth health() {
    if (fanout == null) {
      return pipeline.health();
    }
    LeveeHealth.State worst = LeveeHealth.State.OK;
    List<String> reasons = new ArrayList<>();
    List<String> advice = new ArrayList<>();
    for (Pipeline<T> each : pipelines) {
      LeveeHealth health = each.health();
      if (health.state().compareTo(worst) > 0) {
        worst = health.state();
      }
      for (String reason : health.reasons()) {
        reasons.add(each.targets() + ": " + reason);
      }
      advice.addAll(health.advice());
    }
    return new LeveeHealth(worst, reasons, advice.stream().distinct().toList());
  }

  private static final List<String> BREAKER_SEVERITY = List.of("disabled", "closed", "half_open", "open");

  private static LeveeStats sum(List<LeveeStats> all) {
    Map<DropReason, Long> dropped = new EnumMap<>(DropReason.class);
    long offered = 0, recovered = 0, delivered = 0, pending = 0, journaled = 0, retries = 0;
    long throttled = 0, memoryUsed = 0, memoryLimit = 0, openings = 0, journalBytes = 0, journalLimit = 0;
    boolean journalOpen = true;
    String breaker = "disabled";
    for (LeveeStats each : all) {
      offered += each.offered();
      recovered += each.recovered();
      delivered += each.delivered();
      each.dropped().forEach((reason, count) -> dropped.merge(reason, count, Long::sum));
      pending += each.pending();
      journaled += each.journaled();
      retries += each.retries();
      throttled += each.throttled();
      memoryUsed += each.memoryUsedBytes();
      memoryLimit += each.memoryLimitBytes();
      journalOpen &= each.journalOpen();
      if (BREAKER_SEVERITY.indexOf(each.breakerState()) > BREAKER_SEVERITY.indexOf(breaker)) {
        breaker = each.breakerState();
      }
      openings += each.breakerOpenings();
      journalBytes += each.journalBytes();
      journalLimit += each.journalLimitBytes();
    }
    LeveeStats first = all.get(0);
    return new LeveeStats(
        first.signal(),
        offered,
        recovered,
        delivered,
        dropped,
        pending,
        journaled,
        retries,
        throttled,
        memoryUsed,
        memoryLimit,
        journalOpen,
        breaker,
        openings,
        first.batchBytes(),
        first.concurrency(),
        journalBytes,
        journalLimit);
  }

  /**
   * This exporter's name in its self-metrics ({@code otel.component.name}) and its JMX bean, e.g.
   * {@code levee_span_exporter/0}.
   */
  public String componentName() {
    return pipeline.componentName();
  }

  /**
   * Registers this exporter's self-metrics on {@code meterProvider} (the application's, so they go
   * wherever its metrics go); see {@link LeveeMetrics}. Close the result to unregister.
   */
  public LeveeMetrics registerMetrics(MeterProvider meterProvider) {
    if (fanout == null) {
      return pipeline.registerMetrics(meterProvider);
    }
    // One component per endpoint (levee_span_exporter/0, /1, ...), each with its server.address.
    return LeveeMetrics.combine(pipelines.stream().map(p -> p.registerMetrics(meterProvider)).toList());
  }

  /**
   * As {@link #registerMetrics}, but the instruments are made when first needed: at this exporter's
   * first request, or five seconds after this call, whichever comes first; they then stay until
   * shutdown. Making them takes tens of milliseconds in a cold JVM, which this keeps out of the
   * application's start-up (the agent extension registers this way). Nothing is missed: the first
   * request is recorded, and the other instruments read counters kept from the start.
   */
  public void registerMetricsWhenNeeded(MeterProvider meterProvider) {
    pipelines.forEach(p -> p.registerMetricsWhenNeeded(meterProvider));
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "{" + (fanout == null ? pipeline : pipelines) + "}";
  }
}
