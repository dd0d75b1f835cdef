package dev.levee.exporter.internal.encode;

import dev.levee.buffer.Chunk;
import dev.levee.buffer.Signal;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * Encodes one SDK batch into one {@link Chunk}: the exact bytes of an OTLP {@code
 * Export*ServiceRequest}, written once into an array of exactly the right size.
 *
 * <p>All three signals are written by Levee's own request writers ({@link TraceRequestWriter},
 * {@link MetricsRequestWriter}, {@link LogsRequestWriter}) in one backward pass, from the SDK's
 * public data interfaces only, so one build runs against every SDK from 1.44 on: no intermediate
 * protobuf objects, no resizing copies of the result. One writer is reused while one thread
 * encodes (the SDK's worker, as a rule); a second thread arriving at the same time writes with a
 * fresh writer instead of waiting. Measured against the SDK's marshalers and against building
 * opentelemetry-proto objects: {@code EncodeBenchmark} in the benchmarks module.
 *
 * <p>Internal, may change. Thread-safe.
 */
public final class ChunkEncoder<T> {
  private final Signal signal;
  private final Supplier<OtlpRequestWriter<T>> writers;
  /**
   * The writer reused while one thread encodes, made with the first batch (its classes stay out of
   * the agent's start-up); guarded by {@link #reusableLock}.
   */
  private OtlpRequestWriter<T> reusable;
  private final ReentrantLock reusableLock = new ReentrantLock();
  private final ToIntFunction<Collection<T>> itemCounter;
  /** Bytes per item of the last batch encoded; a realistic span's size before the first. */
  private volatile int lastBytesPerItem = 600;

  private ChunkEncoder(
      Signal signal, Supplier<OtlpRequestWriter<T>> writers, ToIntFunction<Collection<T>> itemCounter) {
    this.signal = signal;
    this.writers = writers;
    this.itemCounter = itemCounter;
  }

  /**
   * Spans, written by {@link TraceRequestWriter} to the same bytes as the SDK's marshaler at about
   * half its cost (spans are most of what an application exports, and this is the SDK thread's
   * time).
   */
  public static ChunkEncoder<SpanData> spans() {
    return new ChunkEncoder<>(Signal.SPANS, TraceRequestWriter::new, Collection::size);
  }

  /** Metric data, written by {@link MetricsRequestWriter}; counted in data points. */
  public static ChunkEncoder<MetricData> metrics() {
    return new ChunkEncoder<>(
        Signal.METRICS, MetricsRequestWriter::new, ChunkEncoder::countDataPoints);
  }

  /** Log records, written by {@link LogsRequestWriter}. */
  public static ChunkEncoder<LogRecordData> logs() {
    return new ChunkEncoder<>(Signal.LOGS, LogsRequestWriter::new, Collection::size);
  }

  public Signal signal() {
    return signal;
  }

  /**
   * Whether an item belongs in the priority lane: a span with status ERROR, a log record of
   * severity WARN or above. Metric data has no priority.
   */
  /**
   * The batch split into the priority lane's items and the rest.
   *
   * @param urgent spans with status ERROR, log records of WARN and above
   * @param ordinary everything else
   */
  public record PrioritySplit<T>(List<T> urgent, List<T> ordinary) {}

  /** Splits a batch by {@link #isPriority}, keeping the order within each part. */
  public PrioritySplit<T> splitByPriority(Collection<T> items) {
    List<T> urgent = new ArrayList<>();
    List<T> ordinary = new ArrayList<>();
    for (T item : items) {
      (isPriority(item) ? urgent : ordinary).add(item);
    }
    return new PrioritySplit<>(urgent, ordinary);
  }

  public boolean isPriority(T item) {
    if (item instanceof SpanData span) {
      return span.getStatus().getStatusCode() == io.opentelemetry.api.trace.StatusCode.ERROR;
    }
    if (item instanceof LogRecordData log) {
      return log.getSeverity().getSeverityNumber() >= io.opentelemetry.api.logs.Severity.WARN.getSeverityNumber();
    }
    return false;
  }

  /**
   * Whether an item is in the one-in-{@code ratio} sample kept when memory is full: decided by its
   * trace id (the random low 64 bits), so every span of a trace, and the log records within it, are
   * kept or dropped together. Items without a trace are sampled at random at the same rate.
   */
  public boolean sampledIn(T item, int ratio) {
    if (ratio <= 1) {
      return true;
    }
    String traceId = null;
    if (item instanceof SpanData span) {
      traceId = span.getSpanContext().isValid() ? span.getTraceId() : null;
    } else if (item instanceof LogRecordData log) {
      traceId = log.getSpanContext().isValid() ? log.getSpanContext().getTraceId() : null;
    }
    if (traceId == null || traceId.length() != 32) {
      return java.util.concurrent.ThreadLocalRandom.current().nextInt(ratio) == 0;
    }
    long random = Long.parseUnsignedLong(traceId.substring(16), 16);
    return Long.remainderUnsigned(random, ratio) == 0;
  }

  /** Encodes the batch as a chunk of the priority lane, or not. */
  public Chunk encode(Collection<T> items, int itemCount, long nowEpochNanos, boolean priority)
      throws IOException {
    Chunk chunk = encode(items, itemCount, nowEpochNanos);
    return priority
        ? Chunk.of(chunk.signal(), chunk.payload(), chunk.itemCount(), true, chunk.acceptedAtEpochNanos())
        : chunk;
  }

  /** Items the batch holds, as Levee counts them (metrics count data points). */
  public int count(Collection<T> items) {
    return itemCounter.applyAsInt(items);
  }

  /** Encodes the batch; {@code itemCount} is {@link #count} of the same batch. */
  public Chunk encode(Collection<T> items, int itemCount, long nowEpochNanos) throws IOException {
    byte[] bytes;
    if (reusableLock.tryLock()) {
      try {
        if (reusable == null) {
          reusable = writers.get();
        }
        bytes = reusable.write(items);
      } finally {
        reusableLock.unlock();
      }
    } else {
      bytes = writers.get().write(items);
    }
    if (itemCount > 0) {
      lastBytesPerItem = Math.max(1, bytes.length / itemCount);
    }
    return Chunk.of(signal, bytes, itemCount, false, nowEpochNanos);
  }

  /** The encoded size of an item of the last batch (a guess before the first). */
  public int bytesPerItem() {
    return lastBytesPerItem;
  }

  private static int countDataPoints(Collection<MetricData> metrics) {
    int points = 0;
    for (MetricData metric : metrics) {
      points += metric.getData().getPoints().size();
    }
    return points;
  }
}
