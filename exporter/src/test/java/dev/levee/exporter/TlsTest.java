package dev.levee.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.levee.testing.OtlpReceiver;
import dev.levee.testing.TestCertificates;
import dev.levee.testing.TestData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS and mutual TLS to the backend, with certificates made for the test. */
class TlsTest {
  @TempDir static Path dir;
  private static TestCertificates.Tls tls;

  @BeforeAll
  static void certificates() throws Exception {
    tls = TestCertificates.create(dir);
  }

  @Test
  void deliversOverTlsTrustingTheGivenCa() {
    try (OtlpReceiver receiver = OtlpReceiver.startTls(tls, false)) {
      LeveeSpanExporter exporter =
          LeveeSpanExporter.builder()
              .setEndpoint(receiver.endpoint())
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

  @Test
  void deliversOverMutualTlsWithAClientCertificate() {
    try (OtlpReceiver receiver = OtlpReceiver.startTls(tls, true)) {
      LeveeSpanExporter exporter =
          LeveeSpanExporter.builder()
              .setEndpoint(receiver.endpoint())
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

  @Test
  void withoutTheClientCertificateMutualTlsRefusesAndNothingIsSentInPlaintext() {
    try (OtlpReceiver receiver = OtlpReceiver.startTls(tls, true)) {
      LeveeSpanExporter exporter =
          LeveeSpanExporter.builder()
              .setEndpoint(receiver.endpoint())
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

  @Test
  void aServerCertificateFromAnotherCaIsNotTrusted() throws Exception {
    TestCertificates.Tls other = TestCertificates.create(java.nio.file.Files.createDirectories(dir.resolve("other")));
    try (OtlpReceiver receiver = OtlpReceiver.startTls(tls, false)) {
      LeveeSpanExporter exporter =
          LeveeSpanExporter.builder()
              .setEndpoint(receiver.endpoint())
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
