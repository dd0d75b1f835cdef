package dev.levee.exporter.internal.transport;

import java.nio.charset.StandardCharsets;

/**
 * Reads the retry delay a server put in a gRPC error: the {@code grpc-status-details-bin} trailer
 * holds a {@code google.rpc.Status} whose {@code details} may include a {@code
 * google.rpc.RetryInfo} with a {@code retry_delay}. Parsed by hand, as {@link PartialSuccess} is,
 * to keep protobuf-java out of the extension.
 *
 * <p>Internal, may change.
 */
public final class RetryInfo {
  static final String TYPE_URL = "type.googleapis.com/google.rpc.RetryInfo";

  private RetryInfo() {}

  /**
   * Returns the retry delay in nanoseconds, or {@link SendOutcome#NO_RETRY_DELAY} if the status
   * details carry no RetryInfo. Malformed details count as none.
   */
  public static long retryDelayNanos(byte[] statusDetails) {
    try {
      ProtoReader status = new ProtoReader(statusDetails, 0, statusDetails.length);
      while (status.hasMore()) {
        long tag = status.varint();
        if (tag == ((3 << 3) | 2)) { // repeated google.protobuf.Any details = 3
          int length = (int) status.varint();
          long delay = fromAny(status.sub(length));
          if (delay != SendOutcome.NO_RETRY_DELAY) {
            return delay;
          }
        } else {
          status.skipField(tag);
        }
      }
    } catch (IllegalArgumentException e) {
      return SendOutcome.NO_RETRY_DELAY;
    }
    return SendOutcome.NO_RETRY_DELAY;
  }

  private static long fromAny(ProtoReader any) {
    String typeUrl = "";
    ProtoReader value = null;
    while (any.hasMore()) {
      long tag = any.varint();
      if (tag == ((1 << 3) | 2)) {
        int length = (int) any.varint();
        typeUrl = new String(any.bytes, any.position, length, StandardCharsets.UTF_8);
        any.skipBytes(length);
      } else if (tag == ((2 << 3) | 2)) {
        value = any.sub((int) any.varint());
      } else {
        any.skipField(tag);
      }
    }
    if (!TYPE_URL.equals(typeUrl) || value == null) {
      return SendOutcome.NO_RETRY_DELAY;
    }
    while (value.hasMore()) { // RetryInfo { google.protobuf.Duration retry_delay = 1; }
      long tag = value.varint();
      if (tag == ((1 << 3) | 2)) {
        return durationNanos(value.sub((int) value.varint()));
      }
      value.skipField(tag);
    }
    return SendOutcome.NO_RETRY_DELAY;
  }

  private static long durationNanos(ProtoReader duration) {
    long seconds = 0;
    long nanos = 0;
    while (duration.hasMore()) {
      long tag = duration.varint();
      if (tag == (1 << 3)) {
        seconds = duration.varint();
      } else if (tag == (2 << 3)) {
        nanos = (int) duration.varint();
      } else {
        duration.skipField(tag);
      }
    }
    if (seconds < 0 || nanos < 0) {
      return 0;
    }
    return Math.min(seconds, Long.MAX_VALUE / 1_000_000_000L - 1) * 1_000_000_000L + nanos;
  }
}
