package dev.levee.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.levee.testing.AgentProcess;
import dev.levee.testing.LeveeAccounting;
import dev.levee.testing.LeveeAccounting.Counts;
import dev.levee.testing.FaultShare;
import dev.levee.testing.OtlpReceiver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A burst, then exit, under the real agent against a healthy receiver: {@code BurstApp} ends
 * 20,000 spans and emits 2,000 log records as fast as it can and returns from {@code main} at
 * once. With Levee's processor in place of the SDK's batch processor (autoconfigure's default
 * with Levee), nothing is lost before Levee sees it, and with write-ahead or a small {@code
 * memory.limit} everything is still delivered before the process ends: the journal is read as
 * fast as the backend takes it, and shutdown drains it. And 50,000 spans twice in a row with the
 * defaults, on Java 17 and on Java 25.
 */
class BurstEndToEndIT {
  private static final int SPANS = 20_000;
  private static final int LOG_RECORDS = SPANS / 10;
  private static final Duration CHILD_LIMIT = Duration.ofMinutes(2);

  @TempDir Path tempDir;

  /** The newest agent with write-ahead and with 1 MiB of memory; the oldest with write-ahead. */
  static Stream<Arguments> cells() {
    String[] agents = System.getProperty("levee.it.agents").split(",");
    String oldest = agents[0];
    String newest = agents[agents.length - 1];
    return Stream.of(
        Arguments.of(newest, "journal.mode", "write_ahead"),
        Arguments.of(newest, "memory.limit", "1MiB"),
        Arguments.of(oldest, "journal.mode", "write_ahead"));
  }

  @ParameterizedTest(name = "agent {0}, {1}={2}")
  @MethodSource("cells")
  void everythingOfABurstIsDeliveredBeforeTheProcessEnds(String agent, String key, String value)
      throws IOException {
    Path javaHome = Path.of(System.getProperty("java.home"));
    Counts spans = burst(javaHome, agent, SPANS, key, value, tempDir.resolve("journal"));
    if (value.equals("write_ahead")) {
      // Write-ahead: every span went through the journal on its way.
      assertThat(spans.journaled()).isEqualTo((long) SPANS);
    }
  }

  /** Java 17 and Java 25 (the machines this project builds on have both). */
  static Stream<Arguments> jdks() {
    return Stream.of(
        Arguments.of("17", Path.of(System.getProperty("java.home"))),
        Arguments.of("25", Path.of(System.getProperty("levee.it.jdk25"))));
  }

  /**
   * 50,000 spans and 5,000 log records at full speed with the defaults, twice in a row on the same
   * journal directory, under the newest agent: nothing is lost before Levee, everything is
   * delivered by both processes, nothing is left for a next run.
   */
  @ParameterizedTest(name = "Java {0}")
  @MethodSource("jdks")
  void fiftyThousandSpansAtFullSpeedTwice(String version, Path javaHome) throws IOException {
    assertThat(javaHome.resolve("bin/java")).as("JDK " + version).isExecutable();
    assertThat(Files.readString(javaHome.resolve("release"))).contains("JAVA_VERSION=\"" + version);
    String[] agents = System.getProperty("levee.it.agents").split(",");
    Path journal = tempDir.resolve("journal");
    for (int run = 1; run <= 2; run++) {
      Counts spans = burst(javaHome, agents[agents.length - 1], 50_000, null, null, journal);
      assertThat(spans.recovered()).as("run %d: nothing left by the run before", run).isZero();
    }
  }

  /**
   * A burst to a degraded backend, as behind a busy load balancer: it answers 20 ms late, fails 20%
   * of calls with UNAVAILABLE and throttles 10% (RESOURCE_EXHAUSTED with a RetryInfo of 200 ms;
   * over HTTP 503, and 429 with {@code Retry-After: 1}).
   * The breaker stays closed (the backend answers), each failed request is retried on its own, and
   * everything is delivered before the process ends, with the defaults, nothing left in the journal.
   */
  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"http/protobuf", "grpc"})
  void aBurstToADegradedBackendIsDeliveredBeforeTheProcessEnds(String protocol) throws IOException {
    String[] agents = System.getProperty("levee.it.agents").split(",");
    Path javaHome = Path.of(System.getProperty("java.home"));
    java.util.concurrent.atomic.AtomicLong failedCalls = new java.util.concurrent.atomic.AtomicLong();
    burst(
        javaHome,
        agents[agents.length - 1],
        SPANS,
        protocol,
        null,
        null,
        tempDir.resolve("journal"),
        receiver -> {
          receiver.setLatency(Duration.ofMillis(20));
          receiver.failMix(
              FaultShare.parseMix("UNAVAILABLE:20%,RESOURCE_EXHAUSTED:10%:200ms"));
        },
        (receiver, output) -> {
          failedCalls.set(receiver.failedCallCount());
          assertThat(output).contains("breaker=closed breaker_openings=0");
        });
    assertThat(failedCalls.get()).as("the receiver failed some calls").isPositive();
  }

  private static Counts burst(Path javaHome, String agent, int spans, String key, String value, Path journal)
      throws IOException {
    return burst(javaHome, agent, spans, "http/protobuf", key, value, journal, receiver -> {}, (receiver, output) -> {});
  }

  /**
   * Runs {@code BurstApp} with {@code spans} spans (and a log record per ten) under {@code agent}
   * over {@code protocol} with one Levee setting (or none), against a receiver {@code faults} sets up, and checks that all
   * of it reached Levee and the receiver; {@code also} checks more.
   */
  private static Counts burst(
      Path javaHome,
      String agent,
      int spans,
      String protocol,
      String key,
      String value,
      Path journal,
      java.util.function.Consumer<OtlpReceiver> faults,
      java.util.function.BiConsumer<OtlpReceiver, String> also)
      throws IOException {
    int logRecords = spans / 10;
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      faults.accept(receiver);
      AgentProcess.Builder builder =
          DemoApps.underTheAgent(javaHome, agent)
              .mainClass("dev.levee.examples.app.BurstApp")
              .leveeForAllSignals()
              .property("otel.service.name", "levee-burst")
              // As a user points the agent at a collector; Levee inherits both settings.
              .property("otel.exporter.otlp.endpoint", receiver.endpoint(protocol))
              .property("otel.exporter.otlp.protocol", protocol)
              .property("otel.exporter.levee.journal.directory", journal.toString())
              .arg(String.valueOf(spans));
      if (key != null) {
        builder.property("otel.exporter.levee." + key, value);
      }
      AgentProcess app = builder.start();

      assertThat(app.awaitExit(CHILD_LIMIT)).as(app.output()).isZero();
      String output = app.output();

      assertThat(output).contains("burst app: done, " + spans + " spans");
      // Every span reached Levee (no queue in front of it dropped any) and the receiver.
      assertThat(receiver.spanCount()).as(output).isEqualTo(spans);
      assertThat(receiver.duplicateSpanCount()).isZero();
      assertThat(receiver.logRecordCount()).as(output).isEqualTo(logRecords);
      Map<String, Counts> accounting = LeveeAccounting.parse(output);
      for (Map.Entry<String, Long> expected : Map.of("spans", (long) spans, "logs", (long) logRecords).entrySet()) {
        Counts counts = accounting.get(expected.getKey());
        assertThat(counts).as(output).isNotNull();
        assertThat(counts.offered()).as(expected.getKey()).isEqualTo(expected.getValue());
        assertThat(counts.delivered()).as(expected.getKey()).isEqualTo(expected.getValue());
        assertThat(counts.dropped()).as(expected.getKey()).isZero();
        assertThat(counts.pending()).as(expected.getKey()).isZero();
      }
      assertThat(List.of(output.split("\n")))
          .noneMatch(line -> line.contains("BatchSpanProcessor") || line.contains("BatchLogRecordProcessor"));
      also.accept(receiver, output);
      return accounting.get("spans");
    }
  }
}
