package dev.levee.exporter.internal.encode;

import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.logs.data.LogRecordData;

/**
 * Writes an OTLP {@code ExportLogsServiceRequest} from SDK log records in one backward pass (see
 * {@link OtlpRequestWriter}): the bytes the SDK's own OTLP marshaler writes for the same records,
 * field for field (the tests hold it to that).
 *
 * <p>Internal, may change. Not thread-safe: one writer per thread at a time.
 */
final class LogsRequestWriter extends OtlpRequestWriter<LogRecordData> {
  // opentelemetry/proto/logs/v1/logs.proto
  private static final int TIME = 1;
  private static final int SEVERITY_NUMBER = 2;
  private static final int SEVERITY_TEXT = 3;
  private static final int BODY = 5;
  private static final int ATTRIBUTES = 6;
  private static final int DROPPED_ATTRIBUTES = 7;
  private static final int FLAGS = 8;
  private static final int TRACE_ID = 9;
  private static final int SPAN_ID = 10;
  private static final int OBSERVED_TIME = 11;
  private static final int EVENT_NAME = 12;

  private static final String INVALID_TRACE_ID = SpanContext.getInvalid().getTraceId();
  private static final String INVALID_SPAN_ID = SpanContext.getInvalid().getSpanId();

  LogsRequestWriter() {
    super(LogRecordData::getResource, LogRecordData::getInstrumentationScopeInfo);
  }

  @Override
  void writeItem(LogRecordData log) {
    int mark = out.size();
    SpanContext context = log.getSpanContext();

    writeStringField(EVENT_NAME, RunningSdk.eventName(log));
    if (!context.getSpanId().equals(INVALID_SPAN_ID)) {
      writeIdField(SPAN_ID, context.getSpanId());
    }
    if (!context.getTraceId().equals(INVALID_TRACE_ID)) {
      writeIdField(TRACE_ID, context.getTraceId());
    }
    int flags = context.getTraceFlags().asByte() & 0xFF;
    if (flags != 0) {
      out.writeFixed32(flags);
      out.writeTag(FLAGS, BackwardProtoWriter.FIXED32);
    }
    writeUInt32Field(DROPPED_ATTRIBUTES, log.getTotalAttributeCount() - log.getAttributes().size());
    writeAttributes(ATTRIBUTES, log.getAttributes());
    Value<?> body = log.getBodyValue();
    if (body != null) {
      int bodyMark = out.size();
      writeAnyValue(body);
      out.endMessage(BODY, bodyMark);
    }
    writeStringField(SEVERITY_TEXT, log.getSeverityText());
    // Severity's numbers are the proto's SeverityNumber values (UNDEFINED_SEVERITY_NUMBER is 0).
    writeUInt32Field(SEVERITY_NUMBER, log.getSeverity().getSeverityNumber());
    writeFixed64Field(OBSERVED_TIME, log.getObservedTimestampEpochNanos());
    writeFixed64Field(TIME, log.getTimestampEpochNanos());
    out.endMessage(SCOPE_GROUP_ITEMS, mark);
  }
}
