package dev.levee.exporter.internal.encode;

import java.util.Arrays;

/**
 * Writes protobuf from the end of a buffer towards its start, so that a nested message's length is
 * known when its header is written: the message is written first, then its length, then its tag.
 * One pass, no size computation beforehand, no string encoded twice. The caller writes the fields
 * of a message in reverse order, and the elements of a repeated field from last to first.
 *
 * <p>Positions handed out by {@link #size()} are distances from the end of the buffer, so they stay
 * valid when the buffer grows.
 *
 * <p>Internal, may change. Not thread-safe: one writer per thread at a time.
 */
final class BackwardProtoWriter {
  static final int VARINT = 0;
  static final int FIXED64 = 1;
  static final int LENGTH_DELIMITED = 2;
  static final int FIXED32 = 5;

  /** A buffer larger than this after a batch is let go rather than kept for the next one. */
  private static final int RETAINED_MAX = 4 << 20;

  private static final int INITIAL = 64 << 10;

  private byte[] buffer = new byte[INITIAL];
  private int position = buffer.length;

  /** Bytes written so far. */
  int size() {
    return buffer.length - position;
  }

  /** The bytes written, in order, as an array of exactly their size; then starts over. */
  byte[] toByteArrayAndReset() {
    byte[] result = Arrays.copyOfRange(buffer, position, buffer.length);
    reset();
    return result;
  }

  /**
   * The bytes written since {@code mark = size()}, as an array; they are taken off, so the writer
   * is back at {@code mark}.
   */
  byte[] takeSince(int mark) {
    int length = size() - mark;
    byte[] taken = Arrays.copyOfRange(buffer, position, position + length);
    position += length;
    return taken;
  }

  /** Drops what was written (after a failure part-way through, or once copied out). */
  void reset() {
    if (buffer.length > RETAINED_MAX) {
      buffer = new byte[INITIAL];
    }
    position = buffer.length;
  }

  /** Closes a length-delimited field whose content was written since {@code mark = size()}. */
  void endMessage(int fieldNumber, int mark) {
    writeVarint32(size() - mark);
    writeTag(fieldNumber, LENGTH_DELIMITED);
  }

  void writeTag(int fieldNumber, int wireType) {
    writeVarint32((fieldNumber << 3) | wireType);
  }

  /** An unsigned 32-bit varint (also how protobuf writes uint32 and non-negative int32/enum). */
  void writeVarint32(int value) {
    if ((value & ~0x7F) == 0) {
      // Tags and lengths below 128, most of what a span holds.
      if (position == 0) {
        grow(1);
      }
      buffer[--position] = (byte) value;
      return;
    }
    if ((value & ~0x3FFF) == 0) {
      // Lengths below 16 KiB: a span, an event, an attribute.
      if (position < 2) {
        grow(2);
      }
      buffer[--position] = (byte) (value >>> 7);
      buffer[--position] = (byte) ((value & 0x7F) | 0x80);
      return;
    }
    int length = varint32Size(value);
    ensure(length);
    int at = position - length;
    position = at;
    while ((value & ~0x7F) != 0) {
      buffer[at++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    buffer[at] = (byte) value;
  }

  void writeVarint64(long value) {
    if ((value & ~0x3FFFL) == 0) {
      // Small non-negative values (status codes, ports, counts): the 32-bit path's one or two bytes.
      writeVarint32((int) value);
      return;
    }
    int length = varint64Size(value);
    ensure(length);
    int at = position - length;
    position = at;
    while ((value & ~0x7FL) != 0) {
      buffer[at++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    buffer[at] = (byte) value;
  }

  void writeFixed64(long value) {
    ensure(8);
    int at = position - 8;
    position = at;
    for (int i = 0; i < 8; i++) {
      buffer[at + i] = (byte) (value >>> (8 * i));
    }
  }

  void writeFixed32(int value) {
    ensure(4);
    int at = position - 4;
    position = at;
    for (int i = 0; i < 4; i++) {
      buffer[at + i] = (byte) (value >>> (8 * i));
    }
  }

  void writeBytes(byte[] bytes) {
    ensure(bytes.length);
    position -= bytes.length;
    System.arraycopy(bytes, 0, buffer, position, bytes.length);
  }

  /**
   * The UTF-8 bytes of {@code value}, encoded as they are copied. An unpaired surrogate becomes
   * {@code '?'}, as {@link String#getBytes(java.nio.charset.Charset)} does.
   */
  void writeUtf8(String value) {
    int length = value.length();
    ensure(length * 3);
    byte[] out = buffer;
    int at = position;
    int i = length - 1;
    // ASCII, the common case, one byte per char.
    for (; i >= 0; i--) {
      char c = value.charAt(i);
      if (c >= 0x80) {
        break;
      }
      out[--at] = (byte) c;
    }
    for (; i >= 0; i--) {
      char c = value.charAt(i);
      if (c < 0x80) {
        out[--at] = (byte) c;
      } else if (c < 0x800) {
        out[--at] = (byte) (0x80 | (c & 0x3F));
        out[--at] = (byte) (0xC0 | (c >>> 6));
      } else if (Character.isSurrogate(c)) {
        char high = i > 0 ? value.charAt(i - 1) : 0;
        if (Character.isLowSurrogate(c) && Character.isHighSurrogate(high)) {
          int codePoint = Character.toCodePoint(high, c);
          out[--at] = (byte) (0x80 | (codePoint & 0x3F));
          out[--at] = (byte) (0x80 | ((codePoint >>> 6) & 0x3F));
          out[--at] = (byte) (0x80 | ((codePoint >>> 12) & 0x3F));
          out[--at] = (byte) (0xF0 | (codePoint >>> 18));
          i--;
        } else {
          out[--at] = (byte) '?';
        }
      } else {
        out[--at] = (byte) (0x80 | (c & 0x3F));
        out[--at] = (byte) (0x80 | ((c >>> 6) & 0x3F));
        out[--at] = (byte) (0xE0 | (c >>> 12));
      }
    }
    position = at;
  }

  /**
   * The bytes a lower-case hex string stands for, two characters to a byte (trace and span ids,
   * which the SDK holds as validated hex).
   */
  void writeHexAsBytes(String hex) {
    int length = hex.length() / 2;
    ensure(length);
    int at = position - length;
    position = at;
    for (int i = 0; i < length; i++) {
      buffer[at + i] = (byte) ((nibble(hex.charAt(2 * i)) << 4) | nibble(hex.charAt(2 * i + 1)));
    }
  }

  private static final byte[] NIBBLES = nibbles();

  private static byte[] nibbles() {
    byte[] table = new byte[128];
    java.util.Arrays.fill(table, (byte) -1);
    for (int c = '0'; c <= '9'; c++) {
      table[c] = (byte) (c - '0');
    }
    for (int c = 'a'; c <= 'f'; c++) {
      table[c] = (byte) (c - 'a' + 10);
      table[c - 'a' + 'A'] = (byte) (c - 'a' + 10);
    }
    return table;
  }

  private static int nibble(char c) {
    int value = c < 128 ? NIBBLES[c] : -1;
    if (value < 0) {
      throw new IllegalArgumentException("Not a hex id: '" + c + "'");
    }
    return value;
  }

  static int varint32Size(int value) {
    return (31 - Integer.numberOfLeadingZeros(value | 1)) / 7 + 1;
  }

  static int varint64Size(long value) {
    return (63 - Long.numberOfLeadingZeros(value | 1)) / 7 + 1;
  }

  private void ensure(int bytes) {
    if (position < bytes) {
      grow(bytes);
    }
  }

  private void grow(int bytes) {
    int used = size();
    long wanted = Math.max((long) buffer.length * 2, (long) used + bytes + INITIAL);
    if (wanted > Integer.MAX_VALUE - 16) {
      throw new IllegalStateException("An encoded batch would exceed 2 GiB");
    }
    byte[] larger = new byte[(int) wanted];
    System.arraycopy(buffer, position, larger, larger.length - used, used);
    buffer = larger;
    position = larger.length - used;
  }
}
