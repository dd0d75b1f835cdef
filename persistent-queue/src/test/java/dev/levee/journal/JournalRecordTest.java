package dev.levee.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.levee.buffer.Chunk;
import dev.levee.buffer.Signal;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JournalRecordTest {
  private static final Chunk CHUNK =
      Chunk.of(Signal.LOGS, "payload".getBytes(StandardCharsets.UTF_8), 3, true, 1_700_000_000_123L);

  @Test
  void roundTripsEveryField() throws Exception {
    byte[] record = JournalRecord.encode(CHUNK);
    assertThat(record).hasSize(JournalRecord.HEADER_BYTES + 7);

    Chunk decoded = JournalRecord.decode(record);

    assertThat(decoded.signal()).isEqualTo(Signal.LOGS);
    assertThat(decoded.payload()).isEqualTo(CHUNK.payload());
    assertThat(decoded.itemCount()).isEqualTo(3);
    assertThat(decoded.isPriority()).isTrue();
    assertThat(decoded.acceptedAtEpochNanos()).isEqualTo(1_700_000_000_123L);
  }

  @Test
  void detectsAFlippedPayloadByte() {
    byte[] record = JournalRecord.encode(CHUNK);
    record[record.length - 1] ^= 0x01;
    assertThatThrownBy(() -> JournalRecord.decode(record))
        .isInstanceOf(JournalRecord.CorruptRecordException.class)
        .hasMessage("checksum mismatch");
  }

  @Test
  void detectsAFlippedHeaderByte() {
    byte[] record = JournalRecord.encode(CHUNK);
    record[5] ^= 0x10; // item count
    assertThatThrownBy(() -> JournalRecord.decode(record)).hasMessage("checksum mismatch");
  }

  @Test
  void detectsATruncatedRecord() {
    byte[] record = JournalRecord.encode(CHUNK);
    byte[] truncated = java.util.Arrays.copyOf(record, record.length - 2);
    assertThatThrownBy(() -> JournalRecord.decode(truncated))
        .hasMessage("payload length 7 does not match the record's 5");
    assertThatThrownBy(() -> JournalRecord.decode(new byte[5]))
        .hasMessage("record of 5 bytes is shorter than its header");
  }

  @Test
  void refusesUnknownVersionsSignalsAndFlags() {
    byte[] version = JournalRecord.encode(CHUNK);
    version[0] = 9;
    assertThatThrownBy(() -> JournalRecord.decode(version)).hasMessage("unknown format version 9");
    byte[] signal = JournalRecord.encode(CHUNK);
    signal[1] = 7;
    assertThatThrownBy(() -> JournalRecord.decode(signal)).hasMessage("unknown signal 7");
    byte[] flags = JournalRecord.encode(CHUNK);
    flags[2] = 1; // compressed: not written by this version
    assertThatThrownBy(() -> JournalRecord.decode(flags)).hasMessage("unknown flags 1");
  }
}
