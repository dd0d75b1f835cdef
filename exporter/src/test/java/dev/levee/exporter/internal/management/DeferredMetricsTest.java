package dev.levee.exporter.internal.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.levee.buffer.Signal;
import dev.levee.exporter.LeveeSpanExporter;
import dev.levee.testing.LogCapture;
import dev.levee.testing.Ports;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.time.TestClock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** When the self-metrics of an exporter built inside the agent's start-up are made. */
class DeferredMetricsTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  private final InMemoryMetricReader reader = InMemoryMetricReader.create();
  private final SdkMeterProvider meterProvider = SdkMeterProvider.builder().registerMetricReader(reader).build();
  private final LeveeSpanExporter exporter =
      LeveeSpanExporter.builder().setEndpoint(Ports.closedPortEndpoint()).build();
  private final AtomicInteger registrations = new AtomicInteger();
  private final java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
  private final DeferredMetrics deferred =
      new DeferredMetrics(
          () -> {
            registrations.incrementAndGet();
            return exporter.registerMetrics(meterProvider);
          },
          stopping::get);

  @AfterEach
  void close() {
    exporter.shutdown().join(10, TimeUnit.SECONDS);
    meterProvider.close();
  }

  private Watch watch() {
    return new Watch(
        Signal.SPANS,
        exporter::stats,
        () -> "test",
        null,
        new Watch.Traits(false, false, false),
        new ThrottledLogger(Logger.getLogger("test"), TestClock.create(), SECOND));
  }

  private long requestsRecorded() {
    return reader.collectAllMetrics().stream()
        .filter(m -> m.getName().equals("otel.sdk.exporter.operation.duration"))
        .map(MetricData::getHistogramData)
        .flatMap(h -> h.getPoints().stream())
        .mapToLong(p -> p.getCount())
        .sum();
  }

  @Test
  void theWatchMakesThemFiveSecondsAfterItsFirstTickOnce() {
    Watch watch = watch();
    watch.registerMetricsWhenDue(deferred);
    long start = 1_000 * SECOND;
    watch.tick(start);
    watch.tick(start + 5 * SECOND - 1);
    assertThat(registrations).hasValue(0);
    assertThat(reader.collectAllMetrics()).isEmpty();

    watch.tick(start + 5 * SECOND);
    assertThat(registrations).hasValue(1);
    assertThat(reader.collectAllMetrics()).isNotEmpty();

    watch.tick(start + 60 * SECOND);
    deferred.onRequest(TimeUnit.MILLISECONDS.toNanos(3), "OK", false);
    assertThat(registrations).hasValue(1);
    assertThat(requestsRecorded()).isEqualTo(1);
  }

  @Test
  void theFirstRequestMakesThemFirstAndIsRecorded() {
    Watch watch = watch();
    watch.registerMetricsWhenDue(deferred);
    watch.tick(0);
    deferred.onRequest(TimeUnit.MILLISECONDS.toNanos(3), "OK", false);
    assertThat(registrations).hasValue(1);
    assertThat(requestsRecorded()).isEqualTo(1);

    deferred.onRequest(TimeUnit.MILLISECONDS.toNanos(4), "OK", false);
    watch.tick(10 * SECOND); // due, but they exist: not made twice
    assertThat(registrations).hasValue(1);
    assertThat(requestsRecorded()).isEqualTo(2);
  }

  /** A short-lived application's only request comes as it stops: nothing is made for it. */
  @Test
  void aRequestSettledWhileTheExporterStopsMakesNothingButOneAfterRegistrationIsRecorded() {
    stopping.set(true);
    deferred.onRequest(TimeUnit.MILLISECONDS.toNanos(3), "OK", false);
    assertThat(registrations).hasValue(0);
    assertThat(reader.collectAllMetrics()).isEmpty();

    stopping.set(false);
    deferred.onRequest(TimeUnit.MILLISECONDS.toNanos(3), "OK", false);
    stopping.set(true);
    deferred.onRequest(TimeUnit.MILLISECONDS.toNanos(4), "OK", false);
    assertThat(registrations).hasValue(1);
    assertThat(requestsRecorded()).isEqualTo(2);
  }

  @Test
  void aQuietDispatcherLooksEachSecondUntilTheyAreMadeThenEveryFiveSeconds() {
    Watch watch = watch();
    assertThat(watch.quietParkNanos()).isEqualTo(5 * SECOND);
    watch.registerMetricsWhenDue(deferred);
    watch.tick(0);
    assertThat(watch.quietParkNanos()).isEqualTo(SECOND);

    watch.tick(5 * SECOND);
    assertThat(registrations).hasValue(1);
    assertThat(watch.quietParkNanos()).isEqualTo(5 * SECOND);
  }

  @Test
  void aRegistrationThatFailsIsLoggedOnceAndNotTriedAgain() {
    AtomicInteger attempts = new AtomicInteger();
    DeferredMetrics failing =
        new DeferredMetrics(
            () -> {
              attempts.incrementAndGet();
              throw new IllegalStateException("no meter here");
            },
            () -> false);
    try (LogCapture log = LogCapture.of(DeferredMetrics.class.getName())) {
      assertThat(failing.register()).isNull();
      failing.onRequest(1, "OK", false);
      assertThat(failing.register()).isNull();
      assertThat(attempts).hasValue(1);
      assertThat(log.messages(Level.WARNING))
          .containsExactly("Levee could not register its self-metrics; exporting goes on without them");
    }
  }
}
