package dev.levee.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BufferProvidersTest {

  @Test
  void findsTheMemoryProviderThroughServiceLoader() {
    BufferProvider provider =
        BufferProviders.find("memory", BufferProvidersTest.class.getClassLoader());
    assertThat(provider.name()).isEqualTo("memory");
    try (ChunkBuffer buffer = provider.create(new BufferSettings(Signal.LOGS, 10))) {
      assertThat(buffer.capacityBytes()).isEqualTo(10);
    }
  }

  @Test
  void unknownProviderNamesWhatWasFound() {
    assertThatThrownBy(() -> BufferProviders.find("disk", getClass().getClassLoader()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("No buffer provider named 'disk'; found [memory]");
  }

  @Test
  void settingsRejectNonPositiveCapacity() {
    assertThatThrownBy(() -> new BufferSettings(Signal.SPANS, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("capacityBytes must be positive, was 0");
  }

  @Test
  void chunkSizeIsThePayloadLength() {
    Chunk chunk = Chunk.of(Signal.METRICS, new byte[123], 7, true, 42L);
    assertThat(chunk.sizeBytes()).isEqualTo(123);
    assertThat(chunk.itemCount()).isEqualTo(7);
    assertThat(chunk.isPriority()).isTrue();
    assertThat(chunk.acceptedAtEpochNanos()).isEqualTo(42L);
    assertThat(chunk).hasToString("Chunk{signal=METRICS, items=7, bytes=123, priority=true}");
  }

  @Test
  void chunkRejectsNegativeItemCount() {
    assertThatThrownBy(() -> Chunk.of(Signal.SPANS, new byte[1], -1, false, 0L))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("itemCount must not be negative, was -1");
  }
}
