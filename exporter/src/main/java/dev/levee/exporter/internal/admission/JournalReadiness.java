package dev.levee.exporter.internal.admission;

import dev.levee.buffer.ChunkBuffer;
import io.opentelemetry.sdk.common.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * When the door asks for the journal while memory still has room, so that the journal is open by
 * the time memory could fill: when memory is a quarter full (delivery is behind), or when data
 * arrives so fast that memory would fill in under {@link #COVER_NANOS} were nothing delivered. A
 * journal's first opening takes 0.8 to 1 s beside an application ending 150k spans a second on two
 * cores (measured 2026-12-05): memory that covers less than that must not wait for a quarter of it
 * to fill. Below that rate the journal is still opened only when memory fills or requests fail.
 *
 * <p>The rate is the bytes memory took over a window of at least {@link #WINDOW_NANOS}, judged when
 * the window ends. Internal, may change. Thread-safe; until the journal is asked for, one clock read
 * and one atomic add per chunk.
 */
final class JournalReadiness {
  /** Memory a quarter full asks for the journal. */
  static final int FILL_DIVISOR = 4;
  /** Data that would fill memory faster than this asks for the journal. */
  static final long COVER_NANOS = TimeUnit.SECONDS.toNanos(2);
  /** The shortest window the rate is measured over. */
  static final long WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final ChunkBuffer buffer;
  private final Clock clock;
  private final AtomicLong windowBytes = new AtomicLong();
  private volatile long windowStart;
  private volatile boolean asked;

  JournalReadiness(ChunkBuffer buffer, Clock clock) {
    this.buffer = buffer;
    this.clock = clock;
    this.windowStart = clock.nanoTime();
  }

  /**
   * Memory took a chunk of {@code bytes}: returns true once, when the journal should be asked for
   * (the caller asks; asking again is harmless).
   */
  boolean wantedAfter(long bytes) {
    if (asked) {
      return false;
    }
    long capacity = buffer.capacityBytes();
    if (buffer.usedBytes() * FILL_DIVISOR >= capacity) {
      asked = true;
      return true;
    }
    long now = clock.nanoTime();
    long start = windowStart;
    long elapsed = now - start;
    if (elapsed < WINDOW_NANOS) {
      windowBytes.addAndGet(bytes);
      return false;
    }
    // The window ended: judge it, then start the next with this chunk. Two threads ending it at
    // once may each judge it; the rate is an estimate either way.
    long taken = windowBytes.getAndSet(bytes);
    windowStart = now;
    if (fillsWithinCover(capacity, taken, elapsed)) {
      asked = true;
      return true;
    }
    return false;
  }

  /** Whether {@code bytes} in {@code elapsedNanos} would fill {@code capacity} within the cover. */
  static boolean fillsWithinCover(long capacity, long bytes, long elapsedNanos) {
    // capacity / (bytes / elapsed) < cover; in doubles, as the products pass 2^63.
    return bytes > 0 && (double) capacity * elapsedNanos < (double) COVER_NANOS * bytes;
  }
}
