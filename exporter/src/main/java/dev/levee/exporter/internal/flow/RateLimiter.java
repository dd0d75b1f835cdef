package dev.levee.exporter.internal.flow;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import io.opentelemetry.sdk.common.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Token buckets on one signal's traffic to the backend, in items per second and bytes per second,
 * each with a burst: bucket4j's lock-free local buckets on Levee's clock.
 *
 * <p>Two uses. The dispatcher paces requests: it sends when both buckets hold tokens and then
 * takes the request's items and bytes even if that overdraws them, so requests of any size keep
 * the average rate and the next one waits for the debt to refill ({@link #nanosUntilSend}, {@link
 * #sent}). With the {@code drop} policy, {@code export()} also asks {@link #admit} at the door and
 * turns away what is over the rate (check and take are two steps: with several threads exporting
 * at once the door can let a little more through than the rate; the SDK's batch processors export
 * from one thread).
 *
 * <p>Internal, may change. Thread-safe.
 */
public final class RateLimiter {

  /** What happens to data arriving faster than the limit. */
  public enum Policy {
    /** Accepted; it waits in memory, and in the journal when memory is full. */
    SPILL,
    /** Turned away at {@code export()}, counted as {@code rate_limited}. */
    DROP,
    /**
     * Sampled at {@code export()} down to what the limit has room for, by trace id so traces stay
     * whole; the rest counted as {@code rate_limited}. Metric data is not sampled: it spills.
     */
    SAMPLE;

    public String lowerName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The limits; 0 means no limit of that kind.
   *
   * @param itemsPerSecond spans, data points or log records per second
   * @param bytesPerSecond encoded OTLP bytes per second
   * @param burst how much above the rate may pass at once, as time at the rate (1 s: a second's
   *     worth)
   * @param policy what happens to data over the limit
   */
  public record Settings(long itemsPerSecond, long bytesPerSecond, Duration burst, Policy policy) {
    public static final Settings NONE = new Settings(0, 0, Duration.ofSeconds(1), Policy.SPILL);

    public Settings {
      Objects.requireNonNull(burst, "burst");
      Objects.requireNonNull(policy, "policy");
    }

    public boolean limits() {
      return itemsPerSecond > 0 || bytesPerSecond > 0;
    }
  }

  private final TimeMeter time;
  /** Replaced as a whole when the limits change (JMX, admin endpoint); read once per call. */
  private volatile State state;

  /** The buckets of one configuration. */
  private static final class State {
    final Settings settings;
    final Bucket sendItems;
    final Bucket sendBytes;
    final Bucket doorItems;
    final Bucket doorBytes;
    final long itemCapacity;
    final long byteCapacity;

    State(Settings settings, TimeMeter time) {
      this.settings = settings;
      this.sendItems = bucket(settings.itemsPerSecond(), settings.burst(), time);
      this.sendBytes = bucket(settings.bytesPerSecond(), settings.burst(), time);
      boolean door = settings.policy() == Policy.DROP || settings.policy() == Policy.SAMPLE;
      this.doorItems = door ? bucket(settings.itemsPerSecond(), settings.burst(), time) : null;
      this.doorBytes = door ? bucket(settings.bytesPerSecond(), settings.burst(), time) : null;
      this.itemCapacity = capacity(settings.itemsPerSecond(), settings.burst());
      this.byteCapacity = capacity(settings.bytesPerSecond(), settings.burst());
    }
  }

  public RateLimiter(Settings settings, Clock clock) {
    this.time =
        new TimeMeter() {
          @Override
          public long currentTimeNanos() {
            return clock.nanoTime();
          }

          @Override
          public boolean isWallClockBased() {
            return false;
          }
        };
    this.state = new State(settings, time);
  }

  /** Changes the rates (0: no limit of that kind), keeping the burst and the policy. */
  public void setRates(long itemsPerSecond, long bytesPerSecond) {
    if (itemsPerSecond < 0 || bytesPerSecond < 0) {
      throw new IllegalArgumentException(
          "rates must not be negative, were " + itemsPerSecond + " items/s and " + bytesPerSecond + " bytes/s");
    }
    Settings now = state.settings;
    state = new State(new Settings(itemsPerSecond, bytesPerSecond, now.burst(), now.policy()), time);
  }

  private static long capacity(long perSecond, Duration burst) {
    return Math.max(1, (long) (perSecond * (burst.toNanos() / 1e9)));
  }

  private static Bucket bucket(long perSecond, Duration burst, TimeMeter time) {
    if (perSecond <= 0) {
      return null;
    }
    return Bucket.builder()
        .addLimit(Bandwidth.builder().capacity(capacity(perSecond, burst)).refillGreedy(perSecond, Duration.ofSeconds(1)).build())
        .withCustomTimePrecision(time)
        .build();
  }

  public Settings settings() {
    return state.settings;
  }

  /** How long until the dispatcher may send; 0 when it may now. */
  public long nanosUntilSend() {
    State s = state;
    return Math.max(waitFor(s.sendItems), waitFor(s.sendBytes));
  }

  private static long waitFor(Bucket bucket) {
    if (bucket == null) {
      return 0;
    }
    return bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill();
  }

  /** Takes a sent request's items and bytes, overdrawing the buckets if it must. */
  public void sent(long items, long bytes) {
    State s = state;
    take(s.sendItems, items);
    take(s.sendBytes, bytes);
  }

  private static void take(Bucket bucket, long tokens) {
    if (bucket != null && tokens > 0) {
      bucket.consumeIgnoringRateLimits(tokens);
    }
  }

  /**
   * With the {@code drop} policy, whether a batch arriving now is within the limit (and if so its
   * items and bytes are taken); always true with {@code spill}. A batch larger than the burst is
   * admitted when the buckets are full, so that no batch size is refused for ever.
   */
  public boolean admit(long items, long bytes) {
    State s = state;
    if (s.doorItems == null && s.doorBytes == null) {
      return true;
    }
    if (!fits(s.doorItems, items, s.itemCapacity) || !fits(s.doorBytes, bytes, s.byteCapacity)) {
      return false;
    }
    take(s.doorItems, items);
    take(s.doorBytes, bytes);
    return true;
  }

  /**
   * With the {@code sample} policy, for a batch {@link #admit} refused: one in how many traces
   * fits what the buckets hold now (at least 2).
   */
  public int sampleRatio(long items, long bytes) {
    State s = state;
    double fraction = 1.0;
    if (s.doorItems != null) {
      fraction = Math.min(fraction, Math.max(0, s.doorItems.getAvailableTokens()) / (double) Math.max(1, items));
    }
    if (s.doorBytes != null) {
      fraction = Math.min(fraction, Math.max(0, s.doorBytes.getAvailableTokens()) / (double) Math.max(1, bytes));
    }
    if (fraction <= 0) {
      return Integer.MAX_VALUE; // nothing fits: keep (almost) nothing
    }
    return (int) Math.max(2, Math.min(Integer.MAX_VALUE, Math.ceil(1 / fraction)));
  }

  /** Takes a sampled batch's items and bytes from the door buckets, overdrawing if it must. */
  public void admitSampled(long items, long bytes) {
    State s = state;
    take(s.doorItems, items);
    take(s.doorBytes, bytes);
  }

  private static boolean fits(Bucket bucket, long tokens, long capacity) {
    if (bucket == null) {
      return true;
    }
    long available = bucket.getAvailableTokens();
    return available >= tokens || available >= capacity;
  }
}
