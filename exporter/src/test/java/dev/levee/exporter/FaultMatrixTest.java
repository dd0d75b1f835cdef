package dev.levee.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.levee.buffer.Signal;
import dev.levee.testing.FaultShare;
import dev.levee.testing.OtlpReceiver;
import dev.levee.testing.Ports;
import dev.levee.testing.TestData;
import io.grpc.Status;
import io.opentelemetry.sdk.common.CompletableResultCode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each backend fault against each signal, over each protocol, through the real exporter, real gRPC
 * or HTTP and a real receiver: the outcome the fault calls for, with Levee's counts reconciled
 * exactly and checked against what the receiver counted. (Over HTTP the receiver answers a gRPC code
 * as an OTLP/HTTP backend would: UNAVAILABLE 503, RESOURCE_EXHAUSTED 429, INVALID_ARGUMENT 400, a
 * delay as {@code Retry-After} in whole seconds.)
 */
class FaultMatrixTest {
  private static final int BATCHES = 9;

  @TempDir Path dir;

  private final List<OtlpReceiver> receivers = new ArrayList<>();
  /** The protocol of the test running (one instance per test). */
  private String protocol = "grpc";

  static final List<String> PROTOCOLS = List.of("grpc", "http/protobuf");

  @AfterEach
  void stopReceivers() {
    receivers.forEach(OtlpReceiver::close);
  }

  /** A backend fault, and what Levee must make of it. */
  enum Fault {
    /** Slow answers: all delivered. */
    LATENCY(r -> r.setLatency(Duration.ofMillis(30))),
    /** Every third call unavailable, with RetryInfo: all delivered after retries. */
    UNAVAILABLE_WITH_RETRY_INFO(r -> r.failEvery(3, Status.UNAVAILABLE, Duration.ofMillis(20))),
    /**
     * Every third call throttled without RetryInfo: all delivered on Levee's own backoff. (One
     * call in two would open the circuit breaker, at its 50% threshold: its own tests cover that.)
     */
    RESOURCE_EXHAUSTED(r -> r.failEvery(3, Status.RESOURCE_EXHAUSTED, null)),
    /** Every third call refused as invalid: those items dropped as rejected, never retried. */
    INVALID_ARGUMENT(r -> r.failEvery(3, Status.INVALID_ARGUMENT, null)),
    /** Every other call a partial success rejecting one item: counted as rejected. */
    PARTIAL_SUCCESS(r -> r.rejectEvery(2, 1)),
    /** The receiver is down while data comes, then starts: all delivered from the journal. */
    DOWN_THEN_UP(r -> {}),
    /**
     * The receiver stops halfway with calls in flight (their connections reset) and a new one
     * starts on the same port: all delivered; a call the old one took before the reset may arrive
     * twice (at least once, never lost).
     */
    RESET_AND_RESTART(r -> r.setLatency(Duration.ofMillis(50)));

    final Consumer<OtlpReceiver> setUp;

    Fault(Consumer<OtlpReceiver> setUp) {
      this.setUp = setUp;
    }
  }

  static Stream<Arguments> matrix() {
    List<Arguments> cases = new ArrayList<>();
    for (String protocol : PROTOCOLS) {
      for (Signal signal : Signal.values()) {
        for (Fault fault : Fault.values()) {
          cases.add(Arguments.of(signal, fault, protocol));
        }
      }
    }
    return cases.stream();
  }

  static Stream<Arguments> signalsAndProtocols() {
    List<Arguments> cases = new ArrayList<>();
    for (String protocol : PROTOCOLS) {
      for (Signal signal : Signal.values()) {
        cases.add(Arguments.of(signal, protocol));
      }
    }
    return cases.stream();
  }

  /** One exporter of any signal, seen the same way. */
  private record Subject(
      java.util.function.IntFunction<CompletableResultCode> export,
      java.util.function.Supplier<CompletableResultCode> flush,
      java.util.function.Supplier<CompletableResultCode> shutdown,
      java.util.function.Supplier<LeveeStats> stats,
      ToLongFunction<OtlpReceiver> received) {}

  private <B extends LeveeExporterBuilder<B>> B configure(B builder, String endpoint) {
    return builder
        .setProtocol(protocol)
        .setEndpoint(endpoint)
        .setMaxBatchBytes(1) // one chunk per request, so "every Nth call" hits whole batches
        .setBatchLinger(Duration.ZERO)
        .setJournalDirectory(dir.resolve("journal"))
        .setJournalOpen("at_start")
        .setJournalFsync("none")
        .setShutdownTimeout(Duration.ofSeconds(1));
  }

  private Subject subject(Signal signal, String endpoint) {
    return switch (signal) {
      case SPANS -> {
        LeveeSpanExporter e = configure(LeveeSpanExporter.builder(), endpoint).build();
        yield new Subject(
            i -> e.export(TestData.spans(5, "matrix-" + i)), e::flush, e::shutdown, e::stats, OtlpReceiver::spanCount);
      }
      case METRICS -> {
        LeveeMetricExporter e = configure(LeveeMetricExporter.builder(), endpoint).build();
        yield new Subject(
            i -> e.export(TestData.metrics()), e::flush, e::shutdown, e::stats, OtlpReceiver::dataPointCount);
      }
      case LOGS -> {
        LeveeLogRecordExporter e = configure(LeveeLogRecordExporter.builder(), endpoint).build();
        yield new Subject(
            i -> e.export(TestData.logs(4)), e::flush, e::shutdown, e::stats, OtlpReceiver::logRecordCount);
      }
    };
  }

  /** A receiver serving the test's protocol on {@code port}. */
  private OtlpReceiver receiver(int port) {
    boolean grpc = protocol.equals("grpc");
    OtlpReceiver receiver = OtlpReceiver.start(grpc ? port : 0, grpc ? 0 : port, true, null);
    receivers.add(receiver);
    return receiver;
  }

  @ParameterizedTest(name = "{0} × {1} over {2}")
  @MethodSource("matrix")
  void eachFaultEndsAsItShouldWithCountsReconciled(Signal signal, Fault fault, String protocol) {
    this.protocol = protocol;
    int port = Ports.closedPort();
    OtlpReceiver receiver = null;
    for (int attempt = 1; fault != Fault.DOWN_THEN_UP && receiver == null; attempt++) {
      try {
        receiver = receiver(port);
      } catch (java.io.UncheckedIOException taken) {
        // The port was free when chosen, and something (a client's local port) took it since.
        if (attempt == 3) {
          throw taken;
        }
        port = Ports.closedPort();
      }
    }
    if (receiver != null) {
      fault.setUp.accept(receiver);
    }
    Subject subject = subject(signal, "http://127.0.0.1:" + port);
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> subject.stats().get().journalOpen());
      OtlpReceiver first = receiver;
      for (int i = 0; i < BATCHES; i++) {
        if (fault == Fault.RESET_AND_RESTART && i == BATCHES / 2) {
          // Calls are in flight (the receiver answers 50 ms late): stopping resets them.
          await().atMost(Duration.ofSeconds(10)).until(() -> first.requestCount() >= 1);
          first.close();
          receiver = receiver(port);
        }
        assertThat(subject.export().apply(i).isSuccess()).isTrue();
      }
      if (receiver == null) {
        // Nothing can be delivered yet: the failed requests wait in the journal.
        await().atMost(Duration.ofSeconds(30)).until(() -> subject.stats().get().retries() >= 1);
        receiver = receiver(port);
      }
      OtlpReceiver backend = receiver;
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> subject.stats().get().pending() == 0);

      LeveeStats stats = subject.stats().get();
      long offered = stats.offered();
      long received =
          subject.received().applyAsLong(backend)
              + (first != null && first != backend ? subject.received().applyAsLong(first) : 0);
      long rejected = stats.dropped(DropReason.REJECTED);
      assertThat(offered + stats.recovered())
          .as(stats.summary())
          .isEqualTo(stats.delivered() + stats.droppedTotal() + stats.pending());
      assertThat(stats.droppedTotal()).as(stats.summary()).isEqualTo(rejected);
      switch (fault) {
        case RESET_AND_RESTART -> {
          assertThat(stats.delivered()).as(stats.summary()).isEqualTo(offered);
          assertThat(received).isGreaterThanOrEqualTo(offered);
          assertThat(subject.received().applyAsLong(backend)).isPositive();
        }
        case LATENCY, UNAVAILABLE_WITH_RETRY_INFO, RESOURCE_EXHAUSTED, DOWN_THEN_UP -> {
          assertThat(stats.delivered()).as(stats.summary()).isEqualTo(offered);
          assertThat(received).isEqualTo(offered);
          if (fault != Fault.LATENCY) {
            assertThat(stats.retries()).as(stats.summary()).isPositive();
          }
        }
        case INVALID_ARGUMENT -> {
          // Every third call refused, never retried: what arrived is what was delivered.
          assertThat(rejected).as(stats.summary()).isPositive();
          assertThat(stats.retries()).isZero();
          assertThat(received).isEqualTo(stats.delivered());
          assertThat(stats.delivered() + rejected).isEqualTo(offered);
        }
        case PARTIAL_SUCCESS -> {
          // Everything arrived; the backend said it rejected one item in every other call.
          assertThat(received).isEqualTo(offered);
          assertThat(rejected).as(stats.summary()).isEqualTo(backend.rejectedItemCount()).isPositive();
          assertThat(stats.delivered() + rejected).isEqualTo(offered);
        }
      }
      assertThat(subject.flush().get().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    } finally {
      subject.shutdown().get().join(30, TimeUnit.SECONDS);
    }
  }

  /**
   * 30% transient faults at a steady rate (20% UNAVAILABLE, 10% throttled with a RetryInfo of 50
   * ms, at random): the backend serves most calls, so the breaker stays closed and everything is
   * delivered in-process, nothing journaled.
   */
  @ParameterizedTest(name = "{0} over {1}")
  @MethodSource("signalsAndProtocols")
  void thirtyPercentTransientFaultsKeepTheBreakerClosedAndEverythingIsDelivered(Signal signal, String protocol) {
    this.protocol = protocol;
    int port = Ports.closedPort();
    OtlpReceiver backend = receiver(port);
    backend.failMix(
        FaultShare.parseMix("UNAVAILABLE:20%,RESOURCE_EXHAUSTED:10%:50ms"));
    Subject subject = subject(signal, "http://127.0.0.1:" + port);
    try {
      for (int i = 0; i < 60; i++) {
        assertThat(subject.export().apply(i).isSuccess()).isTrue();
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> subject.stats().get().pending() == 0);

      LeveeStats stats = subject.stats().get();
      assertThat(stats.delivered()).as(stats.summary()).isEqualTo(stats.offered());
      assertThat(subject.received().applyAsLong(backend)).isEqualTo(stats.offered());
      assertThat(backend.failedCallCount()).isPositive();
      assertThat(stats.retries()).as(stats.summary()).isEqualTo(backend.failedCallCount());
      assertThat(stats.breakerOpenings()).as(stats.summary()).isZero();
      assertThat(stats.journaled()).as(stats.summary()).isZero();
      assertThat(stats.droppedTotal()).isZero();
    } finally {
      subject.shutdown().get().join(30, TimeUnit.SECONDS);
    }
  }

  /** A breaker that opens after two failed requests and stays open for ten minutes. */
  private <B extends LeveeExporterBuilder<B>> B openLong(B builder, int port) {
    return configure(builder, "http://127.0.0.1:" + port)
        .setCircuitBreakerOpenWait(Duration.ofMinutes(10))
        .setCircuitBreakerMinimumCalls(2)
        .setShutdownTimeout(Duration.ofSeconds(10));
  }

  /**
   * The breaker is open when the application stops (the backend was down) and the backend is back:
   * shutdown does not ask the breaker, and delivers what the backend takes, memory and journal.
   */
  @ParameterizedTest(name = "{0} over {1}")
  @MethodSource("signalsAndProtocols")
  void withTheBreakerOpenAtShutdownWhatTheBackendTakesIsDelivered(Signal signal, String protocol) {
    this.protocol = protocol;
    int port = Ports.closedPort();
    Subject subject =
        switch (signal) {
          case SPANS -> {
            LeveeSpanExporter e =
                openLong(LeveeSpanExporter.builder(), port).build();
            yield new Subject(
                i -> e.export(TestData.spans(5, "open-" + i)), e::flush, e::shutdown, e::stats, OtlpReceiver::spanCount);
          }
          case METRICS -> {
            LeveeMetricExporter e =
                openLong(LeveeMetricExporter.builder(), port).build();
            yield new Subject(i -> e.export(TestData.metrics()), e::flush, e::shutdown, e::stats, OtlpReceiver::dataPointCount);
          }
          case LOGS -> {
            LeveeLogRecordExporter e =
                openLong(LeveeLogRecordExporter.builder(), port).build();
            yield new Subject(i -> e.export(TestData.logs(4)), e::flush, e::shutdown, e::stats, OtlpReceiver::logRecordCount);
          }
        };
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> subject.stats().get().journalOpen());
      for (int i = 0; i < BATCHES; i++) {
        assertThat(subject.export().apply(i).isSuccess()).isTrue();
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> "open".equals(subject.stats().get().breakerState()));
      // The backend comes back; the breaker waits ten minutes before probing. The app stops now.
      OtlpReceiver backend = receiver(port);
      assertThat(subject.shutdown().get().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();

      LeveeStats stats = subject.stats().get();
      assertThat(stats.delivered()).as(stats.summary()).isEqualTo(stats.offered());
      assertThat(subject.received().applyAsLong(backend)).isEqualTo(stats.offered());
      assertThat(stats.pending()).as(stats.summary()).isZero();
      assertThat(stats.droppedTotal()).isZero();
    } finally {
      subject.shutdown().get().join(30, TimeUnit.SECONDS);
    }
  }
}
