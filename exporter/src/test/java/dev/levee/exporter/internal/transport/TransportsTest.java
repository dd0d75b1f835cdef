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
