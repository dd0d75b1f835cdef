package dev.levee.exporter.internal.transport;

import dev.levee.exporter.internal.flow.Breaker;
import static org.assertj.core.api.Assertions.assertThat;

import dev.levee.buffer.Chunk;
import io.opentelemetry.sdk.testing.time.TestClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An open breaker probes early when its backend, unreachable before, accepts connections again. */
class EndpointsTest {
  private static final long TICK = Endpoints.REACHABILITY_CHECK_NANOS;

  private final TestClock clock = TestClock.create();

  /** A sender whose connection state the test sets; it sends nothing. */
  private static final class Connectable implements Sender {
    boolean connected;
    int asked;

    @Override
    public SendOutcome send(List<Chunk> chunks, long timeoutNanos) {
      return SendOutcome.success();
    }

    @Override
    public String target() {
      return "collector:4317";
    }

    @Override
    public boolean connected() {
      asked++;
      return connected;
    }

    @Override
    public void close(long timeoutNanos) {}
  }

  private Breaker openBreaker() {
    Breaker breaker =
        new Breaker(
            "collector:4317",
            new Breaker.Settings(true, 50, 100, Duration.ofSeconds(5), false, 2, 2, Duration.ofSeconds(30), 1),
            clock);
    breaker.onFailure(1_000, "UNAVAILABLE");
    breaker.onFailure(1_000, "UNAVAILABLE");
    assertThat(breaker.state()).isEqualTo(Breaker.State.OPEN);
    return breaker;
  }

  @Test
  void aBackendBackAfterBeingUnreachableIsProbedBeforeTheOpenWaitEnds() {
    Connectable sender = new Connectable();
    Breaker breaker = openBreaker();
    Endpoints endpoints = Endpoints.of(sender, breaker);

    endpoints.probeEarlyIfReconnected(clock.nanoTime()); // down: remembered
    assertThat(breaker.state()).isEqualTo(Breaker.State.OPEN);

    sender.connected = true;
    clock.advance(Duration.ofNanos(TICK / 2));
    endpoints.probeEarlyIfReconnected(clock.nanoTime()); // too soon to look again
    assertThat(sender.asked).isEqualTo(1);
    assertThat(breaker.state()).isEqualTo(Breaker.State.OPEN);

    clock.advance(Duration.ofNanos(TICK));
    endpoints.probeEarlyIfReconnected(clock.nanoTime());
    assertThat(breaker.state()).isEqualTo(Breaker.State.HALF_OPEN);
    assertThat(breaker.remainingOpenNanos()).isZero();
  }

  @Test
  void aBreakerOpenedByABackendThatStaysConnectedWaitsItsFullTime() {
    Connectable sender = new Connectable();
    sender.connected = true; // answering, with errors or slowly
    Breaker breaker = openBreaker();
    Endpoints endpoints = Endpoints.of(sender, breaker);

    for (int i = 0; i < 10; i++) {
      endpoints.probeEarlyIfReconnected(clock.nanoTime());
      clock.advance(Duration.ofNanos(TICK));
    }
    assertThat(breaker.state()).isEqualTo(Breaker.State.OPEN);
    assertThat(sender.asked).isEqualTo(10);
  }

  @Test
  void closedBreakersCostNoConnectionChecks() {
    Connectable sender = new Connectable();
    Breaker breaker =
        new Breaker("collector:4317", Breaker.Settings.DEFAULT, clock);
    Endpoints endpoints = Endpoints.of(sender, breaker);
    for (int i = 0; i < 5; i++) {
      endpoints.probeEarlyIfReconnected(clock.nanoTime());
      clock.advance(Duration.ofNanos(TICK));
    }
    assertThat(sender.asked).isZero();
  }
}
