package dev.levee.exporter.internal.encode;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributeType;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Writes an OTLP export request from SDK data in one backward pass (see {@link
 * BackwardProtoWriter}): the envelope every signal shares (resource, then scope, then items), the
 * attributes and values every signal's items hold. A subclass writes one item.
 *
 * <p>Items are grouped by resource and then by instrumentation scope (by identity, as the SDK's
 * marshalers do), groups in the order they first appear. Resource and scope messages are written
 * once each and their bytes kept.
 *
 * <p>Internal, may change. Not thread-safe: one writer per thread at a time.
 */
abstract class OtlpRequestWriter<T> {
  // The envelope's field numbers are the same for traces, metrics and logs:
  // Export*ServiceRequest.resource_*, Resource*.{resource, scope_*, schema_url},
  // Scope*.{scope, items, schema_url}.
  private static final int REQUEST_RESOURCE_GROUPS = 1;
  private static final int RESOURCE_GROUP_RESOURCE = 1;
  private static final int RESOURCE_GROUP_SCOPE_GROUPS = 2;
  private static final int RESOURCE_GROUP_SCHEMA_URL = 3;
  private static final int SCOPE_GROUP_SCOPE = 1;
  /** The field of a scope group that holds its items (spans, log records). */
  static final int SCOPE_GROUP_ITEMS = 2;
  private static final int SCOPE_GROUP_SCHEMA_URL = 3;
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
  private static final int SCOPE_NAME = 1;
  private static final int SCOPE_VERSION = 2;
  private static final int SCOPE_ATTRIBUTES = 3;
  // opentelemetry/proto/resource/v1/resource.proto, common.proto's EntityRef
  private static final int RESOURCE_ATTRIBUTES = 1;
  private static final int RESOURCE_ENTITY_REFS = 3;
  private static final int ENTITY_SCHEMA_URL = 1;
  private static final int ENTITY_TYPE = 2;
  private static final int ENTITY_ID_KEYS = 3;
  private static final int ENTITY_DESCRIPTION_KEYS = 4;

  /** Resources and scopes are few and long-lived; the cache is cleared if that ever stops being so. */
  private static final int ENCODED_CACHE_MAX = 256;

  final BackwardProtoWriter out = new BackwardProtoWriter();
  private final Map<Object, byte[]> encoded = new IdentityHashMap<>();
  private final AttributeCollector attributes = new AttributeCollector();

  private final Function<T, Resource> resourceOf;
  private final Function<T, InstrumentationScopeInfo> scopeOf;

  OtlpRequestWriter(Function<T, Resource> resourceOf, Function<T, InstrumentationScopeInfo> scopeOf) {
    this.resourceOf = resourceOf;
    this.scopeOf = scopeOf;
  }

  /** Writes one item, as a complete {@link #SCOPE_GROUP_ITEMS} field of its scope group. */
  abstract void writeItem(T item);

  private Resource resourceOf(T item) {
    return resourceOf.apply(item);
  }

  private InstrumentationScopeInfo scopeOf(T item) {
    return scopeOf.apply(item);
  }

  /** The request's bytes for {@code items}, exactly sized. */
  final byte[] write(Collection<T> items) {
    try {
      List<List<List<T>>> groups = group(items);
      for (int r = groups.size() - 1; r >= 0; r--) {
        writeResourceGroup(groups.get(r));
      }
      return out.toByteArrayAndReset();
    } catch (RuntimeException e) {
      out.reset();
      throw e;
    }
  }

  private void writeResourceGroup(List<List<T>> scopes) {
    int mark = out.size();
    Resource resource = resourceOf(scopes.get(0).get(0));
    writeStringField(RESOURCE_GROUP_SCHEMA_URL, resource.getSchemaUrl());
    for (int s = scopes.size() - 1; s >= 0; s--) {
      writeScopeGroup(scopes.get(s));
    }
    int resourceMark = out.size();
    out.writeBytes(encoded(resource));
    out.endMessage(RESOURCE_GROUP_RESOURCE, resourceMark);
    out.endMessage(REQUEST_RESOURCE_GROUPS, mark);
  }

  private void writeScopeGroup(List<T> items) {
    int mark = out.size();
    InstrumentationScopeInfo scope = scopeOf(items.get(0));
    writeStringField(SCOPE_GROUP_SCHEMA_URL, scope.getSchemaUrl());
    for (int i = items.size() - 1; i >= 0; i--) {
      writeItem(items.get(i));
    }
    int scopeMark = out.size();
    out.writeBytes(encoded(scope));
    out.endMessage(SCOPE_GROUP_SCOPE, scopeMark);
    out.endMessage(RESOURCE_GROUP_SCOPE_GROUPS, mark);
  }

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
    // The key's UTF-8 bytes, kept by the key: instrumentation's keys are constants, encoded once.
    byte[] utf8 = ApiInternals.AVAILABLE ? ApiInternals.keyUtf8(key) : null;
    if (utf8 != null) {
      out.writeBytes(utf8);
    } else {
      out.writeUtf8(name);
    }
    out.endMessage(KEY_VALUE_KEY, mark);
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

  /** The resource's or scope's message content, written once and kept. */
  private byte[] encoded(Object resourceOrScope) {
    byte[] bytes = encoded.get(resourceOrScope);
    if (bytes == null) {
      // Written through the same buffer, below what is written so far, and taken off again.
      int mark = out.size();
      if (resourceOrScope instanceof Resource resource) {
        writeResource(resource);
      } else {
        writeScope((InstrumentationScopeInfo) resourceOrScope);
      }
      bytes = out.takeSince(mark);
      if (encoded.size() >= ENCODED_CACHE_MAX) {
        encoded.clear();
      }
      encoded.put(resourceOrScope, bytes);
    }
    return bytes;
  }

  /** A Resource message's fields: attributes, then entity references where the SDK has them. */
  private void writeResource(Resource resource) {
    List<RunningSdk.Entity> entities = RunningSdk.entities(resource);
    for (int i = entities.size() - 1; i >= 0; i--) {
      RunningSdk.Entity entity = entities.get(i);
      int mark = out.size();
      for (int k = entity.descriptionKeys().size() - 1; k >= 0; k--) {
        writeRepeatedString(ENTITY_DESCRIPTION_KEYS, entity.descriptionKeys().get(k));
      }
      for (int k = entity.idKeys().size() - 1; k >= 0; k--) {
        writeRepeatedString(ENTITY_ID_KEYS, entity.idKeys().get(k));
      }
      writeRepeatedString(ENTITY_TYPE, entity.type());
      writeStringField(ENTITY_SCHEMA_URL, entity.schemaUrl());
      out.endMessage(RESOURCE_ENTITY_REFS, mark);
    }
    writeAttributes(RESOURCE_ATTRIBUTES, resource.getAttributes());
  }

  /** An InstrumentationScope message's fields: name, version, attributes. */
  private void writeScope(InstrumentationScopeInfo scope) {
    writeAttributes(SCOPE_ATTRIBUTES, scope.getAttributes());
    writeStringField(SCOPE_VERSION, scope.getVersion());
    writeStringField(SCOPE_NAME, scope.getName());
  }

  /** A string field written even when empty, as an element of a repeated field is. */
  private void writeRepeatedString(int fieldNumber, String value) {
    int mark = out.size();
    out.writeUtf8(value);
    out.endMessage(fieldNumber, mark);
  }

  /**
   * Items by resource, then by scope, by identity, each in the order of first appearance. A batch
   * from one resource and scope, the usual case, is one group without any map.
   */
  private List<List<List<T>>> group(Collection<T> items) {
    if (items.isEmpty()) {
      return List.of();
    }
    // Walked by index, from the end: a list that is not random-access is copied once.
    List<T> all =
        items instanceof List<T> list && list instanceof java.util.RandomAccess
            ? list
            : new ArrayList<>(items);
    T first = all.get(0);
    Resource firstResource = resourceOf(first);
    InstrumentationScopeInfo firstScope = scopeOf(first);
    boolean single = true;
    for (T item : all) {
      if (resourceOf(item) != firstResource || scopeOf(item) != firstScope) {
        single = false;
        break;
      }
    }
    if (single) {
      return List.of(List.of(all));
    }
    Map<Resource, Map<InstrumentationScopeInfo, List<T>>> byResource = new IdentityHashMap<>();
    Map<Resource, List<List<T>>> resourceGroups = new IdentityHashMap<>();
    List<List<List<T>>> groups = new ArrayList<>();
    for (T item : all) {
      Resource resource = resourceOf(item);
      List<List<T>> scopeGroups =
          resourceGroups.computeIfAbsent(
              resource,
              r -> {
                List<List<T>> created = new ArrayList<>();
                groups.add(created);
                return created;
              });
      byResource
          .computeIfAbsent(resource, r -> new IdentityHashMap<>())
          .computeIfAbsent(
              scopeOf(item),
              s -> {
                List<T> created = new ArrayList<>();
                scopeGroups.add(created);
                return created;
              })
          .add(item);
    }
    return groups;
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
