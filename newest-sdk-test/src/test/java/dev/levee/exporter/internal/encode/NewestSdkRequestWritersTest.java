package dev.levee.exporter.internal.encode;

import dev.levee.exporter.internal.encode.ApiInternals;
import dev.levee.exporter.internal.encode.LogsRequestWriter;
import dev.levee.exporter.internal.encode.MetricsRequestWriter;
import dev.levee.exporter.internal.encode.RandomTelemetry;
import dev.levee.exporter.internal.encode.RunningSdk;
import dev.levee.exporter.internal.encode.SdkMarshalers;
import dev.levee.exporter.internal.encode.TraceRequestWriter;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.EntityRef;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.resources.internal.Entity;
import io.opentelemetry.sdk.resources.internal.EntityUtil;
import io.opentelemetry.sdk.testing.logs.TestLogRecordData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The request writers, compiled against SDK 1.44, run against the newest SDK: byte for byte what
 * this SDK's OTLP marshalers write, with what only this SDK's data holds.
 */
class NewestSdkRequestWritersTest {
  private static final InstrumentationScopeInfo SCOPE =
      InstrumentationScopeInfo.builder("io.opentelemetry.servlet-5.0").setVersion("2.33.1").build();

  /** Random telemetry with value attributes, empty values, event names and entities. */
  private static final class NewestRandomTelemetry extends RandomTelemetry {
    NewestRandomTelemetry(long seed) {
      super(seed);
    }

    @Override
    protected void otherAttribute(AttributesBuilder builder, String key) {
      builder.put(AttributeKey.valueKey(key), value(2));
    }

    @Override
    protected Value<?> otherValue() {
      return Value.empty();
    }

    @Override
    protected void logExtras(TestLogRecordData.Builder builder) {
      if (random.nextBoolean()) {
        builder.setEventName(random.nextBoolean() ? "" : "app.order." + random.nextInt(10));
      }
    }

    Resource resourceWithEntities() {
      List<Entity> entities = new ArrayList<>();
      for (int i = random.nextInt(3); i >= 0; i--) {
        entities.add(
            Entity.builder(
                    "type." + i,
                    Attributes.of(AttributeKey.stringKey("id." + i), "i" + random.nextInt(9)))
                .setSchemaUrl(random.nextBoolean() ? "" : "https://schemas/" + i)
                .setDescription(
                    random.nextBoolean()
                        ? Attributes.empty()
                        : Attributes.of(
                            AttributeKey.stringKey("desc." + i + ".b"), "b",
                            AttributeKey.longKey("desc." + i + ".a"), 1L))
                .build());
      }
      return EntityUtil.createResource(entities);
    }
  }

  @Test
  void runsOnANewerSdkWithEverythingItOffers() {
    assertThat(RunningSdk.version()).startsWith("1.67");
    assertThat(RunningSdk.olderThanSupported()).isFalse();
    assertThat(RunningSdk.featuresOff()).isEmpty();
    assertThat(ApiInternals.AVAILABLE).isTrue();
  }

  @Test
  void writesTheSdkMarshalersBytesForRandomSpans() {
    NewestRandomTelemetry random = new NewestRandomTelemetry(67);
    TraceRequestWriter writer = new TraceRequestWriter();
    for (int batch = 0; batch < 300; batch++) {
      Resource resource = random.resource();
      List<SpanData> spans = new ArrayList<>();
      for (int i = 1 + random.random().nextInt(20); i > 0; i--) {
        spans.add(random.span(resource, SCOPE));
      }

      assertThat(writer.write(spans)).as("batch %s", batch).isEqualTo(SdkMarshalers.spans(spans));
    }
  }

  @Test
  void writesTheSdkMarshalersBytesForRandomLogRecordsWithEventNames() throws Exception {
    NewestRandomTelemetry random = new NewestRandomTelemetry(167);
    LogsRequestWriter writer = new LogsRequestWriter();
    int withEventNames = 0;
    for (int batch = 0; batch < 300; batch++) {
      List<LogRecordData> logs = new ArrayList<>();
      for (int i = 1 + random.random().nextInt(20); i > 0; i--) {
        logs.add(random.log(Resource.getDefault(), SCOPE));
      }

      byte[] written = writer.write(logs);
      assertThat(written).as("batch %s", batch).isEqualTo(SdkMarshalers.logs(logs));
      withEventNames +=
          (int)
              ExportLogsServiceRequest.parseFrom(written)
                  .getResourceLogs(0)
                  .getScopeLogs(0)
                  .getLogRecordsList()
                  .stream()
                  .filter(log -> !log.getEventName().isEmpty())
                  .count();
    }
    assertThat(withEventNames).isGreaterThan(500);
  }

  @Test
  void writesTheSdkMarshalersBytesForRandomMetrics() {
    NewestRandomTelemetry random = new NewestRandomTelemetry(267);
    MetricsRequestWriter writer = new MetricsRequestWriter();
    for (int batch = 0; batch < 300; batch++) {
      List<MetricData> metrics = new ArrayList<>();
      for (int i = 1 + random.random().nextInt(12); i > 0; i--) {
        metrics.add(random.metric(Resource.getDefault(), SCOPE));
      }

      assertThat(writer.write(metrics))
          .as("batch %s", batch)
          .isEqualTo(SdkMarshalers.metrics(metrics));
    }
  }

  @Test
  void writesRandomResourcesAndScopesAsTheSdkDoes() {
    NewestRandomTelemetry random = new NewestRandomTelemetry(367);
    MetricsRequestWriter metrics = new MetricsRequestWriter();
    for (int batch = 0; batch < 100; batch++) {
      List<MetricData> one = List.of(random.metric(random.resource(), random.scope()));

      assertThat(metrics.write(one)).as("batch %s", batch).isEqualTo(SdkMarshalers.metrics(one));
    }
  }

  @Test
  void writesTheEntitiesAResourceHoldsAsTheSdkDoes() throws Exception {
    NewestRandomTelemetry random = new NewestRandomTelemetry(467);
    TraceRequestWriter writer = new TraceRequestWriter();
    for (int batch = 0; batch < 50; batch++) {
      Resource resource = random.resourceWithEntities();
      List<SpanData> spans = List.of(random.span(resource, SCOPE), random.span(resource, SCOPE));

      byte[] written = writer.write(spans);
      assertThat(written).as("batch %s", batch).isEqualTo(SdkMarshalers.spans(spans));
      List<EntityRef> refs =
          ExportTraceServiceRequest.parseFrom(written)
              .getResourceSpans(0)
              .getResource()
              .getEntityRefsList();
      assertThat(refs).hasSize(EntityUtil.getEntities(resource).size());
      assertThat(refs.get(0).getType()).startsWith("type.");
      assertThat(refs.get(0).getIdKeysList()).singleElement().asString().startsWith("id.");
    }
  }
}
