package dev.levee.exporter.internal.encode;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.logs.TestLogRecordData;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogsRequestWriterTest {
  private static final Resource RESOURCE =
      Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "checkout"));
  private static final InstrumentationScopeInfo SCOPE =
      InstrumentationScopeInfo.builder("ch.qos.logback").setVersion("1.5.18").build();

  private final LogsRequestWriter writer = new LogsRequestWriter();

  @Test
  void writesTheSdkMarshalersBytesForRandomLogRecords() throws Exception {
    RandomTelemetry random = new RandomTelemetry(20261201);
    for (int batch = 0; batch < 300; batch++) {
      List<LogRecordData> logs = new ArrayList<>();
      for (int i = 1 + random.random().nextInt(20); i > 0; i--) {
        logs.add(random.log(RESOURCE, SCOPE));
      }

      SdkMarshalers.assertSameAsSdk144(
          writer.write(logs), sdkBytes(logs), ExportLogsServiceRequest.parser(), "batch " + batch);
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

    SdkMarshalers.assertSameAsSdk144(
        writer.write(logs), sdkBytes(logs), ExportLogsServiceRequest.parser(), "logs");
  }

  @Test
  void groupsByResourceAndScopeInTheOrderTheyFirstAppear() throws Exception {
    RandomTelemetry random = new RandomTelemetry(5);
    Resource other = Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "cart"));
    List<LogRecordData> logs =
        List.of(
            random.log(other, SCOPE),
            random.log(RESOURCE, SCOPE),
            random.log(other, InstrumentationScopeInfo.create("jul")));

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

  private static byte[] sdkBytes(List<LogRecordData> logs) {
    return SdkMarshalers.logs(logs);
  }

}
