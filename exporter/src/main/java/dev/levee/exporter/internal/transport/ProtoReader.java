package dev.levee.exporter.internal.transport;

/**
 * Just enough of the protobuf wire format to read a few fields of a response: varints,
 * length-delimited fields, and skipping whatever else is there, as the protobuf rules require.
 * Every read is bounds-checked; malformed input is an {@link IllegalArgumentException}.
 */
final class ProtoReader {
  final byte[] bytes;
  int position;
  private final int limit;

  ProtoReader(byte[] bytes, int position, int limit) {
    if (limit > bytes.length || position > limit || position < 0) {
      throw new IllegalArgumentException("Malformed protobuf: truncated field");
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
        throw new IllegalArgumentException("Malformed protobuf: truncated varint");
      }
      byte b = bytes[position++];
      value |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        return value;
      }
    }
    throw new IllegalArgumentException("Malformed protobuf: varint too long");
  }

  void skipBytes(int length) {
    if (length < 0 || length > limit - position) {
      throw new IllegalArgumentException("Malformed protobuf: truncated field");
    }
    position += length;
  }

  /** A reader over the next {@code length} bytes, which this reader then skips. */
  ProtoReader sub(int length) {
    ProtoReader sub = new ProtoReader(bytes, position, checkedEnd(length));
    position += length;
    return sub;
  }

  private int checkedEnd(int length) {
    if (length < 0 || length > limit - position) {
      throw new IllegalArgumentException("Malformed protobuf: truncated field");
    }
    return position + length;
  }

  void skipField(long tag) {
    switch ((int) (tag & 7)) {
      case 0 -> varint();
      case 1 -> skipBytes(8);
      case 2 -> skipBytes((int) varint());
      case 5 -> skipBytes(4);
      default -> throw new IllegalArgumentException("Malformed protobuf: wire type " + (tag & 7));
    }
  }
}
