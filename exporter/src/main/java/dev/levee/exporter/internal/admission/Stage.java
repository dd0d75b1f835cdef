package dev.levee.exporter.internal.admission;

import io.opentelemetry.sdk.common.CompletableResultCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntSupplier;

/**
 * Where Levee's span and log record processors leave what the application ended or emitted: the
 * application's thread adds one item and returns; Levee's dispatcher thread takes them in batches,
 * reads them into the SDK's data ({@code toSpanData()}) and hands each batch to the exporter as if
 * the SDK had exported it, so encoding, the rate limit, memory and the journal run on Levee's
 * thread, not the application's.
 *
 * <p>No count decides a drop here. The stage holds at most {@code capBytes} (an eighth of {@code
 * memory.limit}, at most 2 MiB) by the encoded size of the items last encoded; when it is full, the
 * thread that adds an item takes a batch and runs it through the exporter itself (memory, journal
 * and overflow policy decide, as for a direct {@code export()}), so Levee's thread falling behind
 * costs the application some work but loses nothing. What the stage holds is counted as memory in
 * use (see {@link #heldBytes}).
 *
 * <p>After {@link #close} nothing waits here: an item added then goes straight to the exporter,
 * which counts it (as dropped at shutdown once the exporter has stopped).
 *
 * <p>Internal, may change. Thread-safe: any number of adding threads, any number of takers.
 *
 * @param <S> what the application's thread hands over (a {@code ReadableSpan})
 * @param <T> the SDK's data the exporter takes (a {@code SpanData})
 */
public final class Stage<S, T> {
  /** The stage's share of {@code memory.limit}. */
  static final int MEMORY_SHARE_DIVISOR = 8;
  /** The most the stage holds, whatever {@code memory.limit} is. */
  static final long MAX_CAP_BYTES = 2L * 1024 * 1024;

  private final ConcurrentLinkedQueue<S> queue = new ConcurrentLinkedQueue<>();
  /** Items added and not yet handed on (counted before they are queued). */
  private final AtomicInteger size = new AtomicInteger();
  private final Function<S, T> read;
  private final Consumer<List<T>> exporter;
  private final Consumer<Throwable> unreadable;
  private final int batchItems;
  private final long capBytes;
  private final IntSupplier bytesPerItem;
  private final LongAdder callerBatches = new LongAdder();
  /**
   * Takes under way: items polled by one thread are not yet handed on, and a flush on another
   * thread waits for them (see {@link #takeAllAndSettle}).
   */
  private final Set<CompletableResultCode> taking = ConcurrentHashMap.newKeySet();
  /** Items the stage holds before the adding thread takes a batch itself. */
  private volatile int capItems;
  /** The size at which the taker is woken at once rather than at its next linger. */
  private volatile int wakeAt;
  private volatile Thread taker;
  /** The taker parks until woken, nothing else due: the first item added wakes it. */
  private volatile boolean takerAsleep;
  private volatile boolean closed;

  /**
   * @param read reads what the application handed over into the SDK's data, on the taking thread
   * @param exporter takes a batch as {@code export()} would
   * @param unreadable counts an item whose {@code read} failed (dropped as {@code encoding_failed})
   * @param batchItems the most items handed on at once
   * @param memoryLimitBytes the exporter's {@code memory.limit}; the stage holds an eighth of it
   * @param bytesPerItem the encoded size of a recent item, for the stage's bound
   */
  public Stage(
      Function<S, T> read,
      Consumer<List<T>> exporter,
      Consumer<Throwable> unreadable,
      int batchItems,
      long memoryLimitBytes,
      IntSupplier bytesPerItem) {
    if (batchItems < 1) {
      throw new IllegalArgumentException("batchItems must be positive: " + batchItems);
    }
    this.read = read;
    this.exporter = exporter;
    this.unreadable = unreadable;
    this.batchItems = batchItems;
    this.capBytes = Math.max(1, Math.min(MAX_CAP_BYTES, memoryLimitBytes / MEMORY_SHARE_DIVISOR));
    this.bytesPerItem = bytesPerItem;
    resize();
  }

  /** The thread woken when a batch is ready: the dispatcher's. */
  public void setTaker(Thread thread) {
    this.taker = thread;
  }

  /** The application's thread: leaves one item. Never blocks, never throws. */
  public void add(S item) {
    int now = size.incrementAndGet();
    if (closed) {
      size.decrementAndGet();
      handOn(List.of(item));
      return;
    }
    queue.offer(item);
    if (now > capItems) {
      // Levee's thread is behind: this thread takes a batch and runs it through the exporter.
      callerBatches.increment();
      take(batchItems);
    } else if (now == wakeAt || (now == 1 && takerAsleep)) {
      Thread waiting = taker;
      if (waiting != null) {
        LockSupport.unpark(waiting);
      }
    }
  }

  /**
   * Takes up to {@code max} items, in batches of at most {@code batchItems}, and hands each batch
   * to the exporter. Returns how many were taken. Any thread.
   */
  public int take(int max) {
    if (queue.isEmpty()) {
      return 0;
    }
    // Registered before the first poll, so a flush that finds the queue empty sees this take.
    CompletableResultCode done = new CompletableResultCode();
    taking.add(done);
    try {
      return takeRegistered(max);
    } finally {
      taking.remove(done);
      done.succeed();
    }
  }

  private int takeRegistered(int max) {
    int taken = 0;
    List<S> batch = null;
    while (taken < max) {
      S item = queue.poll();
      if (item == null) {
        break;
      }
      if (batch == null) {
        batch = new ArrayList<>(Math.min(batchItems, Math.max(1, size.get())));
      }
      batch.add(item);
      taken++;
      if (batch.size() == batchItems) {
        handOn(batch);
        size.addAndGet(-batch.size());
        batch = null;
      }
    }
    if (batch != null) {
      handOn(batch);
      size.addAndGet(-batch.size());
    }
    if (taken > 0) {
      resize();
    }
    return taken;
  }

  /** Takes everything there is now. */
  public int takeAll() {
    return take(Integer.MAX_VALUE);
  }

  /**
   * Takes everything there is now, on this thread; the result completes when the batches other
   * threads had taken by then are handed on too (a flush may ask the exporter only then). Never
   * waits.
   */
  public CompletableResultCode takeAllAndSettle() {
    takeAll();
    List<CompletableResultCode> underWay = List.copyOf(taking);
    return underWay.isEmpty()
        ? CompletableResultCode.ofSuccess()
        : CompletableResultCode.ofAll(underWay);
  }

  /** Reads the batch into the SDK's data and hands it to the exporter; never throws. */
  private void handOn(List<S> batch) {
    List<T> data = new ArrayList<>(batch.size());
    for (S item : batch) {
      try {
        data.add(read.apply(item));
      } catch (Throwable t) {
        unreadable.accept(t);
      }
    }
    if (!data.isEmpty()) {
      exporter.accept(data);
    }
  }

  /** The bound in items from the last encoded size; on a taking thread. */
  private void resize() {
    int perItem = Math.max(16, bytesPerItem.getAsInt());
    int cap = (int) Math.max(1, Math.min(Integer.MAX_VALUE - 1, capBytes / perItem));
    capItems = cap;
    wakeAt = Math.max(1, Math.min(batchItems, cap / 2));
  }

  /**
   * Stops holding: later items go straight to the exporter. Then hands on everything added before,
   * including items whose adding thread was between counting and queueing them, waiting for those
   * at most {@code maxWaitNanos}. Returns how many items were handed on.
   */
  public int close(long maxWaitNanos) {
    closed = true;
    long deadline = System.nanoTime() + maxWaitNanos;
    int taken = 0;
    while (true) {
      taken += takeAll();
      if (size.get() <= 0 || System.nanoTime() - deadline > 0) {
        return taken;
      }
      Thread.onSpinWait();
    }
  }

  /**
   * The taker's thread, before it parks with nothing else to wake it: whether the stage is empty,
   * and if so, until {@link #awake}, the first item added wakes it. (The mark is set before the
   * stage is looked at, and an adding thread counts its item before it looks at the mark: either
   * this sees the item or that thread sees the mark.)
   */
  public boolean sleepIfEmpty() {
    takerAsleep = true;
    if (isEmpty()) {
      return true;
    }
    takerAsleep = false;
    return false;
  }

  /** The taker's thread, once it no longer parks (see {@link #sleepIfEmpty}). */
  public void awake() {
    takerAsleep = false;
  }

  /** Items held now. */
  public int size() {
    return Math.max(0, size.get());
  }

  public boolean isEmpty() {
    return size.get() <= 0;
  }

  /** The memory the stage holds by the encoded size of recent items (the bound is on this). */
  public long heldBytes() {
    return (long) size() * Math.max(16, bytesPerItem.getAsInt());
  }

  public long capBytes() {
    return capBytes;
  }

  /** How many times an adding thread found the stage full and handed a batch on itself. */
  public long callerBatches() {
    return callerBatches.sum();
  }
}
