package dev.levee.exporter.internal.dispatch;

import dev.levee.exporter.internal.ListJournal;
import dev.levee.exporter.internal.flow.Adaptive;
import dev.levee.exporter.internal.flow.Backoff;
import dev.levee.exporter.internal.flow.Breaker;
import dev.levee.exporter.internal.flow.RateLimiter;
import dev.levee.exporter.internal.management.PipelineStats;
import dev.levee.exporter.internal.transport.Endpoints;
import dev.levee.exporter.internal.transport.SendOutcome;
import dev.levee.exporter.internal.transport.Sender;
import static org.assertj.core.api.Assertions.assertThat;

import dev.levee.buffer.Chunk;
import dev.levee.buffer.ChunkBuffer;
import dev.levee.buffer.ChunkJournal;
import dev.levee.buffer.Signal;
import dev.levee.buffer.internal.MemoryBufferProvider;
import dev.levee.buffer.BufferSettings;
import dev.levee.exporter.DropReason;
import dev.levee.exporter.LeveeStats;
import dev.levee.testing.LogCapture;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.testing.time.TestClock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

class DispatcherTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  private final TestClock clock = TestClock.create();
  private final ChunkBuffer buffer =
      new MemoryBufferProvider().create(new BufferSettings(Signal.SPANS, 10_000));
  private final PipelineStats stats = new PipelineStats(Signal.SPANS);
  private final ScriptedSender sender = new ScriptedSender();
  private final AtomicBoolean exporting = new AtomicBoolean();
  /** Off in most tests: they are about retries; the breaker's own tests switch it on. */
  private Breaker breaker = new Breaker("test", Breaker.Settings.DEFAULT.disabled(), clock);
  private RateLimiter limiter = new RateLimiter(RateLimiter.Settings.NONE, clock);
  /** Requests of up to 1000 bytes, one at a time: what most tests here are about. */
  private Adaptive adaptive = new Adaptive(1000, 1000, SECOND, 1);
  private Dispatcher dispatcher = dispatcher(breaker);

  private Dispatcher dispatcher(Breaker breaker) {
    return dispatcher(breaker, sender, 0);
  }

  private Endpoints endpoints;
  /** Null in most tests: no priority lane. */
  private ChunkBuffer priorityLane;

  private Dispatcher dispatcher(Breaker breaker, Sender sender, long lingerNanos) {
    return dispatcher(Endpoints.of(sender, breaker), lingerNanos);
  }

  private Dispatcher dispatcher(Endpoints endpoints, long lingerNanos) {
    this.endpoints = endpoints;
    return new Dispatcher(
          Signal.SPANS,
          buffer,
          priorityLane,
          endpoints,
          limiter,
          stats,
          clock,
          nanos -> clock.advance(Duration.ofNanos(nanos)),
          new Backoff(SECOND / 10, 5 * SECOND, bound -> bound - 1),
          adaptive,
          lingerNanos, // 0 in most tests: each step sends what memory holds
          10 * SECOND,
          exporting::get,
          () -> {});
  }

  private Chunk offer(int bytes, int items) {
    Chunk chunk = Chunk.of(Signal.SPANS, new byte[bytes], items, false, clock.now());
    stats.offered(items);
    stats.accepted(items);
    assertThat(buffer.offer(chunk)).isTrue();
    dispatcher.accepted();
    return chunk;
  }

  private LeveeStats snapshot() {
    return stats.snapshot(buffer.usedBytes(), buffer.capacityBytes(), false, endpoints, adaptive, 0, 0);
  }

  private void assertReconciled() {
    LeveeStats s = snapshot();
    assertThat(s.offered()).isEqualTo(s.delivered() + s.droppedTotal() + s.pending());
  }

  @Test
  void theJournalBacklogTakesTurnsWithLiveDataSoNeitherWaitsForTheOther() {
    ListJournal journal = new ListJournal();
    Chunk j1 = Chunk.of(Signal.SPANS, new byte[600], 1, false, clock.now());
    Chunk j2 = Chunk.of(Signal.SPANS, new byte[600], 1, false, clock.now());
    Chunk j3 = Chunk.of(Signal.SPANS, new byte[600], 1, false, clock.now());
    journal.records.addAll(List.of(j1, j2, j3));
    assertThat(dispatcher.attachJournal(journal, ChunkJournal.ReadOrder.OLDEST_FIRST)).isEqualTo(3);

    Chunk live1 = offer(100, 1);
    dispatcher.step();
    dispatcher.step();
    Chunk live2 = offer(100, 1);
    dispatcher.step();
    dispatcher.step();
    dispatcher.step();

    assertThat(sender.requests)
        .containsExactly(List.of(live1), List.of(j1), List.of(live2), List.of(j2), List.of(j3));
    assertThat(journal.committed).isEqualTo(3);
    LeveeStats s = snapshot();
    assertThat(s.recovered()).isEqualTo(3);
    assertThat(s.delivered()).isEqualTo(5);
    assertThat(s.pending()).isZero();
  }

  @Test
  void theJournalBacklogGoesWhileARequestFromMemoryLingers() {
    dispatcher = dispatcher(breaker, sender, 50_000_000L); // 50 ms
    ListJournal journal = new ListJournal();
    Chunk j1 = Chunk.of(Signal.SPANS, new byte[600], 1, false, clock.now());
    Chunk j2 = Chunk.of(Signal.SPANS, new byte[600], 1, false, clock.now());
    journal.records.addAll(List.of(j1, j2));
    dispatcher.attachJournal(journal, ChunkJournal.ReadOrder.OLDEST_FIRST);

    Chunk live = offer(100, 1); // a tenth of the request size: it lingers
    dispatcher.step();
    dispatcher.step();
    assertThat(sender.requests).as("the backlog, while memory lingers").containsExactly(List.of(j1), List.of(j2));
    clock.advance(Duration.ofMillis(50));
    dispatcher.step();
    assertThat(sender.requests).containsExactly(List.of(j1), List.of(j2), List.of(live));
    LeveeStats s = snapshot();
    assertThat(s.recovered()).isEqualTo(2);
    assertThat(s.delivered()).isEqualTo(3);
    assertThat(s.pending()).isZero();
  }

  /** A breaker that judges the last 4 requests, opens at 50% failures for 10 s, one probe. */
  private void useBreaker() {
    breaker =
        new Breaker(
            "test:4317",
            new Breaker.Settings(true, 50, 100, Duration.ofSeconds(5), false, 4, 4, Duration.ofSeconds(10), 1),
            clock);
    dispatcher = dispatcher(breaker);
  }

  @Test
  void throttlingSlowsDeliveryDownWithoutOpeningTheBreaker() {
    useBreaker();
    for (int i = 0; i < 8; i++) {
      sender.script.add(SendOutcome.retryableAfter("RESOURCE_EXHAUSTED", "slow down", SECOND / 5));
    }
    offer(100, 3);
    long start = clock.nanoTime();

    for (int i = 0; i < 20 && snapshot().delivered() < 3; i++) {
      dispatcher.step();
    }

    // Eight throttled answers in a row: each waited out the server's 200 ms; the breaker (which
    // opens at 50% failures over 4 calls) stayed closed, and the data went through.
    assertThat(sender.requests).hasSize(9);
    assertThat(breaker.state()).isEqualTo(Breaker.State.CLOSED);
    assertThat(breaker.openings()).isZero();
    assertThat(clock.nanoTime() - start).isGreaterThanOrEqualTo(8 * (SECOND / 5));
    assertThat(snapshot().delivered()).isEqualTo(3);
    assertThat(snapshot().retries()).isEqualTo(8);
    assertReconciled();
  }

  /** The warning logged when the one request gets {@code outcome}, the journal usable or not. */
  private String retryWarning(SendOutcome outcome, boolean journalUsable) {
    dispatcher.setJournalWanted(() -> {}, () -> journalUsable);
    sender.script.add(outcome);
    offer(100, 3);
    try (LogCapture logs = LogCapture.of(Dispatcher.class.getName())) {
      dispatcher.step();
      dispatcher.step();
      assertThat(logs.messages(Level.WARNING)).hasSize(1);
      return logs.messages(Level.WARNING).get(0);
    }
  }

  @Test
  void noAnswerWhileTheJournalIsYetToOpenSaysWhereTheDataWillGo() {
    assertThat(retryWarning(SendOutcome.retryable("UNAVAILABLE", "down"), true))
        .contains("No answer from backend at test:4317", "while the journal opens")
        .doesNotContain("dropped");
  }

  @Test
  void aRetryableAnswerWhileTheJournalIsYetToOpenSaysWhenItWouldOpen() {
    assertThat(retryWarning(SendOutcome.retryableAnswer("UNAVAILABLE", "busy"), true))
        .contains("the journal opens and takes what memory cannot")
        .doesNotContain("dropped");
  }

  @Test
  void withoutAJournalDataKeptInMemoryIsDroppedWhenMemoryIsFull() {
    assertThat(retryWarning(SendOutcome.retryable("UNAVAILABLE", "down"), false))
        .contains("when memory is full, new data is dropped");
  }

  @Test
  void unavailableStillCountsAgainstTheBreaker() {
    useBreaker();
    for (int i = 0; i < 4; i++) {
      sender.script.add(SendOutcome.retryable("UNAVAILABLE", "down"));
    }
    offer(100, 3);

    for (int i = 0; i < 4; i++) {
      dispatcher.step();
    }

    assertThat(breaker.state()).isEqualTo(Breaker.State.OPEN);
  }

  @Test
  void anOpenBreakerSendsNothingUntilItsWaitIsOverThenProbes() {
    useBreaker();
    sender.alwaysFail = true;
    offer(100, 3);
    for (int i = 0; i < 4; i++) {
      dispatcher.step();
    }
    assertThat(sender.requests).hasSize(4);
    assertThat(breaker.state()).isEqualTo(Breaker.State.OPEN);
    long openedAt = clock.nanoTime();

    dispatcher.step(); // refused by the breaker: waits out the open state, sends nothing

    assertThat(sender.requests).hasSize(4);
    assertThat(clock.nanoTime() - openedAt).isLessThanOrEqualTo(10 * SECOND);
    dispatcher.step(); // half-open: one probe, which fails
    assertThat(sender.requests).hasSize(5);
    assertThat(breaker.state()).isEqualTo(Breaker.State.OPEN);
    assertThat(breaker.openings()).isEqualTo(2);

    sender.alwaysFail = false;
    dispatcher.step(); // waits
    dispatcher.step(); // the probe goes through
    assertThat(sender.requests).hasSize(6);
    assertThat(breaker.state()).isEqualTo(Breaker.State.CLOSED);
    LeveeStats s = snapshot();
    assertThat(s.delivered()).isEqualTo(3);
    assertThat(s.breakerState()).isEqualTo("closed");
    assertThat(s.breakerOpenings()).isEqualTo(2);
    assertReconciled();
  }

  @Test
  void whileTheBreakerIsOpenLiveDataGoesToTheJournalWithoutARequest() {
    useBreaker();
    ListJournal journal = new ListJournal();
    dispatcher.attachJournal(journal, ChunkJournal.ReadOrder.OLDEST_FIRST);
    sender.alwaysFail = true;
    for (int i = 0; i < 4; i++) {
      offer(100, 1);
      dispatcher.step(); // fails; the failed batch is parked in the journal, read back next time
    }
    assertThat(breaker.state()).isEqualTo(Breaker.State.OPEN);
    int requests = sender.requests.size();

    Chunk live = offer(100, 2);
    dispatcher.step();

    assertThat(sender.requests).hasSize(requests);
    assertThat(journal.records).contains(live);
    assertThat(buffer.usedBytes()).isZero();
    LeveeStats s = snapshot();
    assertThat(s.journaled()).isEqualTo(6);
    assertThat(s.pending()).isEqualTo(6);
    assertReconciled();
  }

  @Test
  void anAnswerThatRefusesTheDataDoesNotCountAgainstTheEndpoint() {
    useBreaker();
    for (int i = 0; i < 6; i++) {
      sender.script.add(SendOutcome.permanent("INVALID_ARGUMENT", "bad data"));
      offer(100, 1);
      dispatcher.step();
    }
    assertThat(breaker.state()).isEqualTo(Breaker.State.CLOSED);
    assertThat(snapshot().dropped(DropReason.REJECTED)).isEqualTo(6);
  }

  @Test
  void theRateLimitPacesRequestsToTheAverageRateWhateverTheirSize() {
    // 10 items/s with a burst of one second: 10 items at once, then 10 more per second.
    limiter = new RateLimiter(new RateLimiter.Settings(10, 0, Duration.ofSeconds(1), RateLimiter.Policy.SPILL), clock);
    dispatcher = dispatcher(breaker);
    long start = clock.nanoTime();
    offer(900, 25); // one request of 25 items: more than the burst, sent at once, leaving a debt
    dispatcher.step();
    assertThat(sender.requests).hasSize(1);
    offer(900, 5);

    dispatcher.step(); // the debt of 15 must refill first: 1.5 s, then it may send again
    assertThat(sender.requests).hasSize(1);
    dispatcher.step();

    assertThat(sender.requests).hasSize(2);
    assertThat(clock.nanoTime() - start).isBetween(SECOND * 15 / 10, SECOND * 16 / 10);
    LeveeStats s = snapshot();
    assertThat(s.throttled()).isEqualTo(5);
    assertThat(s.delivered()).isEqualTo(30);
    assertReconciled();
  }

  @Test
  void theDropPolicyTurnsAwayWhatIsOverTheRateAtTheDoor() {
    RateLimiter door =
        new RateLimiter(new RateLimiter.Settings(10, 0, Duration.ofSeconds(1), RateLimiter.Policy.DROP), clock);

    assertThat(door.admit(6, 100)).isTrue();
    assertThat(door.admit(6, 100)).isFalse(); // 4 left
    assertThat(door.admit(4, 100)).isTrue();
    clock.advance(Duration.ofMillis(500)); // 5 more
    assertThat(door.admit(5, 100)).isTrue();
    clock.advance(Duration.ofSeconds(10)); // full again: 10
    assertThat(door.admit(50, 100)).isTrue(); // larger than the burst: admitted when full
    assertThat(door.admit(1, 100)).isFalse();
  }

  @Test
  void aBytesLimitPacesByEncodedSize() {
    RateLimiter bytes =
        new RateLimiter(new RateLimiter.Settings(0, 1000, Duration.ofSeconds(1), RateLimiter.Policy.SPILL), clock);
    assertThat(bytes.nanosUntilSend()).isZero();

    bytes.sent(1, 3000); // 2000 bytes of debt beyond the burst

    assertThat(bytes.nanosUntilSend()).isBetween(2 * SECOND, 2 * SECOND + SECOND / 100);
  }

  /** A sender whose requests complete when the test says. */
  private static final class HeldSender implements Sender {
    final List<CompletableFuture<SendOutcome>> pending = new ArrayList<>();
    final List<List<Chunk>> requests = new ArrayList<>();
    int maxInFlight;

    @Override
    public SendOutcome send(List<Chunk> chunks, long timeoutNanos) {
      throw new AssertionError("the dispatcher sends asynchronously");
    }

    @Override
    public CompletableFuture<SendOutcome> sendAsync(List<Chunk> chunks, long timeoutNanos) {
      CompletableFuture<SendOutcome> result = new CompletableFuture<>();
      pending.add(result);
      requests.add(List.copyOf(chunks));
      maxInFlight = Math.max(maxInFlight, inFlight());
      return result;
    }

    int inFlight() {
      return (int) pending.stream().filter(f -> !f.isDone()).count();
    }

    void completeAll(SendOutcome outcome) {
      pending.stream().filter(f -> !f.isDone()).toList().forEach(f -> f.complete(outcome));
    }

    @Override
    public String target() {
      return "test:4317";
    }

    @Override
    public void close(long timeoutNanos) {}
  }

  @Test
  void keepsMoreRequestsInFlightAsTheBackendProvesQuickUpToTheMaximum() {
    adaptive = new Adaptive(100, 100, SECOND, 3); // one 100-byte chunk per request
    HeldSender held = new HeldSender();
    dispatcher = dispatcher(breaker, held, 0);
    for (int i = 0; i < 30; i++) {
      offer(100, 1);
    }

    dispatcher.step();
    assertThat(held.inFlight()).isEqualTo(1);
    for (int round = 0; round < 12 && snapshot().delivered() < 30; round++) {
      clock.advance(Duration.ofMillis(5)); // well within the target latency
      held.completeAll(SendOutcome.success());
      dispatcher.step();
    }

    assertThat(held.maxInFlight).isEqualTo(3);
    assertThat(adaptive.concurrency()).isEqualTo(3);
    assertThat(snapshot().delivered()).isEqualTo(30);
    assertThat(buffer.usedBytes()).isZero();
    assertReconciled();
  }

  @Test
  void requestsCompletingOutOfOrderAreEachSettledOnce() {
    adaptive = new Adaptive(100, 100, SECOND, 2);
    HeldSender held = new HeldSender();
    dispatcher = dispatcher(breaker, held, 0);
    adaptive.onAnswer(0, 100); // 2 in flight from the start
    offer(100, 1);
    offer(100, 2);
    CompletableResultCode flush = dispatcher.flush(10 * SECOND);
    dispatcher.step();
    assertThat(held.inFlight()).isEqualTo(2);

    held.pending.get(1).complete(SendOutcome.success()); // the newer one first
    dispatcher.step();
    assertThat(snapshot().delivered()).isEqualTo(2);
    assertThat(flush.isDone()).isFalse();
    held.pending.get(0).complete(SendOutcome.success());
    dispatcher.step();

    assertThat(snapshot().delivered()).isEqualTo(3);
    assertThat(flush.isSuccess()).isTrue();
    assertReconciled();
  }

  @Test
  void journalRequestsGoSeveralAtATimeAndAFailureRereadsOnlyWhatIsNotDone() {
    adaptive = new Adaptive(100, 100, SECOND, 3); // one 100-byte record per request
    for (int i = 0; i < 10; i++) {
      adaptive.onAnswer(0, 100);
    }
    HeldSender held = new HeldSender();
    dispatcher = dispatcher(breaker, held, 0);
    ListJournal journal = new ListJournal();
    List<Chunk> backlog = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      backlog.add(Chunk.of(Signal.SPANS, new byte[100], 1, false, clock.now()));
    }
    journal.records.addAll(backlog);
    dispatcher.attachJournal(journal, ChunkJournal.ReadOrder.OLDEST_FIRST);

    dispatcher.step();
    assertThat(held.requests)
        .containsExactly(List.of(backlog.get(0)), List.of(backlog.get(1)), List.of(backlog.get(2)));

    // The middle one succeeds, the first fails while the third is still in flight.
    held.pending.get(1).complete(SendOutcome.success());
    held.pending.get(0).complete(SendOutcome.retryable("UNAVAILABLE", "down"));
    dispatcher.step();
    clock.advance(Duration.ofSeconds(6)); // past any backoff
    dispatcher.step();
    // No rewind while the third may still succeed: nothing is read again yet.
    assertThat(held.requests).hasSize(3);

    held.pending.get(2).complete(SendOutcome.success());
    for (int round = 0; round < 20 && snapshot().delivered() < 6; round++) {
      dispatcher.step();
      held.completeAll(SendOutcome.success());
      clock.advance(Duration.ofMillis(5));
    }
    dispatcher.step();

    // The failed record went twice; the two that succeeded, once each; the rest once.
    List<Chunk> sent = held.requests.stream().flatMap(List::stream).toList();
    assertThat(sent.stream().filter(c -> c == backlog.get(0)).count()).isEqualTo(2);
    for (int i = 1; i < 6; i++) {
      Chunk record = backlog.get(i);
      assertThat(sent.stream().filter(c -> c == record).count()).as("record %d", i).isEqualTo(1);
    }
    assertThat(journal.committed).isEqualTo(6);
    LeveeStats s = snapshot();
    assertThat(s.recovered()).isEqualTo(6);
    assertThat(s.delivered()).isEqualTo(6);
    assertThat(s.pending()).isZero();
    assertThat(s.offered() + s.recovered()).isEqualTo(s.delivered() + s.droppedTotal() + s.pending());
  }

  @Test
  void aFailureHalvesTheRequestsInFlight() {
    adaptive = new Adaptive(100, 100, SECOND, 8);
    for (int i = 0; i < 20; i++) {
      adaptive.onAnswer(0, 100);
    }
    assertThat(adaptive.concurrency()).isGreaterThanOrEqualTo(4);
    int before = adaptive.concurrency();

    adaptive.onFailure();

    assertThat(adaptive.concurrency()).isEqualTo(Math.max(1, before / 2));
  }

  @Test
  void whileSomethingHoldsRequestsBackTheDispatcherParksUntilItLiftsNotSpinning() {
    adaptive = new Adaptive(1000, 1000, SECOND, 2);
    for (int i = 0; i < 10; i++) {
      adaptive.onAnswer(0, 1000);
    }
    assertThat(adaptive.concurrency()).isEqualTo(2);
    HeldSender held = new HeldSender();
    dispatcher = dispatcher(breaker, held, 10_000_000L); // 10 ms linger
    offer(1000, 1);
    dispatcher.step();
    offer(1000, 1);
    dispatcher.step();
    assertThat(held.inFlight()).isEqualTo(2);
    // The first fails and waits for its retry (and a backoff); the second stays in flight; a small
    // request starts to linger beside it.
    held.pending.get(0).complete(SendOutcome.retryableAfter("RESOURCE_EXHAUSTED", "slow down", SECOND / 50));
    offer(100, 1);
    dispatcher.step();
    clock.advance(Duration.ofMillis(30)); // the linger and the retry's own delay are over

    dispatcher.step();
    // Whatever holds the requests back now (the backoff, or both places in flight taken), the due
    // times that have passed cannot be acted on: parking until them would return at once, again
    // and again, until what holds them back lifts.
    long park = dispatcher.idleParkNanos(SECOND);
    assertThat(park).isGreaterThan(Duration.ofMillis(1).toNanos());

    // Once it lifts, everything goes.
    for (int round = 0; round < 20 && held.requests.size() < 4; round++) {
      held.completeAll(SendOutcome.success());
      clock.advance(Duration.ofNanos(Math.min(park, SECOND)));
      dispatcher.step();
      park = dispatcher.idleParkNanos(SECOND);
    }
    assertThat(held.requests).as("the retry and the lingering request went out").hasSize(4);
  }

  @Test
  void aSmallRequestLingersForMoreDataUnlessAFlushIsWaiting() {
    HeldSender held = new HeldSender();
    dispatcher = dispatcher(breaker, held, 50_000_000L); // 50 ms
    offer(100, 1);

    assertThat(dispatcher.step()).isEqualTo(Dispatcher.Step.IDLE);
    assertThat(held.requests).isEmpty();
    assertThat(dispatcher.idleParkNanos(SECOND)).isEqualTo(50_000_000L);
    clock.advance(Duration.ofMillis(20));
    offer(100, 1);
    dispatcher.step();
    assertThat(held.requests).isEmpty();
    clock.advance(Duration.ofMillis(30));
    dispatcher.step();
    assertThat(held.requests).hasSize(1);
    assertThat(held.requests.get(0)).hasSize(2);

    held.completeAll(SendOutcome.success());
    offer(100, 1);
    dispatcher.flush(SECOND); // a flush does not wait for the linger
    dispatcher.step();
    assertThat(held.requests).hasSize(2);
  }

  @Test
  void aRequestFromMemoryFillsToAtMostHalfTheMemoryAndThenGoesWithoutLingering() {
    adaptive = new Adaptive(8000, 8000, SECOND, 1); // larger than half of the 10,000-byte memory
    HeldSender held = new HeldSender();
    dispatcher = dispatcher(breaker, held, 50_000_000L); // 50 ms
    offer(3000, 1);
    dispatcher.step();
    assertThat(held.requests).as("3,000 of 5,000 bytes: lingering").isEmpty();
    offer(2500, 1);
    dispatcher.step();
    assertThat(held.requests).as("half the memory reached: sent without waiting").hasSize(1);
    assertThat(held.requests.get(0)).hasSize(1);
    assertThat(held.requests.get(0).get(0).sizeBytes()).isEqualTo(3000);
  }

  @Test
  void aSmallRequestLingersAsLongAsTheBackendsFailuresStretchedTheLinger() {
    HeldSender held = new HeldSender();
    dispatcher = dispatcher(breaker, held, 50_000_000L); // 50 ms
    adaptive.onFailure(); // as the settlement does after each retryable failure: twice, so four times
    adaptive.onFailure();
    offer(100, 1);
    dispatcher.step();
    assertThat(dispatcher.idleParkNanos(SECOND)).isEqualTo(200_000_000L);
    clock.advance(Duration.ofMillis(150));
    dispatcher.step();
    assertThat(held.requests).as("still lingering at 150 ms").isEmpty();
    clock.advance(Duration.ofMillis(50));
    dispatcher.step();
    assertThat(held.requests).hasSize(1);

    held.completeAll(SendOutcome.success()); // an answer takes an eighth of the stretch off
    dispatcher.step();
    offer(100, 1);
    dispatcher.step();
    assertThat(dispatcher.idleParkNanos(SECOND)).isEqualTo(181_250_000L); // 50 ms x (1 + 3 x 7/8)
  }

  /** A sender that fails or succeeds as told, and records what it got. */
  private static final class NamedSender implements Sender {
    final String name;
    final List<List<Chunk>> requests = new ArrayList<>();
    boolean down;

    NamedSender(String name) {
      this.name = name;
    }

    @Override
    public SendOutcome send(List<Chunk> chunks, long timeoutNanos) {
      requests.add(List.copyOf(chunks));
      return down ? SendOutcome.retryable("UNAVAILABLE", name + " is down") : SendOutcome.success();
    }

    @Override
    public String target() {
      return name;
    }

    @Override
    public void close(long timeoutNanos) {}
  }

  private Breaker quickBreaker(String name) {
    return new Breaker(
        name, new Breaker.Settings(true, 50, 100, Duration.ofSeconds(5), false, 2, 2, Duration.ofSeconds(30), 1), clock);
  }

  @Test
  void failoverSendsToTheNextEndpointOnceTheFirstOnesBreakerOpens() {
    NamedSender primary = new NamedSender("primary:4317");
    NamedSender secondary = new NamedSender("secondary:4317");
    primary.down = true;
    Endpoints two =
        new Endpoints(
            List.of(
                new Endpoints.Endpoint(primary, quickBreaker("primary")),
                new Endpoints.Endpoint(secondary, quickBreaker("secondary"))),
            Endpoints.Mode.FAILOVER);
    dispatcher = dispatcher(two, 0);
    offer(100, 1);

    dispatcher.step(); // primary fails
    dispatcher.step(); // primary fails again: its breaker opens
    dispatcher.step(); // to the secondary

    assertThat(primary.requests).hasSize(2);
    assertThat(secondary.requests).hasSize(1);
    LeveeStats s = snapshot();
    assertThat(s.delivered()).isEqualTo(1);
    assertThat(s.breakerState()).isEqualTo("closed"); // the secondary takes requests
    assertThat(two.states()).containsEntry("primary:4317", "open").containsEntry("secondary:4317", "closed");
    offer(100, 1);
    dispatcher.step();
    assertThat(secondary.requests).hasSize(2); // while the primary's breaker is open
    assertReconciled();
  }

  @Test
  void roundRobinSpreadsRequestsOverTheEndpoints() {
    NamedSender a = new NamedSender("a:4317");
    NamedSender b = new NamedSender("b:4317");
    Endpoints two =
        new Endpoints(
            List.of(new Endpoints.Endpoint(a, quickBreaker("a")), new Endpoints.Endpoint(b, quickBreaker("b"))),
            Endpoints.Mode.ROUND_ROBIN);
    dispatcher = dispatcher(two, 0);
    for (int i = 0; i < 4; i++) {
      offer(900, 1); // one chunk per request
      dispatcher.step();
    }

    assertThat(a.requests).hasSize(2);
    assertThat(b.requests).hasSize(2);
    assertThat(snapshot().delivered()).isEqualTo(4);
  }

  @Test
  void thePriorityLaneIsSentBeforeAnythingElse() {
    priorityLane = new MemoryBufferProvider().create(new BufferSettings(Signal.SPANS, 10_000));
    dispatcher = dispatcher(breaker);
    Chunk routine = offer(600, 5);
    Chunk urgent = Chunk.of(Signal.SPANS, new byte[100], 1, true, clock.now());
    stats.offered(1);
    stats.accepted(1);
    assertThat(priorityLane.offer(urgent)).isTrue();
    dispatcher.accepted();

    dispatcher.step();
    dispatcher.step();

    assertThat(sender.requests).containsExactly(List.of(urgent), List.of(routine));
    assertThat(priorityLane.usedBytes()).isZero();
    assertThat(buffer.usedBytes()).isZero();
    assertThat(snapshot().delivered()).isEqualTo(6);
  }

  @Test
  void withoutAJournalARequestFailingPastTheRetryLimitIsDroppedAndCounted() {
    dispatcher.setRetryMaxElapsed(SECOND);
    sender.alwaysFail = true;
    offer(100, 4);
    CompletableResultCode flush = dispatcher.flush(100 * SECOND);

    for (int i = 0; i < 20 && snapshot().pending() > 0; i++) {
      dispatcher.step(); // fails, backs off 0.1 s, 0.2 s, 0.4 s, 0.8 s: past the second
    }

    LeveeStats s = snapshot();
    assertThat(s.dropped(DropReason.RETRIES_EXHAUSTED)).isEqualTo(4);
    assertThat(s.retries()).isBetween(4L, 6L);
    assertThat(buffer.usedBytes()).isZero();
    assertThat(flush.isSuccess()).isTrue();
    assertReconciled();
  }

  @Test
  void quietOnlyWithNothingLingeringInFlightOrStopping() {
    HeldSender held = new HeldSender();
    dispatcher = dispatcher(breaker, held, 50_000_000L); // 50 ms
    assertThat(dispatcher.step()).isEqualTo(Dispatcher.Step.IDLE);
    assertThat(dispatcher.quiet()).as("nothing at all").isTrue();
    assertThat(dispatcher.idleParkNanos(5 * SECOND)).isEqualTo(5 * SECOND);

    offer(100, 1);
    assertThat(dispatcher.step()).isEqualTo(Dispatcher.Step.IDLE);
    assertThat(dispatcher.quiet()).as("lingering").isFalse();
    assertThat(dispatcher.idleParkNanos(5 * SECOND)).isEqualTo(50_000_000L);

    clock.advance(Duration.ofMillis(50));
    dispatcher.step();
    assertThat(held.requests).hasSize(1);
    assertThat(dispatcher.quiet()).as("in flight").isFalse();

    held.completeAll(SendOutcome.success());
    dispatcher.step();
    assertThat(snapshot().delivered()).isEqualTo(1);
    assertThat(dispatcher.quiet()).as("delivered").isTrue();

    dispatcher.stop(SECOND);
    assertThat(dispatcher.quiet()).as("stopping").isFalse();
  }

  @Test
  void idleWhenNothingIsBuffered() {
    assertThat(dispatcher.step()).isEqualTo(Dispatcher.Step.IDLE);
    assertThat(sender.requests).isEmpty();
  }

  @Test
  void mergesChunksUpToTheByteLimitKeepingOrder() {
    Chunk a = offer(400, 1);
    Chunk b = offer(500, 2);
    Chunk c = offer(300, 3);

    assertThat(dispatcher.step()).isEqualTo(Dispatcher.Step.WORKED);
    assertThat(dispatcher.step()).isEqualTo(Dispatcher.Step.WORKED);

    assertThat(sender.requests).containsExactly(List.of(a, b), List.of(c));
    LeveeStats s = snapshot();
    assertThat(s.delivered()).isEqualTo(6);
    assertThat(s.pending()).isZero();
    assertThat(s.memoryUsedBytes()).isZero();
    assertReconciled();
  }

  @Test
  void sendsAChunkLargerThanTheBatchLimitAlone() {
    Chunk big = offer(1500, 5);
    Chunk small = offer(10, 1);

    dispatcher.step();
    dispatcher.step();

    assertThat(sender.requests).containsExactly(List.of(big), List.of(small));
  }

  @Test
  void retriesARetryableFailureAfterBackoffThenDelivers() {
    Chunk a = offer(100, 4);
    sender.script.add(SendOutcome.retryable("UNAVAILABLE", "connection refused"));
    sender.script.add(SendOutcome.retryable("UNAVAILABLE", "connection refused"));
    long start = clock.nanoTime();

    dispatcher.step();
    assertThat(snapshot().pending()).isEqualTo(4);
    assertThat(clock.nanoTime() - start).isEqualTo(SECOND / 10);
    dispatcher.step();
    assertThat(clock.nanoTime() - start).isEqualTo(SECOND / 10 + 2 * SECOND / 10);
    dispatcher.step();

    assertThat(sender.requests).containsExactly(List.of(a), List.of(a), List.of(a));
    LeveeStats s = snapshot();
    assertThat(s.retries()).isEqualTo(2);
    assertThat(s.delivered()).isEqualTo(4);
    assertReconciled();
  }

  @Test
  void dropsAPermanentFailureAsRejected() {
    offer(100, 3);
    offer(100, 2);
    sender.script.add(SendOutcome.permanent("INVALID_ARGUMENT", "bad span"));

    dispatcher.step();

    LeveeStats s = snapshot();
    assertThat(s.dropped(DropReason.REJECTED)).isEqualTo(5);
    assertThat(s.delivered()).isZero();
    assertThat(s.retries()).isZero();
    assertThat(buffer.usedBytes()).isZero();
    assertReconciled();
  }

  @Test
  void countsItemsRejectedInAPartialSuccess() {
    offer(100, 10);
    sender.script.add(SendOutcome.partialSuccess(3, "3 spans too old"));

    dispatcher.step();

    LeveeStats s = snapshot();
    assertThat(s.delivered()).isEqualTo(7);
    assertThat(s.dropped(DropReason.REJECTED)).isEqualTo(3);
    assertReconciled();
  }

  @Test
  void flushCompletesOnceEverythingBeforeItIsDelivered() {
    offer(100, 1);
    CompletableResultCode flush = dispatcher.flush(SECOND);
    Chunk later = offer(100, 1);
    sender.script.add(SendOutcome.retryable("UNAVAILABLE", ""));

    dispatcher.step();
    assertThat(flush.isDone()).isFalse();
    dispatcher.step();

    assertThat(flush.isSuccess()).isTrue();
    assertThat(sender.requests.get(1)).contains(later);
  }

  @Test
  void flushWithNothingPendingSucceedsAtOnce() {
    assertThat(dispatcher.flush(SECOND).isSuccess()).isTrue();
  }

  @Test
  void flushFailsWhenItsTimeoutPassesFirst() {
    offer(100, 1);
    CompletableResultCode flush = dispatcher.flush(SECOND);
    sender.alwaysFail = true;

    for (int i = 0; i < 10 && !flush.isDone(); i++) {
      dispatcher.step();
    }

    assertThat(flush.isDone()).isTrue();
    assertThat(flush.isSuccess()).isFalse();
    assertThat(snapshot().pending()).isEqualTo(1);
  }

  @Test
  void stopDeliversWhatIsLeftThenFinishes() {
    offer(600, 1);
    offer(600, 1);
    dispatcher.stop(SECOND);

    assertThat(dispatcher.step()).isEqualTo(Dispatcher.Step.WORKED);
    // The step that delivers the last request reports that nothing is left.
    assertThat(dispatcher.step()).isEqualTo(Dispatcher.Step.FINISHED);
    assertThat(dispatcher.finish()).isZero();

    assertThat(snapshot().delivered()).isEqualTo(2);
    assertReconciled();
  }

  @Test
  void stopWithTheBackendDownGivesUpAtTheDeadlineAndCountsTheRestAsShutdown() {
    offer(100, 7);
    offer(100, 5);
    sender.alwaysFail = true;
    // Back off for a long time first, so the stop arrives mid-backoff.
    dispatcher.step();
    long stopAt = clock.nanoTime();
    dispatcher.stop(2 * SECOND);

    int steps = 0;
    while (dispatcher.step() != Dispatcher.Step.FINISHED) {
      steps++;
      assertThat(steps).isLessThan(100);
    }
    long dropped = dispatcher.finish();

    assertThat(clock.nanoTime() - stopAt).isLessThanOrEqualTo(2 * SECOND);
    assertThat(dropped).isEqualTo(12);
    LeveeStats s = snapshot();
    assertThat(s.dropped(DropReason.SHUTDOWN)).isEqualTo(12);
    assertThat(s.pending()).isZero();
    assertThat(buffer.usedBytes()).isZero();
    assertReconciled();
  }

  @Test
  void stopDeliversTheJournalBacklogTooWhileTheBackendTakesIt() {
    ListJournal journal = new ListJournal();
    for (int i = 0; i < 3; i++) {
      journal.records.add(Chunk.of(Signal.SPANS, new byte[600], 2, false, clock.now()));
    }
    dispatcher.attachJournal(journal, ChunkJournal.ReadOrder.OLDEST_FIRST);
    offer(100, 1);
    long stopAt = clock.nanoTime();
    dispatcher.stop(5 * SECOND);

    int steps = 0;
    while (dispatcher.step() != Dispatcher.Step.FINISHED) {
      assertThat(++steps).isLessThan(20);
    }
    dispatcher.finish();

    assertThat(journal.committed).isEqualTo(3);
    assertThat(sender.requests).hasSize(4);
    assertThat(clock.nanoTime() - stopAt).isLessThan(SECOND);
    LeveeStats s = snapshot();
    assertThat(s.delivered()).isEqualTo(7);
    assertThat(s.recovered()).isEqualTo(6);
    assertThat(s.pending()).isZero();
  }

  @Test
  void stopLeavesTheBacklogInTheJournalOnceAJournalRequestFails() {
    ListJournal journal = new ListJournal();
    for (int i = 0; i < 3; i++) {
      journal.records.add(Chunk.of(Signal.SPANS, new byte[600], 2, false, clock.now()));
    }
    dispatcher.attachJournal(journal, ChunkJournal.ReadOrder.OLDEST_FIRST);
    sender.alwaysFail = true;
    long stopAt = clock.nanoTime();
    dispatcher.stop(5 * SECOND);

    int steps = 0;
    while (dispatcher.step() != Dispatcher.Step.FINISHED) {
      assertThat(++steps).isLessThan(20);
    }
    long dropped = dispatcher.finish();

    // One prompt attempt, then the backlog is left for a next run: no waiting out the timeout.
    assertThat(sender.requests).hasSize(1);
    assertThat(clock.nanoTime() - stopAt).isLessThan(SECOND);
    assertThat(dropped).isZero();
    assertThat(journal.committed).isZero();
    LeveeStats s = snapshot();
    assertThat(s.pending()).isEqualTo(6);
    assertThat(s.offered() + s.recovered()).isEqualTo(s.delivered() + s.droppedTotal() + s.pending());
  }

  @Test
  void finishWaitsForExportsInProgressAndDropsWhatTheyOffered() {
    dispatcher.stop(SECOND);
    exporting.set(true);
    assertThat(dispatcher.step()).isEqualTo(Dispatcher.Step.IDLE);
    offer(100, 3);
    exporting.set(false);

    assertThat(dispatcher.step()).isEqualTo(Dispatcher.Step.FINISHED);
    assertThat(snapshot().delivered()).isEqualTo(3);
  }

  @Test
  void finishWaitsForAnExportStillRunningAtMostASecondOnTheClock() {
    dispatcher.stop(SECOND);
    exporting.set(true);
    clock.advance(Duration.ofSeconds(2));
    assertThat(dispatcher.step()).isEqualTo(Dispatcher.Step.FINISHED);
    long finishing = clock.nanoTime();

    try (dev.levee.testing.LogCapture logged =
        dev.levee.testing.LogCapture.of(Dispatcher.class.getName())) {
      dispatcher.finish();

      assertThat(clock.nanoTime() - finishing)
          .isBetween(Leftovers.EXPORT_WAIT_NANOS, Leftovers.EXPORT_WAIT_NANOS + SECOND / 1000);
      assertThat(logged.messages(java.util.logging.Level.WARNING))
          .containsExactly(
              "Levee's spans exporter stopped while an export() was still running after 1000 ms;"
                  + " what it hands over now stays counted as pending, not delivered.");
    }
  }

  @Test
  void aFailedRequestWaitsForItsOwnRetryWhileTheOthersGoOn() {
    adaptive = new Adaptive(100, 100, SECOND, 3); // one 100-byte chunk per request
    HeldSender held = new HeldSender();
    dispatcher = dispatcher(breaker, held, 0);
    adaptive.onAnswer(0, 100);
    adaptive.onAnswer(0, 100); // 3 in flight from the start
    Chunk first = offer(100, 1);
    offer(100, 1);
    offer(100, 1);
    dispatcher.step();
    assertThat(held.inFlight()).isEqualTo(3);

    // The backend fails one request among several (its delay: 2 s) and serves the others.
    held.pending.get(0).complete(SendOutcome.retryableAfter("UNAVAILABLE", "busy", 2 * SECOND));
    held.pending.get(1).complete(SendOutcome.success());
    held.pending.get(2).complete(SendOutcome.success());
    Chunk newer = offer(100, 1);
    long failedAt = clock.nanoTime();
    dispatcher.step();

    // Newer data went at once; the failed request waits for its own delay, in memory.
    assertThat(held.requests).hasSize(4);
    assertThat(held.requests.get(3)).containsExactly(newer);
    assertThat(clock.nanoTime()).isEqualTo(failedAt);
    assertThat(snapshot().journaled()).isZero();
    held.completeAll(SendOutcome.success());
    for (int steps = 0; steps < 5 && held.requests.size() < 5; steps++) {
      dispatcher.step(); // nothing else to send: waits for the retry to come due
    }
    assertThat(clock.nanoTime() - failedAt).isEqualTo(2 * SECOND);
    assertThat(held.requests).hasSize(5);
    assertThat(held.requests.get(4)).containsExactly(first);
    held.completeAll(SendOutcome.success());
    dispatcher.step();
    assertThat(snapshot().delivered()).isEqualTo(4);
    assertThat(snapshot().retries()).isEqualTo(1);
    assertReconciled();
  }

  @Test
  void withOneRequestInFlightARetryGoesBeforeAnythingNewer() {
    // max.concurrency=1: order is kept, so newer data waits for the retry.
    Chunk first = offer(100, 1);
    sender.script.add(SendOutcome.retryableAnswer("UNAVAILABLE", "busy"));
    dispatcher.step(); // fails, waits out the backoff (100 ms)
    Chunk newer = offer(100, 1);
    dispatcher.step();
    dispatcher.step();

    assertThat(sender.requests).containsExactly(List.of(first), List.of(first), List.of(newer));
    assertThat(snapshot().delivered()).isEqualTo(2);
    assertReconciled();
  }

  @Test
  void aBackendThatIsDownGetsOneRequestPerBackoffNotOnePerChunk() {
    adaptive = new Adaptive(100, 100, SECOND, 4);
    sender.alwaysFail = true; // no answer
    for (int i = 0; i < 20; i++) {
      offer(100, 1);
    }
    long start = clock.nanoTime();
    for (int i = 0; i < 10; i++) {
      dispatcher.step();
    }
    // Each failure holds new requests back for the backoff (0.1, 0.2, 0.4 s ... with the
    // test's jitter at its top): ten steps send about ten requests, over seconds.
    assertThat(sender.requests.size()).isBetween(5, 12);
    assertThat(clock.nanoTime() - start).isGreaterThan(10 * SECOND);
  }

  @Test
  void aBackendAnsweringErrorsToThirtyPercentKeepsItsBreakerClosedAndGetsEverything() {
    breaker =
        new Breaker(
            "test:4317",
            new Breaker.Settings(true, 50, 100, Duration.ofSeconds(5), false, 20, 10, Duration.ofSeconds(10), 2),
            clock);
    adaptive = new Adaptive(100, 100, SECOND, 4);
    dispatcher = dispatcher(breaker);
    for (int i = 0; i < 50; i++) {
      offer(100, 1);
      if (i % 10 < 2) {
        sender.script.add(SendOutcome.retryableAnswer("UNAVAILABLE", "busy"));
      } else if (i % 10 == 2) {
        sender.script.add(SendOutcome.retryableAfter("RESOURCE_EXHAUSTED", "slow down", SECOND / 5));
      } else {
        sender.script.add(SendOutcome.success());
      }
    }
    for (int steps = 0; steps < 1_000 && snapshot().delivered() < 50; steps++) {
      dispatcher.step();
    }

    LeveeStats s = snapshot();
    assertThat(s.delivered()).isEqualTo(50);
    assertThat(s.retries()).isEqualTo(15);
    assertThat(breaker.openings()).isZero();
    assertThat(breaker.state()).isEqualTo(Breaker.State.CLOSED);
    assertReconciled();
  }

  @Test
  void stopWithTheBreakerOpenStillDeliversWhatTheBackendTakes() {
    useBreaker();
    ListJournal journal = new ListJournal();
    dispatcher.attachJournal(journal, ChunkJournal.ReadOrder.OLDEST_FIRST);
    sender.alwaysFail = true;
    for (int i = 0; i < 4; i++) {
      offer(100, 1);
      dispatcher.step();
    }
    assertThat(breaker.state()).isEqualTo(Breaker.State.OPEN);
    offer(100, 1);
    dispatcher.step(); // the breaker is open: to the journal, without a request
    assertThat(journal.records).hasSize(5);

    sender.alwaysFail = false; // the backend is back, the breaker does not know yet
    dispatcher.stop(5 * SECOND);
    while (dispatcher.step() != Dispatcher.Step.FINISHED) {
      // shutdown asks no breaker
    }
    dispatcher.finish();

    assertThat(journal.committed).isEqualTo(5);
    LeveeStats s = snapshot();
    assertThat(s.delivered()).isEqualTo(5);
    assertThat(s.pending()).isZero();
    assertReconciled();
  }

  @Test
  void stopKeepsDrainingTheJournalWhileTheBackendAnswersEvenWithErrors() {
    ListJournal journal = new ListJournal();
    for (int i = 0; i < 3; i++) {
      journal.records.add(Chunk.of(Signal.SPANS, new byte[600], 2, false, clock.now()));
    }
    dispatcher.attachJournal(journal, ChunkJournal.ReadOrder.OLDEST_FIRST);
    sender.script.add(SendOutcome.retryableAnswer("UNAVAILABLE", "busy"));
    dispatcher.stop(5 * SECOND);

    while (dispatcher.step() != Dispatcher.Step.FINISHED) {
      // the first journal request fails with an answer: retried after its backoff
    }
    dispatcher.finish();

    assertThat(sender.requests).hasSize(4);
    assertThat(journal.committed).isEqualTo(3);
    assertThat(snapshot().delivered()).isEqualTo(6);
  }

  @Test
  void aRequestThatGotNoAnswerGoesToTheJournalAtOnce() {
    ListJournal journal = new ListJournal();
    dispatcher.attachJournal(journal, ChunkJournal.ReadOrder.OLDEST_FIRST);
    offer(100, 1);
    sender.script.add(SendOutcome.retryable("UNAVAILABLE", "connection refused"));

    dispatcher.step();

    // The backend may be down: the data is made safe from a crash, and memory freed.
    assertThat(snapshot().journaled()).isEqualTo(1);
    assertThat(buffer.usedBytes()).isZero();
    assertReconciled();
  }

  @Test
  void aRequestTheBackendAnsweredWithAnErrorWaitsInMemoryForItsRetry() {
    ListJournal journal = new ListJournal();
    dispatcher.attachJournal(journal, ChunkJournal.ReadOrder.OLDEST_FIRST);
    Chunk chunk = offer(100, 1);
    sender.script.add(SendOutcome.retryableAnswer("UNAVAILABLE", "busy"));

    dispatcher.step(); // fails, then waits out its delay
    assertThat(snapshot().journaled()).isZero();
    assertThat(buffer.usedBytes()).isEqualTo(100);
    dispatcher.step();

    assertThat(sender.requests).containsExactly(List.of(chunk), List.of(chunk));
    assertThat(snapshot().delivered()).isEqualTo(1);
    assertThat(journal.records).isEmpty();
    assertReconciled();
  }

  @Test
  void flushStillWaitingAtFinishFails() {
    offer(100, 1);
    sender.alwaysFail = true;
    CompletableResultCode flush = dispatcher.flush(100 * SECOND);
    dispatcher.stop(SECOND);
    while (dispatcher.step() != Dispatcher.Step.FINISHED) {
      // keeps failing until the stop deadline
    }
    dispatcher.finish();
    assertThat(flush.isDone()).isTrue();
    assertThat(flush.isSuccess()).isFalse();
  }

  @Test
  void waitsTheDelayTheServerAskedForInsteadOfItsOwnBackoff() {
    offer(100, 1);
    sender.script.add(SendOutcome.retryableAfter("RESOURCE_EXHAUSTED", "slow down", 2 * SECOND));
    long start = clock.nanoTime();

    dispatcher.step();

    assertThat(clock.nanoTime() - start).isEqualTo(2 * SECOND);
    dispatcher.step();
    assertThat(snapshot().delivered()).isEqualTo(1);
  }

  @Test
  void boundsTheDelayAServerCanImpose() {
    offer(100, 1);
    sender.script.add(SendOutcome.retryableAfter("UNAVAILABLE", "", 3600 * SECOND));
    long start = clock.nanoTime();

    dispatcher.step();

    assertThat(clock.nanoTime() - start).isEqualTo(Settlement.MAX_SERVER_RETRY_DELAY_NANOS);
  }

  /** Answers with scripted outcomes, then success; records every request. */
  private static final class ScriptedSender implements Sender {
    final Deque<SendOutcome> script = new ArrayDeque<>();
    final List<List<Chunk>> requests = new ArrayList<>();
    boolean alwaysFail;

    @Override
    public SendOutcome send(List<Chunk> chunks, long timeoutNanos) {
      requests.add(List.copyOf(chunks));
      if (alwaysFail) {
        return SendOutcome.retryable("UNAVAILABLE", "down");
      }
      SendOutcome next = script.poll();
      return next != null ? next : SendOutcome.success();
    }

    @Override
    public String target() {
      return "test:4317";
    }

    @Override
    public void close(long timeoutNanos) {}
  }
}
