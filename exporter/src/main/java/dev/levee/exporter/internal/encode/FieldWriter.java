package dev.levee.exporter.internal.encode;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributeType;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.trace.TraceState;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The fields every OTLP request writer writes, backwards into {@link #out}: attributes and their
 * values ({@code AnyValue}, nested), strings, ids, trace state and the scalar fields with proto3's
 * defaults left out. {@link OtlpRequestWriter} adds the request's envelope.
 *
 * <p>Internal, may change. Not thread-safe: one writer per thread at a time.
 */
abstract class FieldWriter {
  // opentelemetry/proto/common/v1/common.proto
  private static final int KEY_VALUE_KEY = 1;
  private static final int KEY_VALUE_VALUE = 2;
  private static final int ANY_STRING = 1;
  private static final int ANY_BOOL = 2;
  private static final int ANY_INT = 3;
  private static final int ANY_DOUBLE = 4;
  private static final int ANY_ARRAY = 5;
  private static final int ANY_KVLIST = 6;
  private static final int ANY_BYTES = 7;
  private static final int ARRAY_VALUES = 1;
  private static final int KVLIST_VALUES = 1;

  /** Slots of the attribute names' UTF-8 cache (a power of two). */
  private static final int KEY_CACHE_SLOTS = 256;
  /** Names longer than this are written as they come, not kept. */
  private static final int KEY_CACHE_MAX_CHARS = 128;

  final BackwardProtoWriter out = new BackwardProtoWriter();
  private final AttributeCollector attributes = new AttributeCollector();
  /**
   * Attribute names' UTF-8 by name, one name per slot (by its hash): {@code
   * span.setAttribute("http.route", v)} makes a new key each call, whose own cache of its UTF-8 is
   * empty, so without this every such attribute of every item cost an encoding and an array.
   */
  private final String[] keyNames = new String[KEY_CACHE_SLOTS];
  private final byte[][] keyUtf8 = new byte[KEY_CACHE_SLOTS][];

  final void writeAttributes(int fieldNumber, Attributes attributes) {
    if (attributes.isEmpty()) {
      return;
    }
    // The SDK's attributes: keys and values alternate in one array, read without copying.
    Object[] data = ApiInternals.AVAILABLE ? ApiInternals.keysAndValues(attributes) : null;
    if (data != null) {
      for (int i = data.length - 2; i >= 0; i -= 2) {
        writeAttribute(fieldNumber, (AttributeKey<?>) data[i], data[i + 1]);
      }
      return;
    }
    AttributeCollector collected = this.attributes.collect(attributes);
    // Each attribute is written before the next is collected, so the collector is free for the
    // (never nested) attributes of the next event, link or span.
    for (int i = collected.count - 1; i >= 0; i--) {
      writeAttribute(fieldNumber, collected.keys[i], collected.values[i]);
    }
    collected.clear();
  }

  private void writeAttribute(int fieldNumber, AttributeKey<?> key, Object value) {
    int mark = out.size();
    writeAttributeValue(key, value);
    out.endMessage(KEY_VALUE_VALUE, mark);
    writeKey(key);
    out.endMessage(fieldNumber, mark);
  }

  private void writeKey(AttributeKey<?> key) {
    String name = key.getKey();
    if (name.isEmpty()) {
      return;
    }
    int mark = out.size();
    byte[] utf8 = keyUtf8(key, name);
    if (utf8 != null) {
      out.writeBytes(utf8);
    } else {
      out.writeUtf8(name);
    }
    out.endMessage(KEY_VALUE_KEY, mark);
  }

  /** The name's UTF-8 from the cache, else as the key keeps it (then cached); null: too long. */
  private byte[] keyUtf8(AttributeKey<?> key, String name) {
    if (name.length() > KEY_CACHE_MAX_CHARS) {
      return null;
    }
    int slot = name.hashCode() & (KEY_CACHE_SLOTS - 1);
    String cached = keyNames[slot];
    if (cached == name || name.equals(cached)) {
      return keyUtf8[slot];
    }
    // Instrumentation's keys are constants that keep their UTF-8, encoded once.
    byte[] utf8 = ApiInternals.AVAILABLE ? ApiInternals.keyUtf8(key) : null;
    if (utf8 == null) {
      utf8 = name.getBytes(StandardCharsets.UTF_8);
    }
    keyNames[slot] = name;
    keyUtf8[slot] = utf8;
    return utf8;
  }

  @SuppressWarnings("unchecked")
  private void writeAttributeValue(AttributeKey<?> key, Object value) {
    AttributeType type = key.getType();
    switch (type) {
      case STRING -> writeAnyString((String) value);
      case LONG -> writeAnyLong((Long) value);
      case BOOLEAN -> writeAnyBoolean((Boolean) value);
      case DOUBLE -> writeAnyDouble((Double) value);
      case STRING_ARRAY, LONG_ARRAY, BOOLEAN_ARRAY, DOUBLE_ARRAY -> {
        List<Object> list = (List<Object>) value;
        int mark = out.size();
        for (int i = list.size() - 1; i >= 0; i--) {
          int elementMark = out.size();
          Object element = list.get(i);
          switch (type) {
            case STRING_ARRAY -> writeAnyString((String) element);
            case LONG_ARRAY -> writeAnyLong((Long) element);
            case BOOLEAN_ARRAY -> writeAnyBoolean((Boolean) element);
            default -> writeAnyDouble((Double) element);
          }
          out.endMessage(ARRAY_VALUES, elementMark);
        }
        out.endMessage(ANY_ARRAY, mark);
      }
      default -> {
        // AttributeType.VALUE (SDK 1.5x and later, absent from the 1.44 API compiled against).
        if (value instanceof Value<?> anyValue) {
          writeAnyValue(anyValue);
        }
      }
    }
  }

  private void writeAnyString(String value) {
    int mark = out.size();
    out.writeUtf8(value);
    out.endMessage(ANY_STRING, mark);
  }

  private void writeAnyLong(long value) {
    out.writeVarint64(value);
    out.writeTag(ANY_INT, BackwardProtoWriter.VARINT);
  }

  private void writeAnyBoolean(boolean value) {
    out.writeVarint32(value ? 1 : 0);
    out.writeTag(ANY_BOOL, BackwardProtoWriter.VARINT);
  }

  private void writeAnyDouble(double value) {
    out.writeFixed64(Double.doubleToRawLongBits(value));
    out.writeTag(ANY_DOUBLE, BackwardProtoWriter.FIXED64);
  }

  /** The fields of an AnyValue message (without its own header). */
  @SuppressWarnings("unchecked")
  final void writeAnyValue(Value<?> value) {
    switch (value.getType()) {
      case STRING -> writeAnyString((String) value.getValue());
      case BOOLEAN -> writeAnyBoolean((Boolean) value.getValue());
      case LONG -> writeAnyLong((Long) value.getValue());
      case DOUBLE -> writeAnyDouble((Double) value.getValue());
      case ARRAY -> {
        List<Value<?>> elements = (List<Value<?>>) value.getValue();
        int mark = out.size();
        for (int i = elements.size() - 1; i >= 0; i--) {
          int elementMark = out.size();
          writeAnyValue(elements.get(i));
          out.endMessage(ARRAY_VALUES, elementMark);
        }
        out.endMessage(ANY_ARRAY, mark);
      }
      case KEY_VALUE_LIST -> {
        List<KeyValue> entries = (List<KeyValue>) value.getValue();
        int mark = out.size();
        for (int i = entries.size() - 1; i >= 0; i--) {
          KeyValue entry = entries.get(i);
          int entryMark = out.size();
          writeAnyValue(entry.getValue());
          out.endMessage(KEY_VALUE_VALUE, entryMark);
          writeStringField(KEY_VALUE_KEY, entry.getKey());
          out.endMessage(KVLIST_VALUES, entryMark);
        }
        out.endMessage(ANY_KVLIST, mark);
      }
      case BYTES -> {
        ByteBuffer bytes = ((ByteBuffer) value.getValue()).duplicate();
        byte[] copy = new byte[bytes.remaining()];
        bytes.get(copy);
        int mark = out.size();
        out.writeBytes(copy);
        out.endMessage(ANY_BYTES, mark);
      }
      default -> {
        // ValueType.EMPTY (newer APIs): an empty AnyValue, no field set.
      }
    }
  }

  final void writeTraceState(int fieldNumber, TraceState traceState) {
    if (!traceState.isEmpty()) {
      writeStringField(fieldNumber, encodeTraceState(traceState));
    }
  }

  /** The W3C {@code tracestate} header's form: {@code key=value} entries joined by commas. */
  static String encodeTraceState(TraceState traceState) {
    StringBuilder header = new StringBuilder();
    traceState.forEach(
        (key, value) -> {
          if (header.length() > 0) {
            header.append(',');
          }
          header.append(key).append('=').append(value);
        });
    return header.toString();
  }

  final void writeIdField(int fieldNumber, String hexId) {
    int mark = out.size();
    out.writeHexAsBytes(hexId);
    out.endMessage(fieldNumber, mark);
  }

  /** A string field, left out when empty or absent (proto3's default). */
  final void writeStringField(int fieldNumber, String value) {
    if (value == null || value.isEmpty()) {
      return;
    }
    int mark = out.size();
    out.writeUtf8(value);
    out.endMessage(fieldNumber, mark);
  }

  /** A uint32 field, left out when zero. */
  final void writeUInt32Field(int fieldNumber, int value) {
    if (value != 0) {
      out.writeVarint32(value);
      out.writeTag(fieldNumber, BackwardProtoWriter.VARINT);
    }
  }

  final void writeFixed64Field(int fieldNumber, long value) {
    if (value != 0) {
      out.writeFixed64(value);
      out.writeTag(fieldNumber, BackwardProtoWriter.FIXED64);
    }
  }

  /** An attribute set as two arrays, to be written from last to first. */
  private static final class AttributeCollector implements BiConsumer<AttributeKey<?>, Object> {
    AttributeKey<?>[] keys = new AttributeKey<?>[16];
    Object[] values = new Object[16];
    int count;

    AttributeCollector collect(Attributes attributes) {
      count = 0;
      attributes.forEach(this);
      return this;
    }

    @Override
    public void accept(AttributeKey<?> key, Object value) {
      if (count == keys.length) {
        keys = java.util.Arrays.copyOf(keys, count * 2);
        values = java.util.Arrays.copyOf(values, count * 2);
      }
      keys[count] = key;
      values[count] = value;
      count++;
    }

    void clear() {
      java.util.Arrays.fill(keys, 0, count, null);
      java.util.Arrays.fill(values, 0, count, null);
      count = 0;
    }
  }
}
