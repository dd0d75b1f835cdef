package dev.levee.exporter.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.trace.TestSpanData;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TraceRequestWriterTest {
  private static final Resource RESOURCE =
      Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "checkout"));
  private static final InstrumentationScopeInfo SCOPE =
      InstrumentationScopeInfo.builder("io.opentelemetry.servlet-5.0")
          .setVersion("2.33.1")
          .setSchemaUrl("https://opentelemetry.io/schemas/1.24.0")
          .setAttributes(Attributes.of(AttributeKey.longKey("scope.attr"), 7L))
          .build();

  private final TraceRequestWriter writer = new TraceRequestWriter();

  @Test
  void writesTheSdkMarshalersBytesForRandomSpans() throws Exception {
    Random random = new Random(20261201);
    for (int batch = 0; batch < 300; batch++) {
      List<SpanData> spans = new ArrayList<>();
      int count = 1 + random.nextInt(20);
      for (int i = 0; i < count; i++) {
        spans.add(randomSpan(random, RESOURCE, SCOPE));
      }

      assertThat(writer.write(spans)).as("batch %s", batch).isEqualTo(sdkBytes(spans));
    }
  }

  @Test
  void writesEdgeCasesAsTheSdkDoes() throws Exception {
    SpanData empty =
        TestSpanData.builder()
            .setResource(Resource.empty())
            .setInstrumentationScopeInfo(InstrumentationScopeInfo.empty())
            .setSpanContext(SpanContext.getInvalid())
            .setName("")
            .setKind(SpanKind.INTERNAL)
            .setStartEpochNanos(0)
            .setEndEpochNanos(0)
            .setStatus(StatusData.unset())
            .setHasEnded(true)
            .build();
    SpanData negativeDrops =
        TestSpanData.builder()
            .setResource(RESOURCE)
            .setInstrumentationScopeInfo(SCOPE)
            .setSpanContext(RandomTelemetry.context(new Random(1), false))
            .setName("drops")
            .setKind(SpanKind.CONSUMER)
            .setStartEpochNanos(-1)
            .setEndEpochNanos(Long.MAX_VALUE)
            .setAttributes(Attributes.of(AttributeKey.stringKey(""), "empty key"))
            .setTotalAttributeCount(0)
            .setStatus(StatusData.create(StatusCode.ERROR, "boom \uD83D\uDCA5 \uD800 end \uDC00"))
            .setHasEnded(true)
            .build();

    for (List<SpanData> spans : List.<List<SpanData>>of(List.of(empty), List.of(negativeDrops), List.of())) {
      assertThat(writer.write(spans)).isEqualTo(sdkBytes(spans));
    }
  }

  @Test
  void groupsByResourceAndScopeInTheOrderTheyFirstAppear() throws Exception {
    Random random = new Random(7);
    Resource other = Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "cart"));
    InstrumentationScopeInfo otherScope = InstrumentationScopeInfo.create("jdbc");
    List<SpanData> spans =
        List.of(
            randomSpan(random, other, SCOPE),
            randomSpan(random, RESOURCE, otherScope),
            randomSpan(random, other, otherScope),
            randomSpan(random, RESOURCE, SCOPE),
            randomSpan(random, other, SCOPE));

    ExportTraceServiceRequest ours = ExportTraceServiceRequest.parseFrom(writer.write(spans));

    assertThat(ours.getResourceSpansList())
        .extracting(rs -> rs.getResource().getAttributes(0).getValue().getStringValue())
        .containsExactly("cart", "checkout");
    assertThat(ours.getResourceSpans(0).getScopeSpansList())
        .extracting(ss -> ss.getScope().getName())
        .containsExactly("io.opentelemetry.servlet-5.0", "jdbc");
    assertThat(ours.getResourceSpans(0).getScopeSpans(0).getSpansList())
        .extracting(span -> span.getSpanId())
        .containsExactly(
            ByteString.copyFrom(spans.get(0).getSpanContext().getSpanIdBytes()),
            ByteString.copyFrom(spans.get(4).getSpanContext().getSpanIdBytes()));
    // The SDK groups the same way; only the order of its groups differs (an identity map's).
    ExportTraceServiceRequest sdk = ExportTraceServiceRequest.parseFrom(sdkBytes(spans));
    assertThat(flatten(ours)).containsExactlyInAnyOrderElementsOf(flatten(sdk));
    assertThat(ours.getSerializedSize()).isEqualTo(sdk.getSerializedSize());
  }

  @Test
  void writesABatchThatIsNotARandomAccessListInItsOrder() throws Exception {
    Random random = new Random(11);
    List<SpanData> spans = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      spans.add(randomSpan(random, RESOURCE, SCOPE));
    }

    assertThat(writer.write(new java.util.LinkedList<>(spans))).isEqualTo(sdkBytes(spans));
    assertThat(writer.write(new java.util.LinkedHashSet<>(spans))).isEqualTo(sdkBytes(spans));
  }

  @Test
  void keepsItsBufferUsableAfterALargeBatch() throws Exception {
    Random random = new Random(3);
    List<SpanData> large = new ArrayList<>();
    for (int i = 0; i < 4000; i++) {
      large.add(randomSpan(random, RESOURCE, SCOPE));
    }
    List<SpanData> small = List.of(randomSpan(random, RESOURCE, SCOPE));

    assertThat(writer.write(large)).isEqualTo(sdkBytes(large));
    assertThat(writer.write(small)).isEqualTo(sdkBytes(small));
  }

  private static List<String> flatten(ExportTraceServiceRequest request) {
    List<String> rows = new ArrayList<>();
    for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
      for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
        scopeSpans
            .getSpansList()
            .forEach(
                span ->
                    rows.add(
                        resourceSpans.getResource() + "|" + scopeSpans.getScope() + "|" + span));
      }
    }
    return rows;
  }

  private static byte[] sdkBytes(List<SpanData> spans) throws Exception {
    TraceRequestMarshaler marshaler = TraceRequestMarshaler.create(spans);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    marshaler.writeBinaryTo(out);
    return out.toByteArray();
  }

  private static SpanData randomSpan(
      Random random, Resource resource, InstrumentationScopeInfo scope) {
    List<EventData> events = new ArrayList<>();
    for (int i = random.nextInt(3); i > 0; i--) {
      events.add(
          EventData.create(
              random.nextLong(), RandomTelemetry.randomString(random), RandomTelemetry.randomAttributes(random), random.nextInt(9)));
    }
    List<LinkData> links = new ArrayList<>();
    for (int i = random.nextInt(3); i > 0; i--) {
      Attributes attributes = RandomTelemetry.randomAttributes(random);
      links.add(
          LinkData.create(
              RandomTelemetry.context(random, random.nextBoolean()),
              attributes,
              attributes.size() + random.nextInt(3)));
    }
    Attributes attributes = RandomTelemetry.randomAttributes(random);
    StatusCode code = StatusCode.values()[random.nextInt(3)];
    return TestSpanData.builder()
        .setResource(resource)
        .setInstrumentationScopeInfo(scope)
        .setSpanContext(RandomTelemetry.context(random, false))
        .setParentSpanContext(
            random.nextInt(4) == 0 ? SpanContext.getInvalid() : RandomTelemetry.context(random, random.nextBoolean()))
        .setName(RandomTelemetry.randomString(random))
        .setKind(SpanKind.values()[random.nextInt(SpanKind.values().length)])
        .setStartEpochNanos(random.nextLong())
        .setEndEpochNanos(random.nextInt(5) == 0 ? 0 : random.nextLong())
        .setAttributes(attributes)
        .setTotalAttributeCount(attributes.size() + random.nextInt(3))
        .setEvents(events)
        .setTotalRecordedEvents(events.size() + random.nextInt(3))
        .setLinks(links)
        .setTotalRecordedLinks(links.size() + random.nextInt(3))
        .setStatus(
            code == StatusCode.UNSET
                ? StatusData.unset()
                : StatusData.create(code, random.nextBoolean() ? "" : RandomTelemetry.randomString(random)))
        .setHasEnded(true)
        .build();
  }
}
