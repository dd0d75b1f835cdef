package dev.levee.exporter.internal.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.levee.exporter.LeveeExporterMXBean;
import dev.levee.exporter.LeveeSpanExporter;
import dev.levee.testing.OtlpReceiver;
import dev.levee.testing.TestData;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import javax.management.JMX;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The admin endpoint over real HTTP, serving a real exporter. */
class AdminServerTest {
  private final OtlpReceiver receiver = OtlpReceiver.start();
  private final HttpClient http = HttpClient.newHttpClient();
  private LeveeSpanExporter exporter;
  private AdminServer server;

  @BeforeEach
  void start() throws Exception {
    exporter = LeveeSpanExporter.builder().setEndpoint(receiver.endpoint()).build();
    ObjectName name =
        new ObjectName("levee:type=Exporter,signal=traces,name=" + ObjectName.quote(exporter.componentName()));
    LeveeExporterMXBean bean =
        JMX.newMXBeanProxy(ManagementFactory.getPlatformMBeanServer(), name, LeveeExporterMXBean.class);
    server = AdminServer.start("127.0.0.1", 0, "s3cret");
    server.register("traces", bean);
  }

  @AfterEach
  void stop() {
    server.close();
    exporter.shutdown().join(10, TimeUnit.SECONDS);
    receiver.close();
  }

  private HttpResponse<String> call(String method, String path, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesStatsAndHealthToWhoeverHasTheToken() throws Exception {
    exporter.export(TestData.spans(3, "admin"));
    assertThat(exporter.flush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();

    HttpResponse<String> stats = call("GET", "/levee/stats", "s3cret");
    assertThat(stats.statusCode()).isEqualTo(200);
    assertThat(stats.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(stats.body()).contains("\"traces\":{\"offered\":3,").contains("\"delivered\":3").contains("\"memory_full\":0");
    HttpResponse<String> health = call("GET", "/levee/health", "s3cret");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"state\":\"OK\"");
  }

  @Test
  void aMissingOrWrongTokenIs401() throws Exception {
    assertThat(call("GET", "/levee/stats", null).statusCode()).isEqualTo(401);
    HttpResponse<String> wrong = call("GET", "/levee/stats", "guess");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).contains("Authorization: Bearer");
  }

  @Test
  void operationsChangeTheExporterAndBadInputIs400WithTheReason() throws Exception {
    HttpResponse<String> limit = call("POST", "/levee/rate-limit?signal=traces&items=500", "s3cret");
    assertThat(limit.statusCode()).isEqualTo(200);
    assertThat(limit.body()).isEqualTo("{\"items\":500,\"bytes\":0}\n");
    assertThat(call("GET", "/levee/stats", "s3cret").body()).contains("\"rate_limit_items_per_second\":500");
    HttpResponse<String> bounds = call("POST", "/levee/batch-size?min=1024&max=4096", "s3cret");
    assertThat(bounds.statusCode()).isEqualTo(200);
    assertThat(exporter.stats().batchBytes()).isBetween(1024L, 4096L);
    assertThat(call("POST", "/levee/breaker/reset", "s3cret").statusCode()).isEqualTo(200);

    HttpResponse<String> notANumber = call("POST", "/levee/rate-limit?items=lots", "s3cret");
    assertThat(notANumber.statusCode()).isEqualTo(400);
    assertThat(notANumber.body()).contains("parameter 'items' must be a whole number, was 'lots'");
    HttpResponse<String> backwards = call("POST", "/levee/batch-size?min=4096&max=1024", "s3cret");
    assertThat(backwards.statusCode()).isEqualTo(400);
    assertThat(backwards.body()).contains("min <= max");
    assertThat(call("POST", "/levee/rate-limit?signal=profiles&items=1", "s3cret").body())
        .contains("unknown signal 'profiles'");
    assertThat(call("GET", "/levee/rate-limit", "s3cret").statusCode()).isEqualTo(405);
    assertThat(call("GET", "/elsewhere", "s3cret").statusCode()).isEqualTo(404);
  }

  @Test
  void refusesToListenOffLoopback() {
    assertThatThrownBy(() -> AdminServer.start("0.0.0.0", 0, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("loopback addresses only")
        .hasMessageContaining("'0.0.0.0'");
    assertThatThrownBy(() -> LeveeSpanExporter.builder().setAdminEndpoint("0.0.0.0", 9464, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("loopback addresses only");
  }

  @Test
  void aSharedEndpointIsSharedOnlyUnderTheSameToken() throws Exception {
    AdminServer first = AdminServer.acquire("127.0.0.1", 0, "one");
    try {
      assertThat(AdminServer.acquire("127.0.0.1", 0, "one")).isSameAs(first);
      AdminServer.release(first);

      assertThatThrownBy(() -> AdminServer.acquire("127.0.0.1", 0, "two"))
          .isInstanceOf(java.io.IOException.class)
          .hasMessage(
              "the admin endpoint on 127.0.0.1:0 is already served by another Levee exporter of"
                  + " this process with a different admin.token; give every exporter that shares it"
                  + " the same token, or another port");
      assertThatThrownBy(() -> AdminServer.acquire("127.0.0.1", 0, null))
          .isInstanceOf(java.io.IOException.class);
    } finally {
      AdminServer.release(first);
    }
    // Once its last user let it go, the port can be served under another token.
    AdminServer next = AdminServer.acquire("127.0.0.1", 0, "two");
    assertThat(next).isNotSameAs(first);
    AdminServer.release(next);
  }
}
