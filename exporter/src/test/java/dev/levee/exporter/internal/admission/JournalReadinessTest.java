package dev.levee.exporter.internal.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.levee.buffer.BufferSettings;
import dev.levee.buffer.Chunk;
import dev.levee.buffer.ChunkBuffer;
import dev.levee.buffer.Signal;
import dev.levee.buffer.internal.MemoryBufferProvider;
import io.opentelemetry.sdk.testing.time.TestClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** When the door asks for the journal before memory is full, on a fake clock. */
class JournalReadinessTest {
  private static final long CAPACITY = 1_000_000;
  private static final Duration WINDOW = Duration.ofNanos(JournalReadiness.WINDOW_NANOS);
  private static final long WINDOWS_PER_SECOND = 1_000_000_000L / JournalReadiness.WINDOW_NANOS;

  private final TestClock clock = TestClock.create();
  private final ChunkBuffer memory =
      new MemoryBufferProvider().create(new BufferSettings(Signal.SPANS, CAPACITY));
  private final JournalReadiness readiness = new JournalReadiness(memory, clock);

  /** Puts {@code bytes} in memory and tells the readiness, as the intake does. */
  private boolean take(long bytes) {
    assertThat(memory.offer(Chunk.of(Signal.SPANS, new byte[(int) bytes], 1, false, 0))).isTrue();
    return readiness.wantedAfter(bytes);
  }

  /** Delivers everything memory holds. */
  private void deliverAll() {
    for (Chunk chunk = memory.poll(); chunk != null; chunk = memory.poll()) {
      memory.release(chunk);
    }
  }

  @Test
  void memoryAQuarterFullAsksOnce() {
    assertThat(take(200_000)).isFalse();
    assertThat(take(50_000)).isTrue();

    assertThat(take(10_000)).isFalse();
  }

  @Test
  void dataThatWouldFillMemoryWithinTheCoverAsksWhileMemoryIsAlmostEmpty() {
    // A million bytes of memory covers two seconds at 500 kB/s: 600 kB/s asks, at the window's end.
    long perWindow = 600_000 / WINDOWS_PER_SECOND;
    for (int i = 0; i < 5; i++) {
      assertThat(take(perWindow / 5)).isFalse();
      deliverAll(); // delivery keeps up: memory never gets near a quarter full
    }
    clock.advance(WINDOW);

    assertThat(take(1)).isTrue();
    assertThat(memory.usedBytes() * JournalReadiness.FILL_DIVISOR).isLessThan(CAPACITY);
  }

  @Test
  void dataThatMemoryCoversForLongerNeverAsks() {
    long perWindow = 400_000 / WINDOWS_PER_SECOND;
    for (int window = 0; window < 50; window++) {
      clock.advance(WINDOW);
      assertThat(take(perWindow)).isFalse();
      deliverAll();
    }
  }

  @Test
  void aLumpAfterAQuietSpellIsJudgedOverTheWholeSpell() {
    // A second's worth arriving after a minute of nothing is a slow rate, not a fast one.
    assertThat(take(1)).isFalse();
    clock.advance(Duration.ofMinutes(1));
    assertThat(take(200_000)).isFalse();
    deliverAll();
    clock.advance(Duration.ofMinutes(1));

    assertThat(take(1)).isFalse();
  }

  @Test
  void theCoverArithmetic() {
    long second = 1_000_000_000L;
    assertThat(JournalReadiness.fillsWithinCover(1_000_000, 600_000, second)).isTrue();
    assertThat(JournalReadiness.fillsWithinCover(1_000_000, 400_000, second)).isFalse();
    assertThat(JournalReadiness.fillsWithinCover(1_000_000, 0, second)).isFalse();
    // The default 32 MiB at 20 MiB a second: covered for 1.6 s.
    assertThat(JournalReadiness.fillsWithinCover(32L << 20, 20L << 20, second)).isTrue();
  }
}
