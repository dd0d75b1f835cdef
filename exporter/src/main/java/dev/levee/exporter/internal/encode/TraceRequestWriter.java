package dev.levee.exporter.internal.encode;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.List;

/**
 * Writes an OTLP {@code ExportTraceServiceRequest} from SDK spans in one backward pass (see {@link
 * OtlpRequestWriter}). The bytes are those the SDK's own OTLP marshaler writes for the same spans,
 * field for field (the tests hold it to that), at about half its cost: the SDK's marshaler walks
 * every span twice, once to size each nested message and once to write it, and measures the UTF-8
 * length of every string before encoding it.
 *
 * <p>Internal, may change. Not thread-safe: one writer per thread at a time.
 */
final class TraceRequestWriter extends OtlpRequestWriter<SpanData> {
  // opentelemetry/proto/trace/v1/trace.proto
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

  // W3C trace context flags in the low byte; bit 8: whether the parent is known to be remote or
  // not, bit 9: it is remote (the SDK's SpanFlags).
  private static final int FLAG_HAS_IS_REMOTE = 0x100;
  private static final int FLAG_IS_REMOTE = 0x200;

  TraceRequestWriter() {
    super(SpanData::getResource, SpanData::getInstrumentationScopeInfo);
  }

  @Override
  void writeItem(SpanData span) {
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
    out.endMessage(SCOPE_GROUP_ITEMS, mark);
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
}
