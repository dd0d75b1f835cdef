package dev.levee.exporter.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class TransportsTest {
  @Test
  void choosesOkHttpOnlyInsideTheAgentUnlessTold() {
    // No agent here (its extension API is not on this class path); OkHttp 4.12 is.
    assertThat(Transports.choose(null)).isFalse();
    assertThat(Transports.choose("auto")).isFalse();
    assertThat(Transports.choose(" OkHttp ")).isTrue();
    assertThat(Transports.choose("builtin")).isFalse();
    assertThat(Transports.okHttp()).isFalse(); // this process: unset, so auto
  }

  @Test
  void theClientsQuickToMakeAreSetUpBeforeTheFirstDataAndGrpcJavasChannelIsNot() {
    TransportSettings http = settings(Protocol.HTTP_PROTOBUF, Endpoints.Mode.FAILOVER, 1);
    TransportSettings grpc = settings(Protocol.GRPC, Endpoints.Mode.FAILOVER, 2);
    TransportSettings fleet = settings(Protocol.GRPC, Endpoints.Mode.ROUND_ROBIN, 1);
    // Over HTTP: OkHttp's client, or the JDK's.
    assertThat(Transports.quickToSetUp(http, true)).isTrue();
    assertThat(Transports.quickToSetUp(http, false)).isTrue();
    // Over gRPC: OkHttp's client, not grpc-java's channel (outside the agent, or a fleet).
    assertThat(Transports.quickToSetUp(grpc, true)).isTrue();
    assertThat(Transports.quickToSetUp(grpc, false)).isFalse();
    assertThat(Transports.quickToSetUp(fleet, true)).isFalse();
    assertThat(Transports.quickToSetUp(grpc)).isFalse(); // this process: no agent, grpc-java
  }

  private static TransportSettings settings(Protocol protocol, Endpoints.Mode mode, int endpoints) {
    List<java.net.URI> targets = new ArrayList<>();
    for (int i = 0; i < endpoints; i++) {
      targets.add(java.net.URI.create("http://collector-" + i + ":4317"));
    }
    return new TransportSettings(
        protocol, targets, mode, java.util.Map.of(), java.time.Duration.ofSeconds(10), Compression.NONE, null, null, null);
  }

  @Test
  void aValueItDoesNotKnowIsNamedAndReadAsAuto() {
    Logger logger = Logger.getLogger(Transports.class.getName());
    List<String> warnings = new ArrayList<>();
    Handler handler =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            warnings.add(record.getMessage());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    logger.addHandler(handler);
    try {
      assertThat(Transports.choose("netty")).isFalse();
    } finally {
      logger.removeHandler(handler);
    }
    assertThat(warnings)
        .containsExactly(
            "Levee ignores otel.exporter.levee.transport=netty: expected auto, okhttp or builtin; using auto");
  }

  @Test
  void namesEachSignalsOtlpMethodAndEachStatusCode() {
    assertThat(Transports.fullMethodName(dev.levee.buffer.Signal.LOGS))
        .isEqualTo("opentelemetry.proto.collector.logs.v1.LogsService/Export");
    assertThat(Transports.grpcStatusCode("OK")).isZero();
    assertThat(Transports.grpcStatusCode("UNAUTHENTICATED")).isEqualTo(16);
  }
}
