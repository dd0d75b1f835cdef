package dev.levee.exporter.internal;

import dev.levee.buffer.Chunk;
import dev.levee.buffer.Signal;
import io.opentelemetry.exporter.internal.marshal.Marshaler;
import io.opentelemetry.exporter.internal.otlp.logs.LogsRequestMarshaler;
import io.opentelemetry.exporter.internal.otlp.metrics.LowAllocationMetricsRequestMarshaler;
import io.opentelemetry.exporter.internal.otlp.metrics.MetricsRequestMarshaler;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToIntFunction;

/**
 * Encodes one SDK batch into one {@link Chunk}: the exact bytes of an OTLP {@code
 * Export*ServiceRequest}, written once into an array of exactly the right size.
 *
 * <p>Spans and log records are written by {@link TraceRequestWriter} and {@link LogsRequestWriter}
 * in one backward pass; metric data by the SDK's own OTLP marshaler, which sizes every nested
 * message first and then writes.
 * Either way: no intermediate protobuf objects, no resizing copies of the result. One encoder
 * state is reused while one thread encodes (the SDK's worker, as a rule); a second thread arriving
 * at the same time uses a fresh SDK marshaler instead of waiting. Measured against the SDK's
 * marshaler and against building opentelemetry-proto objects: {@code EncodeBenchmark} in the
 * benchmarks module.
 *
 * <p>Internal, may change. Thread-safe.
 */
public final class ChunkEncoder<T> {
  private final Signal signal;
  private final RequestEncoder<T> fresh;
  private final RequestEncoder<T> reusable;
  private final ReentrantLock reusableLock = new ReentrantLock();
  private final ToIntFunction<Collection<T>> itemCounter;

  /** Encodes a batch into the exact bytes of one OTLP export request. */
  @FunctionalInterface
  private interface RequestEncoder<T> {
    byte[] encode(Collection<T> items) throws IOException;
  }

  private ChunkEncoder(
      Signal signal,
      RequestEncoder<T> fresh,
      RequestEncoder<T> reusable,
      ToIntFunction<Collection<T>> itemCounter) {
    this.signal = signal;
    this.fresh = fresh;
    this.reusable = reusable;
    this.itemCounter = itemCounter;
  }

  /**
   * Spans are written by {@link TraceRequestWriter}, in one pass, to the same bytes as the SDK's
   * marshaler at about half its cost (spans are most of what an application exports, and this is
   * the SDK thread's time); a second thread encoding at the same moment uses the SDK's marshaler.
   */
  public static ChunkEncoder<SpanData> spans() {
    TraceRequestWriter writer = new TraceRequestWriter();
    return new ChunkEncoder<>(
        Signal.SPANS,
        items -> write(TraceRequestMarshaler.create(items)),
        writer::write,
        Collection::size);
  }

  public static ChunkEncoder<MetricData> metrics() {
    LowAllocationMetricsRequestMarshaler reusable = new LowAllocationMetricsRequestMarshaler();
    return new ChunkEncoder<>(
        Signal.METRICS,
        items -> write(MetricsRequestMarshaler.create(items)),
        items -> {
          reusable.initialize(items);
          try {
            return write(reusable);
          } finally {
            reusable.reset();
          }
        },
        ChunkEncoder::countDataPoints);
  }

  /** Log records are written by {@link LogsRequestWriter}, as spans are (see {@link #spans}). */
  public static ChunkEncoder<LogRecordData> logs() {
    LogsRequestWriter writer = new LogsRequestWriter();
    return new ChunkEncoder<>(
        Signal.LOGS,
        items -> write(LogsRequestMarshaler.create(items)),
        writer::write,
        Collection::size);
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
        bytes = reusable.encode(items);
      } finally {
        reusableLock.unlock();
      }
    } else {
      bytes = fresh.encode(items);
    }
    return Chunk.of(signal, bytes, itemCount, false, nowEpochNanos);
  }

  private static byte[] write(Marshaler request) throws IOException {
    byte[] bytes = new byte[request.getBinarySerializedSize()];
    ArrayOutputStream out = new ArrayOutputStream(bytes);
    request.writeBinaryTo(out);
    if (out.position != bytes.length) {
      throw new IOException(
          "Encoded " + out.position + " bytes where the marshaler announced " + bytes.length);
    }
    return bytes;
  }

  private static int countDataPoints(Collection<MetricData> metrics) {
    int points = 0;
    for (MetricData metric : metrics) {
      points += metric.getData().getPoints().size();
    }
    return points;
  }

  /** Writes into a preallocated array; overflowing it is an error, never a resize. */
  private static final class ArrayOutputStream extends OutputStream {
    private final byte[] target;
    private int position;

    ArrayOutputStream(byte[] target) {
      this.target = target;
    }

    @Override
    public void write(int b) throws IOException {
      ensure(1);
      target[position++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      ensure(len);
      System.arraycopy(b, off, target, position, len);
      position += len;
    }

    private void ensure(int len) throws IOException {
      if (len > target.length - position) {
        throw new IOException(
            "Encoding overflowed the announced size of " + target.length + " bytes");
      }
    }
  }
}
