package dev.levee.exporter.internal;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributeType;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.internal.ImmutableKeyValuePairs;
import io.opentelemetry.api.internal.InternalAttributeKeyImpl;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.internal.W3CTraceContextEncoding;
import io.opentelemetry.exporter.internal.marshal.Marshaler;
import io.opentelemetry.exporter.internal.otlp.InstrumentationScopeMarshaler;
import io.opentelemetry.exporter.internal.otlp.ResourceMarshaler;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Writes an OTLP {@code ExportTraceServiceRequest} from SDK spans in one backward pass (see {@link
 * BackwardProtoWriter}). The bytes are those the SDK's own OTLP marshaler writes for the same
 * spans, field for field (the tests hold it to that), at about half its cost: the SDK's marshaler
 * walks every span twice, once to size each nested message and once to write it, and measures the
 * UTF-8 length of every string before encoding it.
 *
 * <p>Spans are grouped by resource and then by instrumentation scope (by identity, as the SDK
 * does), groups in the order they first appear. Resource and scope messages are encoded once, by
 * the SDK's marshalers, and kept.
 *
 * <p>Internal, may change. Not thread-safe: one writer per thread at a time.
 */
final class TraceRequestWriter {
  // opentelemetry/proto/trace/v1/trace.proto and common/v1/common.proto field numbers.
  private static final int REQUEST_RESOURCE_SPANS = 1;
  private static final int RESOURCE_SPANS_RESOURCE = 1;
  private static final int RESOURCE_SPANS_SCOPE_SPANS = 2;
  private static final int RESOURCE_SPANS_SCHEMA_URL = 3;
  private static final int SCOPE_SPANS_SCOPE = 1;
  private static final int SCOPE_SPANS_SPANS = 2;
  private static final int SCOPE_SPANS_SCHEMA_URL = 3;
  private static final int SPAN_TRACE_ID = 1;
  private static final int SPAN_SPAN_ID = 2;
  private static final int SPAN_TRACE_STATE = 3;
  private static final int SPAN_PARENT_SPAN_ID = 4;
  private static final int SPAN_NAME = 5;
  private static final int SPAN_KIND = 6;
  private static final int SPAN_START = 7;
  private static final int SPAN_END = 8;
  private static final int SPAN_ATTRIBUTES = 9;
  private static final int SPAN_DROPPED_ATTRIBUTES = 10;
  private static final int SPAN_EVENTS = 11;
  private static final int SPAN_DROPPED_EVENTS = 12;
  private static final int SPAN_LINKS = 13;
  private static final int SPAN_DROPPED_LINKS = 14;
  private static final int SPAN_STATUS = 15;
  private static final int SPAN_FLAGS = 16;
  private static final int EVENT_TIME = 1;
  private static final int EVENT_NAME = 2;
  private static final int EVENT_ATTRIBUTES = 3;
  private static final int EVENT_DROPPED_ATTRIBUTES = 4;
  private static final int LINK_TRACE_ID = 1;
  private static final int LINK_SPAN_ID = 2;
  private static final int LINK_TRACE_STATE = 3;
  private static final int LINK_ATTRIBUTES = 4;
  private static final int LINK_DROPPED_ATTRIBUTES = 5;
  private static final int LINK_FLAGS = 6;
  private static final int STATUS_MESSAGE = 2;
  private static final int STATUS_CODE = 3;
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

  // W3C trace context flags in the low byte; bit 8: whether the parent is known to be remote or
  // not, bit 9: it is remote (the SDK's SpanFlags).
  private static final int FLAG_HAS_IS_REMOTE = 0x100;
  private static final int FLAG_IS_REMOTE = 0x200;

  /** Resources and scopes are few and long-lived; the cache is cleared if that ever stops being so. */
  private static final int ENCODED_CACHE_MAX = 256;

  /** Whether this API has {@code ImmutableKeyValuePairs.getData()} (1.4x and later). */
  private static final boolean DATA_ARRAY = hasDataArray();

  private final BackwardProtoWriter out = new BackwardProtoWriter();
  private final Map<Object, byte[]> encoded = new IdentityHashMap<>();
  private final AttributeCollector attributes = new AttributeCollector();

  /** The request's bytes for {@code spans}, exactly sized. */
  byte[] write(Collection<SpanData> spans) {
    try {
      List<List<List<SpanData>>> groups = group(spans);
      for (int r = groups.size() - 1; r >= 0; r--) {
        writeResourceSpans(groups.get(r));
      }
      return out.toByteArrayAndReset();
    } catch (RuntimeException e) {
      out.reset();
      throw e;
    }
  }

  private void writeResourceSpans(List<List<SpanData>> scopes) {
    int mark = out.size();
    Resource resource = scopes.get(0).get(0).getResource();
    writeStringField(RESOURCE_SPANS_SCHEMA_URL, resource.getSchemaUrl());
    for (int s = scopes.size() - 1; s >= 0; s--) {
      writeScopeSpans(scopes.get(s));
    }
    int resourceMark = out.size();
    out.writeBytes(encoded(resource));
    out.endMessage(RESOURCE_SPANS_RESOURCE, resourceMark);
    out.endMessage(REQUEST_RESOURCE_SPANS, mark);
  }

  private void writeScopeSpans(List<SpanData> spans) {
    int mark = out.size();
    InstrumentationScopeInfo scope = spans.get(0).getInstrumentationScopeInfo();
    writeStringField(SCOPE_SPANS_SCHEMA_URL, scope.getSchemaUrl());
    for (int i = spans.size() - 1; i >= 0; i--) {
      writeSpan(spans.get(i));
    }
    int scopeMark = out.size();
    out.writeBytes(encoded(scope));
    out.endMessage(SCOPE_SPANS_SCOPE, scopeMark);
    out.endMessage(RESOURCE_SPANS_SCOPE_SPANS, mark);
  }

  private void writeSpan(SpanData span) {
    int mark = out.size();
    SpanContext context = span.getSpanContext();
    SpanContext parent = span.getParentSpanContext();

    out.writeFixed32(flags(context.getTraceFlags().asByte(), parent.isRemote()));
    out.writeTag(SPAN_FLAGS, BackwardProtoWriter.FIXED32);
    writeStatus(span.getStatus());
    writeUInt32Field(SPAN_DROPPED_LINKS, span.getTotalRecordedLinks() - span.getLinks().size());
    List<LinkData> links = span.getLinks();
    for (int i = links.size() - 1; i >= 0; i--) {
      writeLink(links.get(i));
    }
    writeUInt32Field(SPAN_DROPPED_EVENTS, span.getTotalRecordedEvents() - span.getEvents().size());
    List<EventData> events = span.getEvents();
    for (int i = events.size() - 1; i >= 0; i--) {
      writeEvent(events.get(i));
    }
    Attributes spanAttributes = span.getAttributes();
    writeUInt32Field(
        SPAN_DROPPED_ATTRIBUTES, span.getTotalAttributeCount() - spanAttributes.size());
    writeAttributes(SPAN_ATTRIBUTES, spanAttributes);
    writeFixed64Field(SPAN_END, span.getEndEpochNanos());
    writeFixed64Field(SPAN_START, span.getStartEpochNanos());
    // SpanKind's order is INTERNAL, SERVER, CLIENT, PRODUCER, CONSUMER: the proto's numbers 1..5.
    out.writeVarint32(span.getKind().ordinal() + 1);
    out.writeTag(SPAN_KIND, BackwardProtoWriter.VARINT);
    writeStringField(SPAN_NAME, span.getName());
    if (parent.isValid()) {
      writeIdField(SPAN_PARENT_SPAN_ID, parent.getSpanId());
    }
    writeTraceState(SPAN_TRACE_STATE, context.getTraceState());
    writeIdField(SPAN_SPAN_ID, context.getSpanId());
    writeIdField(SPAN_TRACE_ID, context.getTraceId());
    out.endMessage(SCOPE_SPANS_SPANS, mark);
  }

  private void writeStatus(StatusData status) {
    int mark = out.size();
    // StatusCode's order is UNSET, OK, ERROR: the proto's numbers 0..2.
    writeUInt32Field(STATUS_CODE, status.getStatusCode().ordinal());
    writeStringField(STATUS_MESSAGE, status.getDescription());
    out.endMessage(SPAN_STATUS, mark);
  }

  private void writeEvent(EventData event) {
    int mark = out.size();
    Attributes eventAttributes = event.getAttributes();
    writeUInt32Field(
        EVENT_DROPPED_ATTRIBUTES, event.getTotalAttributeCount() - eventAttributes.size());
    writeAttributes(EVENT_ATTRIBUTES, eventAttributes);
    writeStringField(EVENT_NAME, event.getName());
    writeFixed64Field(EVENT_TIME, event.getEpochNanos());
    out.endMessage(SPAN_EVENTS, mark);
  }

  private void writeLink(LinkData link) {
    int mark = out.size();
    SpanContext context = link.getSpanContext();
    out.writeFixed32(flags(context.getTraceFlags().asByte(), context.isRemote()));
    out.writeTag(LINK_FLAGS, BackwardProtoWriter.FIXED32);
    Attributes linkAttributes = link.getAttributes();
    writeUInt32Field(
        LINK_DROPPED_ATTRIBUTES, link.getTotalAttributeCount() - linkAttributes.size());
    writeAttributes(LINK_ATTRIBUTES, linkAttributes);
    writeTraceState(LINK_TRACE_STATE, context.getTraceState());
    writeIdField(LINK_SPAN_ID, context.getSpanId());
    writeIdField(LINK_TRACE_ID, context.getTraceId());
    out.endMessage(SPAN_LINKS, mark);
  }

  private static int flags(byte traceFlags, boolean remote) {
    return (traceFlags & 0xFF) | FLAG_HAS_IS_REMOTE | (remote ? FLAG_IS_REMOTE : 0);
  }

  private void writeAttributes(int fieldNumber, Attributes attributes) {
    if (attributes.isEmpty()) {
      return;
    }
    if (DATA_ARRAY && attributes instanceof ImmutableKeyValuePairs<?, ?> pairs) {
      // The SDK's attributes: keys and values alternate in one array, read without copying.
      Object[] data = pairs.getData();
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
    if (key instanceof InternalAttributeKeyImpl<?> internal) {
      out.writeBytes(internal.getKeyUtf8());
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
      case VALUE -> writeAnyValue((Value<?>) value);
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
  private void writeAnyValue(Value<?> value) {
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
      case EMPTY -> {
        // An empty AnyValue: no field set.
      }
    }
  }

  private void writeTraceState(int fieldNumber, TraceState traceState) {
    if (!traceState.isEmpty()) {
      writeStringField(fieldNumber, W3CTraceContextEncoding.encodeTraceState(traceState));
    }
  }

  private void writeIdField(int fieldNumber, String hexId) {
    int mark = out.size();
    out.writeHexAsBytes(hexId);
    out.endMessage(fieldNumber, mark);
  }

  /** A string field, left out when empty or absent (proto3's default). */
  private void writeStringField(int fieldNumber, String value) {
    if (value == null || value.isEmpty()) {
      return;
    }
    int mark = out.size();
    out.writeUtf8(value);
    out.endMessage(fieldNumber, mark);
  }

  /** A uint32 field, left out when zero. */
  private void writeUInt32Field(int fieldNumber, int value) {
    if (value != 0) {
      out.writeVarint32(value);
      out.writeTag(fieldNumber, BackwardProtoWriter.VARINT);
    }
  }

  private void writeFixed64Field(int fieldNumber, long value) {
    if (value != 0) {
      out.writeFixed64(value);
      out.writeTag(fieldNumber, BackwardProtoWriter.FIXED64);
    }
  }

  /** The resource's or scope's message content, encoded by the SDK's marshaler once and kept. */
  private byte[] encoded(Object resourceOrScope) {
    byte[] bytes = encoded.get(resourceOrScope);
    if (bytes == null) {
      Marshaler marshaler =
          resourceOrScope instanceof Resource resource
              ? ResourceMarshaler.create(resource)
              : InstrumentationScopeMarshaler.create((InstrumentationScopeInfo) resourceOrScope);
      ByteArrayOutputStream content = new ByteArrayOutputStream(marshaler.getBinarySerializedSize());
      try {
        marshaler.writeBinaryTo(content);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      bytes = content.toByteArray();
      if (encoded.size() >= ENCODED_CACHE_MAX) {
        encoded.clear();
      }
      encoded.put(resourceOrScope, bytes);
    }
    return bytes;
  }

  /**
   * Spans by resource, then by scope, by identity, each in the order of first appearance. A batch
   * from one resource and scope, the usual case, is one group without any map.
   */
  private static List<List<List<SpanData>>> group(Collection<SpanData> spans) {
    if (spans.isEmpty()) {
      return List.of();
    }
    List<SpanData> all = spans instanceof List<SpanData> list ? list : new ArrayList<>(spans);
    SpanData first = all.get(0);
    boolean single = true;
    for (SpanData span : all) {
      if (span.getResource() != first.getResource()
          || span.getInstrumentationScopeInfo() != first.getInstrumentationScopeInfo()) {
        single = false;
        break;
      }
    }
    if (single) {
      return List.of(List.of(all));
    }
    Map<Resource, Map<InstrumentationScopeInfo, List<SpanData>>> byResource =
        new IdentityHashMap<>();
    List<List<List<SpanData>>> groups = new ArrayList<>();
    Map<Resource, List<List<SpanData>>> resourceGroups = new IdentityHashMap<>();
    for (SpanData span : all) {
      Map<InstrumentationScopeInfo, List<SpanData>> byScope =
          byResource.computeIfAbsent(span.getResource(), r -> new IdentityHashMap<>());
      List<List<SpanData>> scopeGroups =
          resourceGroups.computeIfAbsent(
              span.getResource(),
              r -> {
                List<List<SpanData>> created = new ArrayList<>();
                groups.add(created);
                return created;
              });
      byScope
          .computeIfAbsent(
              span.getInstrumentationScopeInfo(),
              s -> {
                List<SpanData> created = new ArrayList<>();
                scopeGroups.add(created);
                return created;
              })
          .add(span);
    }
    return groups;
  }

  private static boolean hasDataArray() {
    try {
      return ImmutableKeyValuePairs.class.getMethod("getData").getReturnType() == Object[].class;
    } catch (NoSuchMethodException | LinkageError e) {
      return false;
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
