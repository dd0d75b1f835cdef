package dev.levee.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.levee.testing.OtlpReceiver;
import dev.levee.testing.TestData;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The JMX bean, through the platform MBean server as jconsole would use it. */
class LeveeExporterMXBeanTest {
  private final OtlpReceiver receiver = OtlpReceiver.start();
  private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

  @AfterEach
  void stop() {
    receiver.close();
  }

  private LeveeExporterMXBean bean(LeveeSpanExporter exporter) throws Exception {
    ObjectName name =
        new ObjectName("levee:type=Exporter,signal=traces,name=" + ObjectName.quote(exporter.componentName()));
    // Registered by the exporter's dispatcher thread as it starts.
    await().atMost(Duration.ofSeconds(10)).until(() -> server.isRegistered(name));
    return JMX.newMXBeanProxy(server, name, LeveeExporterMXBean.class);
  }

  @Test
  void showsTheCountersAndItsOperationsChangeBehaviour() throws Exception {
    LeveeSpanExporter exporter =
        LeveeSpanExporter.builder().setEndpoint(receiver.endpoint()).build();
    try {
      LeveeExporterMXBean bean = bean(exporter);
      exporter.export(TestData.spans(3, "before"));
      assertThat(bean.flush()).isTrue();
      assertThat(bean.getDelivered()).isEqualTo(3);
      assertThat(bean.getDropped()).containsEntry("memory_full", 0L);
      assertThat(bean.getBreakerState()).isEqualTo("closed");
      assertThat(bean.getSummary()).startsWith("offered=3");

      bean.pauseDelivery();
      assertThat(bean.isPaused()).isTrue();
      exporter.export(TestData.spans(4, "paused"));
      // Nothing is sent while paused: a flush cannot complete.
      assertThat(exporter.flush().join(300, TimeUnit.MILLISECONDS).isSuccess()).isFalse();
      assertThat(bean.getPending()).isEqualTo(4);
      assertThat(receiver.spanCount()).isEqualTo(3);
      bean.resumeDelivery();
      await().atMost(Duration.ofSeconds(10)).until(() -> bean.getDelivered() == 7);
      assertThat(receiver.spanCount()).isEqualTo(7);

      bean.setRateLimit(1000, 0);
      assertThat(bean.getRateLimitItemsPerSecond()).isEqualTo(1000);
      bean.setBatchBounds(1024, 4096);
      assertThat(bean.getBatchBytes()).isBetween(1024L, 4096L);
      bean.resetBreaker();
      assertThat(bean.getBreakerState()).isEqualTo("closed");
    } finally {
      exporter.shutdown().join(10, TimeUnit.SECONDS);
    }
    ObjectName name =
        new ObjectName("levee:type=Exporter,signal=traces,name=" + ObjectName.quote(exporter.componentName()));
    assertThat(server.isRegistered(name)).as("unregistered at shutdown").isFalse();
  }
}
