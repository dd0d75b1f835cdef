package dev.levee.exporter.internal.encode;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.trace.TestSpanData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.ArrayList;
import java.util.List;
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
    RandomTelemetry random = new RandomTelemetry(20261201);
    for (int batch = 0; batch < 300; batch++) {
      List<SpanData> spans = new ArrayList<>();
      int count = 1 + random.random().nextInt(20);
      for (int i = 0; i < count; i++) {
        spans.add(random.span(RESOURCE, SCOPE));
      }

      SdkMarshalers.assertSameAsSdk144(
          writer.write(spans), sdkBytes(spans), ExportTraceServiceRequest.parser(), "batch " + batch);
    }
  }

  @Test
  void writesRandomResourcesAndScopesAsTheSdkDoes() throws Exception {
    RandomTelemetry random = new RandomTelemetry(44);
    for (int batch = 0; batch < 100; batch++) {
      List<SpanData> spans = List.of(random.span(random.resource(), random.scope()));

      SdkMarshalers.assertSameAsSdk144(
          writer.write(spans), sdkBytes(spans), ExportTraceServiceRequest.parser(), "batch " + batch);
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
            .setSpanContext(new RandomTelemetry(1).context(false))
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
      SdkMarshalers.assertSameAsSdk144(
        writer.write(spans), sdkBytes(spans), ExportTraceServiceRequest.parser(), "spans");
    }
  }

  @Test
  void writesAttributeNamesAsTheSdkDoesWhateverTheCacheHolds() throws Exception {
    // "Aa" and "BB" share a hash, so a cache slot; one name is longer than the cache keeps; one
    // is not ASCII; the keys are made per item, as span.setAttribute("name", value) makes them.
    String longName = "k".repeat(129);
    List<String> names = List.of("Aa", "BB", "http.route", longName, "größe \uD83D\uDCA5", "Aa");
    List<SpanData> spans = new ArrayList<>();
    RandomTelemetry random = new RandomTelemetry(3);
    for (int i = 0; i < 40; i++) {
      String name = names.get(i % names.size());
      // A copy as well as the same instance: a cached name is matched by content too.
      String key = i % 3 == 0 ? new String(name.toCharArray()) : name;
      SpanData span = random.span(RESOURCE, SCOPE);
      spans.add(
          TestSpanData.builder()
              .setResource(RESOURCE)
              .setInstrumentationScopeInfo(SCOPE)
              .setSpanContext(span.getSpanContext())
              .setName("item " + i)
              .setKind(SpanKind.SERVER)
              .setStartEpochNanos(1)
              .setEndEpochNanos(2)
              .setAttributes(
                  Attributes.builder()
                      .put(key, "v" + i)
                      .put(names.get((i + 1) % names.size()), (long) i)
                      .build())
              .setStatus(StatusData.unset())
              .setHasEnded(true)
              .build());
    }

    for (int round = 0; round < 2; round++) { // the second round finds every name cached
      SdkMarshalers.assertSameAsSdk144(
          writer.write(spans), sdkBytes(spans), ExportTraceServiceRequest.parser(), "round " + round);
    }
    ExportTraceServiceRequest ours = ExportTraceServiceRequest.parseFrom(writer.write(spans));
    for (int i = 0; i < spans.size(); i++) {
      assertThat(ours.getResourceSpans(0).getScopeSpans(0).getSpans(i).getAttributesList())
          .extracting(attribute -> attribute.getKey())
          .containsExactlyInAnyOrderElementsOf(
              spans.get(i).getAttributes().asMap().keySet().stream()
                  .map(AttributeKey::getKey)
                  .toList());
    }
  }

  @Test
  void groupsByResourceAndScopeInTheOrderTheyFirstAppear() throws Exception {
    RandomTelemetry random = new RandomTelemetry(7);
    Resource other = Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "cart"));
    InstrumentationScopeInfo otherScope = InstrumentationScopeInfo.create("jdbc");
    List<SpanData> spans =
        List.of(
            random.span(other, SCOPE),
            random.span(RESOURCE, otherScope),
            random.span(other, otherScope),
            random.span(RESOURCE, SCOPE),
            random.span(other, SCOPE));

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
    ExportTraceServiceRequest sdk =
        (ExportTraceServiceRequest)
            SdkMarshalers.asLaterSdksWriteIt(ExportTraceServiceRequest.parseFrom(sdkBytes(spans)));
    assertThat(flatten(ours)).containsExactlyInAnyOrderElementsOf(flatten(sdk));
    assertThat(ours.getSerializedSize()).isEqualTo(sdk.getSerializedSize());
  }

  @Test
  void writesABatchThatIsNotARandomAccessListInItsOrder() throws Exception {
    RandomTelemetry random = new RandomTelemetry(11);
    List<SpanData> spans = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      spans.add(random.span(RESOURCE, SCOPE));
    }

    SdkMarshalers.assertSameAsSdk144(
        writer.write(new java.util.LinkedList<>(spans)), sdkBytes(spans), ExportTraceServiceRequest.parser(), "spans");
    SdkMarshalers.assertSameAsSdk144(
        writer.write(new java.util.LinkedHashSet<>(spans)), sdkBytes(spans), ExportTraceServiceRequest.parser(), "spans");
  }

  @Test
  void keepsItsBufferUsableAfterALargeBatch() throws Exception {
    RandomTelemetry random = new RandomTelemetry(3);
    List<SpanData> large = new ArrayList<>();
    for (int i = 0; i < 4000; i++) {
      large.add(random.span(RESOURCE, SCOPE));
    }
    List<SpanData> small = List.of(random.span(RESOURCE, SCOPE));

    SdkMarshalers.assertSameAsSdk144(
        writer.write(large), sdkBytes(large), ExportTraceServiceRequest.parser(), "large");
    SdkMarshalers.assertSameAsSdk144(
        writer.write(small), sdkBytes(small), ExportTraceServiceRequest.parser(), "small");
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

  private static byte[] sdkBytes(List<SpanData> spans) {
    return SdkMarshalers.spans(spans);
  }
}
