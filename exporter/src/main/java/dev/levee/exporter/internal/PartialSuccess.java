package dev.levee.exporter.internal;

import java.nio.charset.StandardCharsets;

/**
 * Reads {@code partial_success} from an OTLP {@code Export*ServiceResponse}.
 *
 * <p>All three responses share one layout: field 1 is the partial success message, whose field 1
 * is the rejected item count (int64) and field 2 the error message (string). Reading it by hand
 * keeps protobuf-java out of the extension for the sake of two fields. Unknown fields are skipped
 * as the protobuf rules require.
 *
 * <p>Internal, may change.
 */
public record PartialSuccess(long rejectedItems, String errorMessage) {
  static final PartialSuccess NONE = new PartialSuccess(0, "");

  /** Parses a response; an empty response means full success. */
  public static PartialSuccess parse(byte[] response) {
    Reader reader = new Reader(response, 0, response.length);
    PartialSuccess result = NONE;
    while (reader.hasMore()) {
      long tag = reader.varint();
      if ((tag >>> 3) == 1 && (tag & 7) == 2) {
        int length = (int) reader.varint();
        result = parseInner(new Reader(response, reader.position, reader.position + length));
        reader.skipBytes(length);
      } else {
        reader.skipField(tag);
      }
    }
    return result;
  }

  private static PartialSuccess parseInner(Reader reader) {
    long rejected = 0;
    String message = "";
    while (reader.hasMore()) {
      long tag = reader.varint();
      int field = (int) (tag >>> 3);
      if (field == 1 && (tag & 7) == 0) {
        rejected = reader.varint();
      } else if (field == 2 && (tag & 7) == 2) {
        int length = (int) reader.varint();
        message = new String(reader.bytes, reader.position, length, StandardCharsets.UTF_8);
        reader.skipBytes(length);
      } else {
        reader.skipField(tag);
      }
    }
    return new PartialSuccess(rejected, message);
  }

  private static final class Reader {
    final byte[] bytes;
    int position;
    final int limit;

    Reader(byte[] bytes, int position, int limit) {
      if (limit > bytes.length || position > limit) {
        throw new IllegalArgumentException("Malformed OTLP response: truncated field");
      }
      this.bytes = bytes;
      this.position = position;
      this.limit = limit;
    }

    boolean hasMore() {
      return position < limit;
    }

    long varint() {
      long value = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (position >= limit) {
          throw new IllegalArgumentException("Malformed OTLP response: truncated varint");
        }
        byte b = bytes[position++];
        value |= (long) (b & 0x7f) << shift;
        if (b >= 0) {
          return value;
        }
      }
      throw new IllegalArgumentException("Malformed OTLP response: varint too long");
    }

    void skipBytes(int length) {
      if (length < 0 || length > limit - position) {
        throw new IllegalArgumentException("Malformed OTLP response: truncated field");
      }
      position += length;
    }

    void skipField(long tag) {
      switch ((int) (tag & 7)) {
        case 0 -> varint();
        case 1 -> skipBytes(8);
        case 2 -> skipBytes((int) varint());
        case 5 -> skipBytes(4);
        default ->
            throw new IllegalArgumentException("Malformed OTLP response: wire type " + (tag & 7));
      }
    }
  }
}
