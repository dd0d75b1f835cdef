package dev.levee.exporter.internal.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The stage between Levee's processors and the exporter, on its own: what is added waits for a
 * taker and is handed on in order and in batches; a full stage makes the adding thread hand a
 * batch on itself; closing hands on everything; nothing is handed on twice or lost.
 */
class StageTest {
  private final List<List<String>> handedOn = new ArrayList<>();
  private final List<Throwable> unreadable = new ArrayList<>();
  /** 8 KiB of memory: the stage holds 1 KiB, ten items of 100 bytes. */
  private final Stage<Integer, String> stage =
      new Stage<>(
          item -> {
            if (item < 0) {
              throw new IllegalStateException("unreadable " + item);
            }
            return "item-" + item;
          },
          batch -> {
            synchronized (handedOn) {
              handedOn.add(List.copyOf(batch));
            }
          },
          unreadable::add,
          4,
          8 * 1024,
          () -> 100);

  private List<String> all() {
    synchronized (handedOn) {
      return handedOn.stream().flatMap(List::stream).toList();
    }
  }

  @Test
  void itemsWaitForTheTakerAndGoOnInOrderInBatches() {
    for (int i = 0; i < 6; i++) {
      stage.add(i);
    }
    assertThat(handedOn).isEmpty();
    assertThat(stage.size()).isEqualTo(6);
    assertThat(stage.heldBytes()).isEqualTo(600);

    assertThat(stage.take(100)).isEqualTo(6);

    assertThat(handedOn)
        .containsExactly(
            List.of("item-0", "item-1", "item-2", "item-3"), List.of("item-4", "item-5"));
    assertThat(stage.isEmpty()).isTrue();
    assertThat(stage.heldBytes()).isZero();
    assertThat(stage.callerBatches()).isZero();
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void theFirstItemWakesATakerAsleepWithNothingElseToWakeIt() {
    stage.setTaker(Thread.currentThread());
    Thread.interrupted();
    LockSupport.parkNanos(1); // a permit left by anything before is used up
    assertThat(stage.sleepIfEmpty()).isTrue();

    stage.add(1); // far from a batch: only the mark wakes the taker
    LockSupport.park(); // returns at once with the permit the add left (else the timeout fails this)
    stage.awake();

    assertThat(Thread.currentThread().isInterrupted()).isFalse();
    assertThat(stage.sleepIfEmpty()).as("an item waits: the taker must not sleep").isFalse();
    assertThat(stage.take(10)).isEqualTo(1);
  }

  @Test
  void aTakeTakesAtMostWhatItIsAskedFor() {
    for (int i = 0; i < 6; i++) {
      stage.add(i);
    }
    assertThat(stage.take(3)).isEqualTo(3);
    assertThat(all()).containsExactly("item-0", "item-1", "item-2");
    assertThat(stage.size()).isEqualTo(3);
  }

  @Test
  void aFullStageMakesTheAddingThreadHandABatchOnItself() {
    assertThat(stage.capBytes()).isEqualTo(1024);
    for (int i = 0; i < 10; i++) {
      stage.add(i);
    }
    assertThat(handedOn).isEmpty();

    stage.add(10); // the eleventh: over the bound of ten items

    assertThat(stage.callerBatches()).isEqualTo(1);
    assertThat(handedOn).containsExactly(List.of("item-0", "item-1", "item-2", "item-3"));
    assertThat(stage.size()).isEqualTo(7);
    stage.takeAll();
    assertThat(all()).hasSize(11).doesNotHaveDuplicates();
  }

  @Test
  void theBoundFollowsTheSizeOfRecentItems() {
    AtomicInteger perItem = new AtomicInteger(100);
    Stage<Integer, Integer> sized =
        new Stage<>(i -> i, batch -> {}, t -> {}, 4, 8 * 1024, perItem::get);
    perItem.set(512); // items grew: 1 KiB holds two
    sized.add(1);
    sized.take(1); // the bound is looked at again after a take
    sized.add(2);
    sized.add(3);
    assertThat(sized.callerBatches()).isZero();
    sized.add(4);
    assertThat(sized.callerBatches()).isEqualTo(1);
  }

  @Test
  void closingHandsOnEverythingAndLaterItemsGoStraightThrough() {
    for (int i = 0; i < 5; i++) {
      stage.add(i);
    }
    assertThat(stage.close(0)).isEqualTo(5);
    assertThat(all()).containsExactly("item-0", "item-1", "item-2", "item-3", "item-4");

    stage.add(5);

    assertThat(handedOn.get(handedOn.size() - 1)).containsExactly("item-5");
    assertThat(stage.isEmpty()).isTrue();
  }

  @Test
  void aFlushSettlesOnlyWhenABatchAnotherThreadTookIsHandedOn() throws Exception {
    CountDownLatch inHand = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<String> received = new ArrayList<>();
    Stage<Integer, String> slow =
        new Stage<>(
            item -> "item-" + item,
            batch -> {
              inHand.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              synchronized (received) {
                received.addAll(batch);
              }
            },
            unreadable::add,
            4,
            8 * 1024,
            () -> 100);
    for (int i = 0; i < 3; i++) {
      slow.add(i);
    }
    Thread dispatcher = new Thread(() -> slow.take(100));
    dispatcher.start();
    inHand.await();

    // The queue is empty now, but the three items are still in the dispatcher's hands.
    var settled = slow.takeAllAndSettle();
    assertThat(settled.isDone()).isFalse();

    release.countDown();
    dispatcher.join();
    assertThat(settled.isDone()).isTrue();
    assertThat(settled.isSuccess()).isTrue();
    synchronized (received) {
      assertThat(received).containsExactly("item-0", "item-1", "item-2");
    }
    assertThat(slow.takeAllAndSettle().isDone()).isTrue();
  }

  @Test
  void anItemThatCannotBeReadIsReportedAndTheRestGoOn() {
    stage.add(1);
    stage.add(-2);
    stage.add(3);
    stage.takeAll();
    assertThat(all()).containsExactly("item-1", "item-3");
    assertThat(unreadable).singleElement().satisfies(t -> assertThat(t).hasMessage("unreadable -2"));
  }

  @Test
  void manyAddingThreadsAndTakersLoseNothingAndRepeatNothing() throws Exception {
    int threads = 4;
    int perThread = 20_000;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> adders = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int base = t * perThread;
      Thread adder =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  return;
                }
                for (int i = 0; i < perThread; i++) {
                  stage.add(base + i);
                }
              });
      adder.start();
      adders.add(adder);
    }
    Thread taker =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                stage.take(64);
              }
            });
    taker.start();
    start.countDown();
    for (Thread adder : adders) {
      adder.join();
    }
    taker.interrupt();
    taker.join();
    stage.close(0);

    assertThat(all()).hasSize(threads * perThread).doesNotHaveDuplicates();
    assertThat(stage.isEmpty()).isTrue();
  }
}
