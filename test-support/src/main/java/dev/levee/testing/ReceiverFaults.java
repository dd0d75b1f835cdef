package dev.levee.testing;

import com.google.protobuf.Any;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The faults an {@link OtlpReceiver} injects, over gRPC and HTTP alike: latency, failing calls
 * (next ones, every Nth, or a random mix), partial successes. Thread-safe.
 */
final class ReceiverFaults {
  private final ConcurrentLinkedQueue<Fault> faults = new ConcurrentLinkedQueue<>();
  private volatile Duration latency = Duration.ZERO;
  private final AtomicLong failedCalls = new AtomicLong();
  private final AtomicLong rejectedItems = new AtomicLong();

  /**
   * Makes the next {@code calls} export calls (any signal) fail with {@code status}, carrying a
   * {@code RetryInfo} with {@code retryAfter} unless it is {@code null}. Failed calls are not
   * counted as received.
   */
  void failNext(int calls, Status status, Duration retryAfter) {
    for (int i = 0; i < calls; i++) {
      faults.add(new Fault(status, retryAfter, 0, null));
    }
  }

  /**
   * Makes the next {@code calls} export calls answer with a {@code partial_success} that rejects
   * {@code items} items with {@code message}. The items still count as received.
   */
  void rejectNext(int calls, long items, String message) {
    for (int i = 0; i < calls; i++) {
      faults.add(new Fault(null, null, items, message));
    }
  }

  /** Forgets the faults not yet used, and any standing rule: the next calls succeed. */
  void clearFaults() {
    faults.clear();
    mix = List.of();
    failEvery = 0;
    rejectEvery = 0;
  }

  private volatile int failEvery;
  private volatile Status failEveryStatus;
  private volatile Duration failEveryRetryAfter;
  private volatile int rejectEvery;
  private volatile long rejectEveryItems;
  private final java.util.concurrent.atomic.AtomicLong calls = new java.util.concurrent.atomic.AtomicLong();

  /**
   * From now on fails every {@code n}th export call with {@code status} (and a {@code RetryInfo}
   * of {@code retryAfter} unless null), as a flaky or throttling backend would.
   */
  void failEvery(int n, Status status, Duration retryAfter) {
    this.failEveryStatus = status;
    this.failEveryRetryAfter = retryAfter;
    this.failEvery = n;
  }

  private volatile List<FaultShare> mix = List.of();
  private final java.util.SplittableRandom mixRandom = new java.util.SplittableRandom(42);

  /**
   * From now on fails each export call with the first share whose draw it falls in: with {@code
   * UNAVAILABLE:20%,RESOURCE_EXHAUSTED:10%}, a call fails with UNAVAILABLE with probability 0.2 and
   * with RESOURCE_EXHAUSTED with 0.1, independently of the calls before it (a fixed seed, so a run
   * can be repeated). A backend that serves most calls, as behind a busy load balancer.
   */
  void failMix(List<FaultShare> shares) {
    this.mix = List.copyOf(shares);
  }

  private Fault drawFromMix() {
    List<FaultShare> shares = mix;
    if (shares.isEmpty()) {
      return null;
    }
    int draw;
    synchronized (mixRandom) {
      draw = mixRandom.nextInt(100);
    }
    for (FaultShare share : shares) {
      if (draw < share.percent()) {
        return new Fault(share.status(), share.retryAfter(), 0, null);
      }
      draw -= share.percent();
    }
    return null;
  }

  /** From now on answers every {@code n}th call with a partial success rejecting {@code items}. */
  void rejectEvery(int n, long items) {
    this.rejectEveryItems = items;
    this.rejectEvery = n;
  }

  /** Delays every answer by {@code latency}, as a slow backend would. */
  void setLatency(Duration latency) {
    this.latency = latency;
  }


  private final java.util.concurrent.atomic.AtomicInteger callsInProgress = new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicInteger maxConcurrentCalls = new java.util.concurrent.atomic.AtomicInteger();

  /** The most export calls (any signal, either transport) seen in progress at once. */
  int maxConcurrentCalls() {
    return maxConcurrentCalls.get();
  }

  /** Export calls answered with an injected error. */
  long failedCallCount() {
    return failedCalls.get();
  }

  /** Items reported as rejected in injected partial successes. */
  long rejectedItemCount() {
    return rejectedItems.get();
  }

  /**
   * Applies the injected latency and draws the next fault, if any: a failing fault (with a status)
   * is counted here and answered by the transport; a partial-success fault is answered with the
   * data. Null: a plain success.
   */
  Fault next() {
    Duration delay = latency;
    int concurrent = callsInProgress.incrementAndGet();
    maxConcurrentCalls.accumulateAndGet(concurrent, Math::max);
    try {
      if (!delay.isZero()) {
        Thread.sleep(delay.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      callsInProgress.decrementAndGet();
    }
    Fault fault = faults.poll();
    long call = calls.incrementAndGet();
    int everyFail = failEvery;
    int everyReject = rejectEvery;
    if (fault == null) {
      fault = drawFromMix();
    }
    if (fault == null && everyFail > 0 && call % everyFail == 0) {
      fault = new Fault(failEveryStatus, failEveryRetryAfter, 0, null);
    } else if (fault == null && everyReject > 0 && call % everyReject == 0) {
      fault = new Fault(null, null, rejectEveryItems, "rejected by the fault-injecting receiver");
    }
    if (fault != null && fault.status != null) {
      failedCalls.incrementAndGet();
    } else if (fault != null) {
      rejectedItems.addAndGet(fault.rejected);
    }
    return fault;
  }

  /** The {@code google.rpc.Status} a failing fault answers with, RetryInfo included. */
  static com.google.rpc.Status rpcStatus(Fault fault) {
    com.google.rpc.Status.Builder status =
        com.google.rpc.Status.newBuilder()
            .setCode(fault.status.getCode().value())
            .setMessage(fault.status.getDescription() == null ? "" : fault.status.getDescription());
    if (fault.retryAfter != null) {
      status.addDetails(
          Any.pack(
              RetryInfo.newBuilder()
                  .setRetryDelay(
                      com.google.protobuf.Duration.newBuilder()
                          .setSeconds(fault.retryAfter.getSeconds())
                          .setNanos(fault.retryAfter.getNano()))
                  .build()));
    }
    return status.build();
  }


  record Fault(Status status, Duration retryAfter, long rejected, String message) {}
}
