package dev.levee.buffer;

import java.util.Objects;

/**
 * One encoded OTLP {@code Export*ServiceRequest}: the unit Levee buffers, journals and sends.
 *
 * <p>The payload is the exact protobuf encoding of the request, encoded once when the SDK hands a
 * batch to Levee. Because protobuf concatenation merges repeated fields, the payloads of several
 * chunks of one signal placed end to end are themselves one valid request: the sender never
 * decodes them.
 *
 * <p>Immutable by contract: the payload array is not copied and must not be modified by anyone
 * after construction. Thread-safe.
 */
public final class Chunk {
  private final Signal signal;
  private final byte[] payload;
  private final int itemCount;
  private final boolean priority;
  private final long acceptedAtEpochNanos;

  private Chunk(
      Signal signal, byte[] payload, int itemCount, boolean priority, long acceptedAtEpochNanos) {
    this.signal = signal;
    this.payload = payload;
    this.itemCount = itemCount;
    this.priority = priority;
    this.acceptedAtEpochNanos = acceptedAtEpochNanos;
  }

  /**
   * Creates a chunk.
   *
   * @param signal the signal of the request in {@code payload}
   * @param payload the encoded request; owned by the chunk from now on
   * @param itemCount spans, metric data points or log records in the request, at least 0
   * @param priority whether the chunk travels in the priority lane
   * @param acceptedAtEpochNanos when Levee accepted the data, nanoseconds since the epoch
   */
  public static Chunk of(
      Signal signal, byte[] payload, int itemCount, boolean priority, long acceptedAtEpochNanos) {
    Objects.requireNonNull(signal, "signal");
    Objects.requireNonNull(payload, "payload");
    if (itemCount < 0) {
      throw new IllegalArgumentException("itemCount must not be negative, was " + itemCount);
    }
    return new Chunk(signal, payload, itemCount, priority, acceptedAtEpochNanos);
  }

  public Signal signal() {
    return signal;
  }

  /** The encoded request. Not a copy: never modify it. */
  public byte[] payload() {
    return payload;
  }

  /** The exact size of the encoded request in bytes; what memory and journal limits count. */
  public int sizeBytes() {
    return payload.length;
  }

  /** Spans, metric data points or log records in this chunk. */
  public int itemCount() {
    return itemCount;
  }

  public boolean isPriority() {
    return priority;
  }

  /** When Levee accepted the data, in nanoseconds since the epoch. */
  public long acceptedAtEpochNanos() {
    return acceptedAtEpochNanos;
  }

  @Override
  public String toString() {
    return "Chunk{signal="
        + signal
        + ", items="
        + itemCount
        + ", bytes="
        + payload.length
        + ", priority="
        + priority
        + "}";
  }
}
