package dev.levee.exporter.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.exporter.internal.otlp.logs.LogsRequestMarshaler;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.logs.TestLogRecordData;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LogsRequestWriterTest {
  private static final Resource RESOURCE =
      Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "checkout"));
  private static final InstrumentationScopeInfo SCOPE =
      InstrumentationScopeInfo.builder("ch.qos.logback").setVersion("1.5.18").build();

  private final LogsRequestWriter writer = new LogsRequestWriter();

  @Test
  void writesTheSdkMarshalersBytesForRandomLogRecords() throws Exception {
    Random random = new Random(20261201);
    for (int batch = 0; batch < 300; batch++) {
      List<LogRecordData> logs = new ArrayList<>();
      for (int i = 1 + random.nextInt(20); i > 0; i--) {
        logs.add(randomLog(random, RESOURCE, SCOPE));
      }

      assertThat(writer.write(logs)).as("batch %s", batch).isEqualTo(sdkBytes(logs));
    }
  }

  @Test
  void writesARecordWithNothingSetAsTheSdkDoes() throws Exception {
    List<LogRecordData> logs =
        List.of(
            TestLogRecordData.builder()
                .setResource(Resource.empty())
                .setInstrumentationScopeInfo(InstrumentationScopeInfo.empty())
                .setSpanContext(SpanContext.getInvalid())
                .setSeverity(Severity.UNDEFINED_SEVERITY_NUMBER)
                .setTotalAttributeCount(0)
                .build());

    assertThat(writer.write(logs)).isEqualTo(sdkBytes(logs));
  }

  @Test
  void groupsByResourceAndScopeInTheOrderTheyFirstAppear() throws Exception {
    Random random = new Random(5);
    Resource other = Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "cart"));
    List<LogRecordData> logs =
        List.of(
            randomLog(random, other, SCOPE),
            randomLog(random, RESOURCE, SCOPE),
            randomLog(random, other, InstrumentationScopeInfo.create("jul")));

    ExportLogsServiceRequest ours = ExportLogsServiceRequest.parseFrom(writer.write(logs));

    assertThat(ours.getResourceLogsList())
        .extracting(rl -> rl.getResource().getAttributes(0).getValue().getStringValue())
        .containsExactly("cart", "checkout");
    assertThat(ours.getResourceLogs(0).getScopeLogsList())
        .extracting(sl -> sl.getScope().getName())
        .containsExactly("ch.qos.logback", "jul");
    assertThat(ours.getSerializedSize())
        .isEqualTo(ExportLogsServiceRequest.parseFrom(sdkBytes(logs)).getSerializedSize());
  }

  private static byte[] sdkBytes(List<LogRecordData> logs) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LogsRequestMarshaler.create(logs).writeBinaryTo(out);
    return out.toByteArray();
  }

  private static LogRecordData randomLog(
      Random random, Resource resource, InstrumentationScopeInfo scope) {
    Attributes attributes = RandomTelemetry.randomAttributes(random);
    TestLogRecordData.Builder builder =
        TestLogRecordData.builder()
            .setResource(resource)
            .setInstrumentationScopeInfo(scope)
            .setTimestamp(random.nextInt(5) == 0 ? 0 : random.nextLong(), java.util.concurrent.TimeUnit.NANOSECONDS)
            .setObservedTimestamp(random.nextLong(), java.util.concurrent.TimeUnit.NANOSECONDS)
            .setSpanContext(
                random.nextInt(3) == 0
                    ? SpanContext.getInvalid()
                    : RandomTelemetry.context(random, random.nextBoolean()))
            .setSeverity(Severity.values()[random.nextInt(Severity.values().length)])
            .setSeverityText(random.nextBoolean() ? "" : RandomTelemetry.randomString(random))
            .setAttributes(attributes)
            .setTotalAttributeCount(attributes.size() + random.nextInt(3));
    switch (random.nextInt(4)) {
      case 0 -> {} // no body
      case 1 -> builder.setBody(RandomTelemetry.randomString(random));
      default -> builder.setBodyValue(RandomTelemetry.randomValue(random, 2));
    }
    if (random.nextBoolean()) {
      builder.setEventName(random.nextBoolean() ? "" : "app.order." + random.nextInt(10));
    }
    return builder.build();
  }
}
