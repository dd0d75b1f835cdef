package dev.levee.exporter.internal;

import dev.levee.buffer.Chunk;
import dev.levee.buffer.Signal;
import io.opentelemetry.exporter.internal.marshal.Marshaler;
import io.opentelemetry.exporter.internal.otlp.logs.LogsRequestMarshaler;
import io.opentelemetry.exporter.internal.otlp.metrics.MetricsRequestMarshaler;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Collection;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Encodes one SDK batch into one {@link Chunk}: the exact bytes of an OTLP {@code
 * Export*ServiceRequest}, written once into an array of exactly the right size.
 *
 * <p>It uses the SDK's own OTLP marshalers, which write protobuf straight from the SDK data
 * objects with sizes computed up front: no intermediate protobuf objects, no resizing copies.
 *
 * <p>Internal, may change. Thread-safe.
 */
public final class ChunkEncoder<T> {
  private final Signal signal;
  private final Function<Collection<T>, Marshaler> marshaler;
  private final ToIntFunction<Collection<T>> itemCounter;

  private ChunkEncoder(
      Signal signal,
      Function<Collection<T>, Marshaler> marshaler,
      ToIntFunction<Collection<T>> itemCounter) {
    this.signal = signal;
    this.marshaler = marshaler;
    this.itemCounter = itemCounter;
  }

  public static ChunkEncoder<SpanData> spans() {
    return new ChunkEncoder<>(Signal.SPANS, TraceRequestMarshaler::create, Collection::size);
  }

  public static ChunkEncoder<MetricData> metrics() {
    return new ChunkEncoder<>(
        Signal.METRICS, MetricsRequestMarshaler::create, ChunkEncoder::countDataPoints);
  }

  public static ChunkEncoder<LogRecordData> logs() {
    return new ChunkEncoder<>(Signal.LOGS, LogsRequestMarshaler::create, Collection::size);
  }

  public Signal signal() {
    return signal;
  }

  /** Items the batch holds, as Levee counts them (metrics count data points). */
  public int count(Collection<T> items) {
    return itemCounter.applyAsInt(items);
  }

  /** Encodes the batch; {@code itemCount} is {@link #count} of the same batch. */
  public Chunk encode(Collection<T> items, int itemCount, long nowEpochNanos) throws IOException {
    Marshaler request = marshaler.apply(items);
    byte[] bytes = new byte[request.getBinarySerializedSize()];
    ArrayOutputStream out = new ArrayOutputStream(bytes);
    request.writeBinaryTo(out);
    if (out.position != bytes.length) {
      throw new IOException(
          "Encoded " + out.position + " bytes where the marshaler announced " + bytes.length);
    }
    return Chunk.of(signal, bytes, itemCount, false, nowEpochNanos);
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
