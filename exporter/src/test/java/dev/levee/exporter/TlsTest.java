package dev.levee.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.levee.testing.OtlpReceiver;
import dev.levee.testing.TestCertificates;
import dev.levee.testing.TestData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** TLS and mutual TLS to the backend, over gRPC and HTTP, with certificates made for the test. */
class TlsTest {
  @TempDir static Path dir;
  private static TestCertificates.Tls tls;

  @BeforeAll
  static void certificates() throws Exception {
    tls = TestCertificates.create(dir);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"grpc", "http/protobuf"})
  void deliversOverTlsTrustingTheGivenCa(String protocol) {
    try (OtlpReceiver receiver = OtlpReceiver.startTls(tls, false)) {
      LeveeSpanExporter exporter =
          LeveeSpanExporter.builder()
              .setProtocol(protocol)
              .setEndpoint(receiver.endpoint(protocol))
              .setTrustedCertificates(tls.caCertificatePem())
              .build();
      try {
        exporter.export(TestData.spans(3, "tls"));
        assertThat(exporter.flush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();
        assertThat(receiver.spanCount()).isEqualTo(3);
      } finally {
        exporter.shutdown().join(10, TimeUnit.SECONDS);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"grpc", "http/protobuf"})
  void deliversOverMutualTlsWithAClientCertificate(String protocol) {
    try (OtlpReceiver receiver = OtlpReceiver.startTls(tls, true)) {
      LeveeSpanExporter exporter =
          LeveeSpanExporter.builder()
              .setProtocol(protocol)
              .setEndpoint(receiver.endpoint(protocol))
              .setTrustedCertificates(tls.caCertificatePem())
              .setClientTls(tls.clientKeyPem(), tls.clientCertificatePem())
              .build();
      try {
        exporter.export(TestData.spans(2, "mtls"));
        assertThat(exporter.flush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();
        assertThat(receiver.spanCount()).isEqualTo(2);
      } finally {
        exporter.shutdown().join(10, TimeUnit.SECONDS);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"grpc", "http/protobuf"})
  void withoutTheClientCertificateMutualTlsRefusesAndNothingIsSentInPlaintext(String protocol) {
    try (OtlpReceiver receiver = OtlpReceiver.startTls(tls, true)) {
      LeveeSpanExporter exporter =
          LeveeSpanExporter.builder()
              .setProtocol(protocol)
              .setEndpoint(receiver.endpoint(protocol))
              .setTrustedCertificates(tls.caCertificatePem())
              .setShutdownTimeout(Duration.ofMillis(300))
              .build();
      try {
        exporter.export(TestData.spans(2, "refused"));
        assertThat(exporter.flush().join(2, TimeUnit.SECONDS).isSuccess()).isFalse();
      } finally {
        exporter.shutdown().join(10, TimeUnit.SECONDS);
      }
      assertThat(receiver.spanCount()).isZero();
      LeveeStats stats = exporter.stats();
      assertThat(stats.retries()).isPositive();
      assertThat(stats.offered()).isEqualTo(stats.delivered() + stats.droppedTotal() + stats.pending());
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"grpc", "http/protobuf"})
  void aServerCertificateFromAnotherCaIsNotTrusted(String protocol) throws Exception {
    TestCertificates.Tls other = TestCertificates.create(java.nio.file.Files.createTempDirectory(dir, "other"));
    try (OtlpReceiver receiver = OtlpReceiver.startTls(tls, false)) {
      LeveeSpanExporter exporter =
          LeveeSpanExporter.builder()
              .setProtocol(protocol)
              .setEndpoint(receiver.endpoint(protocol))
              .setTrustedCertificates(other.caCertificatePem())
              .setShutdownTimeout(Duration.ofMillis(300))
              .build();
      try {
        exporter.export(TestData.spans(1, "untrusted"));
        assertThat(exporter.flush().join(2, TimeUnit.SECONDS).isSuccess()).isFalse();
      } finally {
        exporter.shutdown().join(10, TimeUnit.SECONDS);
      }
      assertThat(receiver.spanCount()).isZero();
    }
  }
}
