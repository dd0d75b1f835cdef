package dev.levee.exporter.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import com.google.rpc.Status;
import org.junit.jupiter.api.Test;

class RetryInfoTest {

  private static byte[] status(Any... details) {
    Status.Builder status = Status.newBuilder().setCode(8).setMessage("slow down");
    for (Any detail : details) {
      status.addDetails(detail);
    }
    return status.build().toByteArray();
  }

  private static Any retryInfo(long seconds, int nanos) {
    return Any.pack(
        RetryInfo.newBuilder()
            .setRetryDelay(Duration.newBuilder().setSeconds(seconds).setNanos(nanos))
            .build());
  }

  @Test
  void readsTheRetryDelay() {
    assertThat(dev.levee.exporter.internal.transport.RetryInfo.retryDelayNanos(status(retryInfo(2, 500_000_000))))
        .isEqualTo(2_500_000_000L);
  }

  @Test
  void findsRetryInfoAmongOtherDetails() {
    Any errorInfo = Any.pack(ErrorInfo.newBuilder().setReason("QUOTA").setDomain("example.com").build());
    assertThat(dev.levee.exporter.internal.transport.RetryInfo.retryDelayNanos(status(errorInfo, retryInfo(0, 250_000_000))))
        .isEqualTo(250_000_000L);
  }

  @Test
  void noRetryInfoMeansNoServerDelay() {
    Any errorInfo = Any.pack(ErrorInfo.newBuilder().setReason("QUOTA").build());
    assertThat(dev.levee.exporter.internal.transport.RetryInfo.retryDelayNanos(status(errorInfo)))
        .isEqualTo(SendOutcome.NO_RETRY_DELAY);
    assertThat(dev.levee.exporter.internal.transport.RetryInfo.retryDelayNanos(status()))
        .isEqualTo(SendOutcome.NO_RETRY_DELAY);
  }

  @Test
  void malformedDetailsMeanNoServerDelay() {
    assertThat(dev.levee.exporter.internal.transport.RetryInfo.retryDelayNanos(new byte[] {0x1a, 0x7f, 0x01}))
        .isEqualTo(SendOutcome.NO_RETRY_DELAY);
  }
}
