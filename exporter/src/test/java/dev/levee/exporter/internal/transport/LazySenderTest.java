package dev.levee.exporter.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.levee.buffer.Chunk;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LazySenderTest {

  @Test
  void createsTheSenderOnFirstSendOnly() {
    AtomicInteger created = new AtomicInteger();
    AtomicInteger closed = new AtomicInteger();
    LazySender lazy =
        new LazySender(
            "collector:4317",
            () -> {
              created.incrementAndGet();
              return succeeding(new AtomicInteger(), closed::incrementAndGet);
            });

    assertThat(lazy.target()).isEqualTo("collector:4317");
    assertThat(created).hasValue(0);
    assertThat(lazy.send(List.of(), 1).kind()).isEqualTo(SendOutcome.Kind.SUCCESS);
    assertThat(lazy.send(List.of(), 1).kind()).isEqualTo(SendOutcome.Kind.SUCCESS);
    lazy.close(0);

    assertThat(created).hasValue(1);
    assertThat(closed).hasValue(1);
  }

  @Test
  void closingANeverUsedSenderCreatesNothing() {
    AtomicInteger created = new AtomicInteger();
    LazySender lazy =
        new LazySender(
            "collector:4317",
            () -> {
              created.incrementAndGet();
              throw new AssertionError("must not be created");
            });
    lazy.close(0);
    assertThat(created).hasValue(0);
  }

  @Test
  void preparingAClosedSenderStartsNoBuilder() {
    List<String> builtOn = new CopyOnWriteArrayList<>();
    LazySender lazy =
        new LazySender(
            "collector:4317",
            () -> {
              builtOn.add(Thread.currentThread().getName());
              return succeeding(new AtomicInteger(), () -> {});
            });
    lazy.close(0);
    lazy.prepare();
    // Had prepare started a builder, this send would wait for it; it builds here instead.
    lazy.send(List.of(), 1);
    assertThat(builtOn).containsExactly(Thread.currentThread().getName());
  }

  @Test
  void aSenderThatCannotBeBuiltFailsEveryRequestPermanentlyAndIsNotRetried() {
    AtomicInteger attempts = new AtomicInteger();
    LazySender lazy =
        new LazySender(
            "collector:4317",
            () -> {
              attempts.incrementAndGet();
              throw new IllegalStateException("no TLS provider");
            });

    SendOutcome first = lazy.send(List.of(), 1);
    SendOutcome second = lazy.send(List.of(), 1);

    assertThat(first)
        .isEqualTo(
            SendOutcome.permanent(
                "CONNECTION_SETUP_FAILED", "java.lang.IllegalStateException: no TLS provider"));
    assertThat(second).isEqualTo(first);
    assertThat(attempts).hasValue(1);
  }

  @Test
  void aRequestSentWhileTheSenderIsBeingBuiltStartsWhenItIsReadyWithoutBlockingTheCaller()
      throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger sent = new AtomicInteger();
    LazySender lazy = builtOnRelease(release, () -> succeeding(sent, () -> {}));

    lazy.prepare();
    var outcome = lazy.sendAsync(List.of(), 1_000_000_000L);
    assertThat(outcome.isDone()).isFalse(); // the caller went on
    assertThat(lazy.connected()).isFalse();

    release.countDown();
    assertThat(outcome.get(10, TimeUnit.SECONDS).kind())
        .isEqualTo(SendOutcome.Kind.SUCCESS);
    assertThat(sent).hasValue(1);
    lazy.close(0);
  }

  @Test
  void aRequestWaitingForASenderThatCannotBeBuiltGetsThePermanentFailure() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    LazySender lazy =
        builtOnRelease(
            release,
            () -> {
              throw new IllegalStateException("no TLS provider");
            });

    var waiting = lazy.sendAsync(List.of(), 1_000_000_000L);
    var alsoWaiting = lazy.sendAsync(List.of(), 1_000_000_000L);
    assertThat(waiting.isDone()).isFalse();
    release.countDown();

    SendOutcome expected =
        SendOutcome.permanent(
            "CONNECTION_SETUP_FAILED", "java.lang.IllegalStateException: no TLS provider");
    assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo(expected);
    assertThat(alsoWaiting.get(10, TimeUnit.SECONDS)).isEqualTo(expected);
    assertThat(lazy.send(List.of(), 1)).isEqualTo(expected); // answered at once, not rebuilt
    assertThat(lazy.connected()).isFalse();
  }

  @Test
  void aCallerWaitingForTheBuilderKeepsItsInterruptAndStillSends() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger sent = new AtomicInteger();
    LazySender lazy = builtOnRelease(release, () -> succeeding(sent, () -> {}));
    lazy.prepare();
    var outcome = new AtomicReference<SendOutcome>();
    var interruptKept = new AtomicBoolean();
    Thread caller =
        new Thread(
            () -> {
              Thread.currentThread().interrupt(); // interrupted before and while it waits
              outcome.set(lazy.send(List.of(), 1));
              interruptKept.set(Thread.currentThread().isInterrupted());
            });
    caller.start();
    release.countDown();
    caller.join(10_000);

    assertThat(outcome.get().kind()).isEqualTo(SendOutcome.Kind.SUCCESS);
    assertThat(interruptKept).isTrue();
    assertThat(sent).hasValue(1);
  }

  @Test
  void closedWhileBeingBuiltTheSenderIsClosedOnceBuilt() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    LazySender lazy = builtOnRelease(release, () -> succeeding(new AtomicInteger(), closed::countDown));
    lazy.prepare();
    lazy.close(0);
    release.countDown();
    assertThat(closed.await(10, TimeUnit.SECONDS)).isTrue();
  }

  /** A lazy sender whose building waits for {@code release} (a slow channel), then runs {@code then}. */
  private static LazySender builtOnRelease(CountDownLatch release, Callable<Sender> then) {
    return new LazySender(
        "collector:4317",
        () -> {
          release.await();
          return then.call();
        });
  }

  /** A sender that answers every request with success, counting sends and closes. */
  private static Sender succeeding(AtomicInteger sent, Runnable onClose) {
    return new Sender() {
      @Override
      public SendOutcome send(List<Chunk> chunks, long timeoutNanos) {
        sent.incrementAndGet();
        return SendOutcome.success();
      }

      @Override
      public String target() {
        return "collector:4317";
      }

      @Override
      public void close(long timeoutNanos) {
        onClose.run();
      }
    };
  }
}
