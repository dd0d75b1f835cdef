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
    flags[2] = 8;
    assertThatThrownBy(() -> JournalRecord.decode(flags)).hasMessage("unknown flags 8");
  }

  /** An OTLP-like payload: repeated keys and values, as real requests have. */
  private static Chunk compressible() {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      text.append("service.name=checkout http.route=/api/orders/{id} span-").append(i).append(';');
    }
    return Chunk.of(Signal.SPANS, text.toString().getBytes(StandardCharsets.UTF_8), 100, false, 42L);
  }

  @Test
  void lz4StoresACompressiblePayloadSmallerAndRoundTripsIt() throws Exception {
    Chunk chunk = compressible();

    byte[] record = JournalRecord.encode(chunk, Compression.LZ4);

    assertThat(record.length).isLessThan(JournalRecord.sizeOf(chunk) / 3);
    assertThat(record[2] & 1).isEqualTo(1);
    Chunk decoded = JournalRecord.decode(record);
    assertThat(decoded.payload()).isEqualTo(chunk.payload());
    assertThat(decoded.itemCount()).isEqualTo(100);
    assertThat(decoded.acceptedAtEpochNanos()).isEqualTo(42L);
  }

  @Test
  void lz4KeepsASmallOrIncompressiblePayloadAsItIs() throws Exception {
    byte[] random = new byte[4096];
    new java.util.Random(7).nextBytes(random);
    Chunk noise = Chunk.of(Signal.SPANS, random, 1, false, 1L);

    assertThat(JournalRecord.encode(noise, Compression.LZ4)).isEqualTo(JournalRecord.encode(noise));
    assertThat(JournalRecord.encode(CHUNK, Compression.LZ4)).isEqualTo(JournalRecord.encode(CHUNK));
  }

  @Test
  void aDamagedCompressedPayloadIsCaughtByItsChecksum() {
    byte[] record = JournalRecord.encode(compressible(), Compression.LZ4);
    record[JournalRecord.HEADER_BYTES + 10] ^= 0x40;
    assertThatThrownBy(() -> JournalRecord.decode(record)).hasMessage("checksum mismatch");
  }

  @Test
  void aCompressedPayloadThatLiesAboutItsLengthIsRefused() {
    byte[] record = JournalRecord.encode(compressible(), Compression.LZ4);
    // A wrong stated length with a checksum that matches it: as a buggy writer would produce.
    java.nio.ByteBuffer.wrap(record).putInt(JournalRecord.HEADER_BYTES, 17);
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(record, 0, 19);
    crc.update(record, JournalRecord.HEADER_BYTES, record.length - JournalRecord.HEADER_BYTES);
    java.nio.ByteBuffer.wrap(record).putInt(19, (int) crc.getValue());

    assertThatThrownBy(() -> JournalRecord.decode(record))
        .isInstanceOf(JournalRecord.CorruptRecordException.class)
        .hasMessageStartingWith("compressed payload");
  }
}
