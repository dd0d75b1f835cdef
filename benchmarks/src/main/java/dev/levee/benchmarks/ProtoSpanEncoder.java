package dev.levee.benchmarks;

import com.google.protobuf.ByteString;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.HexFormat;
import java.util.List;

/**
 * The alternative to the SDK's marshalers that the encoder choice was measured against: build
 * opentelemetry-proto objects from SpanData, then serialize them. Enough of the mapping for the
 * benchmark's spans (one resource, one scope, string/long/bool/double attributes).
 */
final class ProtoSpanEncoder {
  private ProtoSpanEncoder() {}

  static byte[] encode(List<SpanData> spans) {
    SpanData first = spans.get(0);
    ScopeSpans.Builder scope =
        ScopeSpans.newBuilder()
            .setScope(
                InstrumentationScope.newBuilder()
                    .setName(first.getInstrumentationScopeInfo().getName())
                    .setVersion(first.getInstrumentationScopeInfo().getVersion()));
    for (SpanData span : spans) {
      Span.Builder builder =
          Span.newBuilder()
              .setTraceId(bytes(span.getTraceId()))
              .setSpanId(bytes(span.getSpanId()))
              .setParentSpanId(bytes(span.getParentSpanId()))
              .setName(span.getName())
              .setKind(Span.SpanKind.forNumber(span.getKind().ordinal() + 1))
              .setStartTimeUnixNano(span.getStartEpochNanos())
              .setEndTimeUnixNano(span.getEndEpochNanos())
              .addAllAttributes(attributes(span.getAttributes()))
              .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_OK));
      for (EventData event : span.getEvents()) {
        builder.addEvents(
            Span.Event.newBuilder()
                .setName(event.getName())
                .setTimeUnixNano(event.getEpochNanos())
                .addAllAttributes(attributes(event.getAttributes())));
      }
      for (LinkData link : span.getLinks()) {
        builder.addLinks(
            Span.Link.newBuilder()
                .setTraceId(bytes(link.getSpanContext().getTraceId()))
                .setSpanId(bytes(link.getSpanContext().getSpanId())));
      }
      scope.addSpans(builder);
    }
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(
            ResourceSpans.newBuilder()
                .setResource(
                    Resource.newBuilder().addAllAttributes(attributes(first.getResource().getAttributes())))
                .addScopeSpans(scope))
        .build()
        .toByteArray();
  }

  private static ByteString bytes(String hex) {
    return ByteString.copyFrom(HexFormat.of().parseHex(hex));
  }

  private static List<KeyValue> attributes(Attributes attributes) {
    return attributes.asMap().entrySet().stream()
        .map(e -> KeyValue.newBuilder().setKey(e.getKey().getKey()).setValue(value(e.getKey(), e.getValue())).build())
        .toList();
  }

  private static AnyValue value(AttributeKey<?> key, Object value) {
    return switch (key.getType()) {
      case STRING -> AnyValue.newBuilder().setStringValue((String) value).build();
      case LONG -> AnyValue.newBuilder().setIntValue((Long) value).build();
      case BOOLEAN -> AnyValue.newBuilder().setBoolValue((Boolean) value).build();
      case DOUBLE -> AnyValue.newBuilder().setDoubleValue((Double) value).build();
      default -> AnyValue.newBuilder().setStringValue(String.valueOf(value)).build();
    };
  }
}
