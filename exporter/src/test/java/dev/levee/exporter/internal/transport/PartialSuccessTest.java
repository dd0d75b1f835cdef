package dev.levee.exporter.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PartialSuccessTest {

  @Test
  void emptyResponseIsFullSuccess() {
    assertThat(PartialSuccess.parse(new byte[0])).isEqualTo(new PartialSuccess(0, ""));
  }

  @Test
  void readsRejectedSpansAndMessage() {
    byte[] response =
        ExportTraceServiceResponse.newBuilder()
            .setPartialSuccess(
                ExportTracePartialSuccess.newBuilder()
                    .setRejectedSpans(42)
                    .setErrorMessage("spans too old ✓"))
            .build()
            .toByteArray();
    assertThat(PartialSuccess.parse(response)).isEqualTo(new PartialSuccess(42, "spans too old ✓"));
  }

  @Test
  void readsMetricsAndLogsResponsesAlike() {
    byte[] metrics =
        ExportMetricsServiceResponse.newBuilder()
            .setPartialSuccess(ExportMetricsPartialSuccess.newBuilder().setRejectedDataPoints(7))
            .build()
            .toByteArray();
    byte[] logs =
        ExportLogsServiceResponse.newBuilder()
            .setPartialSuccess(
                ExportLogsPartialSuccess.newBuilder()
                    .setRejectedLogRecords(300_000_000_000L)
                    .setErrorMessage("quota"))
            .build()
            .toByteArray();
    assertThat(PartialSuccess.parse(metrics)).isEqualTo(new PartialSuccess(7, ""));
    assertThat(PartialSuccess.parse(logs)).isEqualTo(new PartialSuccess(300_000_000_000L, "quota"));
  }

  @Test
  void skipsUnknownFields() {
    byte[] known =
        ExportTraceServiceResponse.newBuilder()
            .setPartialSuccess(ExportTracePartialSuccess.newBuilder().setRejectedSpans(3))
            .build()
            .toByteArray();
    // field 9, varint 150; field 10, fixed64; field 11, length-delimited "ab"; then the known part.
    byte[] unknown = {
      (byte) 0x48, (byte) 0x96, 0x01, 0x51, 1, 2, 3, 4, 5, 6, 7, 8, 0x5a, 2, 'a', 'b'
    };
    byte[] response = Arrays.copyOf(unknown, unknown.length + known.length);
    System.arraycopy(known, 0, response, unknown.length, known.length);
    assertThat(PartialSuccess.parse(response)).isEqualTo(new PartialSuccess(3, ""));
  }

  @Test
  void rejectsTruncatedResponse() {
    byte[] truncated = {0x0a, 0x05, 0x08};
    assertThatThrownBy(() -> PartialSuccess.parse(truncated))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Malformed protobuf: truncated field");
  }
}
