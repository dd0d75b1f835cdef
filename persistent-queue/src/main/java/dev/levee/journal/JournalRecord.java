package dev.levee.journal;

import dev.levee.buffer.Chunk;
import dev.levee.buffer.Signal;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The on-disk form of one {@link Chunk}: a versioned, checksummed header and the OTLP payload.
 *
 * <pre>
 * offset size
 *  0     1    format version (1)
 *  1     1    signal (1 spans, 2 metrics, 3 logs)
 *  2     1    flags: bit 0 LZ4-compressed payload (reserved, 0 in version 1), bit 1 priority
 *  3     4    item count
 *  7     8    accepted-at, epoch nanoseconds
 * 15     4    payload length
 * 19     4    CRC32C of bytes 0..18 and of the payload
 * 23     n    payload: the OTLP Export*ServiceRequest bytes
 * </pre>
 *
 * All integers big-endian. One record is one Chronicle Queue document. Thread-safe (stateless).
 */
public final class JournalRecord {
  /** The format version this code writes and reads. */
  public static final byte VERSION = 1;
  /** Bytes before the payload. */
  public static final int HEADER_BYTES = 23;

  private static final int FLAG_COMPRESSED = 1;
  private static final int FLAG_PRIORITY = 2;

  private JournalRecord() {}

  /** The record's size on disk for a chunk, header included. */
  public static int sizeOf(Chunk chunk) {
    return HEADER_BYTES + chunk.sizeBytes();
  }

  /** Encodes a chunk. */
  public static byte[] encode(Chunk chunk) {
    byte[] record = new byte[sizeOf(chunk)];
    ByteBuffer buffer = ByteBuffer.wrap(record);
    buffer.put(VERSION);
    buffer.put((byte) (chunk.signal().ordinal() + 1));
    buffer.put((byte) (chunk.isPriority() ? FLAG_PRIORITY : 0));
    buffer.putInt(chunk.itemCount());
    buffer.putLong(chunk.acceptedAtEpochNanos());
    buffer.putInt(chunk.sizeBytes());
    CRC32C crc = new CRC32C();
    crc.update(record, 0, 19);
    crc.update(chunk.payload());
    buffer.putInt((int) crc.getValue());
    buffer.put(chunk.payload());
    return record;
  }

  /**
   * Decodes a record, checking everything that can be checked.
   *
   * @throws CorruptRecordException saying what is wrong, if the bytes are not an intact record
   */
  public static Chunk decode(byte[] record) throws CorruptRecordException {
    if (record.length < HEADER_BYTES) {
      throw new CorruptRecordException("record of " + record.length + " bytes is shorter than its header");
    }
    ByteBuffer buffer = ByteBuffer.wrap(record);
    byte version = buffer.get();
    if (version != VERSION) {
      throw new CorruptRecordException("unknown format version " + version);
    }
    int signalCode = buffer.get();
    if (signalCode < 1 || signalCode > Signal.values().length) {
      throw new CorruptRecordException("unknown signal " + signalCode);
    }
    int flags = buffer.get();
    if ((flags & ~(FLAG_COMPRESSED | FLAG_PRIORITY)) != 0 || (flags & FLAG_COMPRESSED) != 0) {
      throw new CorruptRecordException("unknown flags " + flags);
    }
    int items = buffer.getInt();
    long acceptedAt = buffer.getLong();
    int length = buffer.getInt();
    int expectedCrc = buffer.getInt();
    if (items < 0 || length != record.length - HEADER_BYTES) {
      throw new CorruptRecordException(
          "payload length " + length + " does not match the record's " + (record.length - HEADER_BYTES));
    }
    CRC32C crc = new CRC32C();
    crc.update(record, 0, 19);
    crc.update(record, HEADER_BYTES, length);
    if ((int) crc.getValue() != expectedCrc) {
      throw new CorruptRecordException("checksum mismatch");
    }
    byte[] payload = new byte[length];
    System.arraycopy(record, HEADER_BYTES, payload, 0, length);
    return Chunk.of(
        Signal.values()[signalCode - 1], payload, items, (flags & FLAG_PRIORITY) != 0, acceptedAt);
  }

  /** A record that is not intact: torn, overwritten, or from an unknown format. */
  public static final class CorruptRecordException extends Exception {
    private static final long serialVersionUID = 1L;

    public CorruptRecordException(String message) {
      super(message);
    }
  }
}
