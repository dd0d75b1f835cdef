package dev.levee.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.wire.DocumentContext;
import dev.levee.buffer.Chunk;
import dev.levee.buffer.Signal;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;

/**
 * The on-disk form of one {@link Chunk}: a versioned, checksummed header and the OTLP payload.
 *
 * <pre>
 * offset size
 *  0     1    format version (1)
 *  1     1    signal (1 spans, 2 metrics, 3 logs)
 *  2     1    flags: bit 0 LZ4-compressed payload, bit 1 priority
 *  3     4    item count
 *  7     8    accepted-at, epoch nanoseconds
 * 15     4    stored payload length
 * 19     4    CRC32C of bytes 0..18 and of the stored payload
 * 23     n    payload: the OTLP Export*ServiceRequest bytes; when compressed, the uncompressed
 *             length (4 bytes) and an LZ4 block
 * </pre>
 *
 * The checksum covers what is on disk, so {@code verify} needs no decompression; a compressed
 * payload is also checked to decompress to exactly its stated length.
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

  /** The pure-Java codec: no native library, no {@code Unsafe}. */
  private static final LZ4Factory LZ4 = LZ4Factory.safeInstance();
  /** Payloads smaller than this are stored as they are: too little to gain. */
  static final int MIN_COMPRESSIBLE_BYTES = 256;

  /** The record's size on disk for a chunk stored uncompressed, header included. */
  public static int sizeOf(Chunk chunk) {
    return HEADER_BYTES + chunk.sizeBytes();
  }

  /** Encodes a chunk, payload as it is. */
  public static byte[] encode(Chunk chunk) {
    return encode(chunk, Compression.NONE);
  }

  /**
   * Encodes a chunk; with {@link Compression#LZ4} the payload is stored compressed when that makes
   * the record smaller.
   */
  public static byte[] encode(Chunk chunk, Compression compression) {
    if (compression == Compression.LZ4 && chunk.sizeBytes() >= MIN_COMPRESSIBLE_BYTES) {
      byte[] compressed = compressed(chunk);
      if (compressed != null) {
        return record(chunk, compressed, 0, compressed.length, FLAG_COMPRESSED);
      }
    }
    return record(chunk, chunk.payload(), 0, chunk.sizeBytes(), 0);
  }

  /** {@code [uncompressed length][LZ4 block]}, or null when that is no smaller. */
  private static byte[] compressed(Chunk chunk) {
    LZ4Compressor compressor = LZ4.fastCompressor();
    int bound = 4 + compressor.maxCompressedLength(chunk.sizeBytes());
    byte[] out = new byte[bound];
    ByteBuffer.wrap(out).putInt(0, chunk.sizeBytes());
    int length = 4 + compressor.compress(chunk.payload(), 0, chunk.sizeBytes(), out, 4, bound - 4);
    if (length >= chunk.sizeBytes()) {
      return null;
    }
    return java.util.Arrays.copyOf(out, length);
  }

  private static byte[] record(Chunk chunk, byte[] payload, int offset, int length, int compressionFlag) {
    byte[] record = new byte[HEADER_BYTES + length];
    ByteBuffer buffer = ByteBuffer.wrap(record);
    buffer.put(VERSION);
    buffer.put((byte) signalCode(chunk));
    buffer.put((byte) ((chunk.isPriority() ? FLAG_PRIORITY : 0) | compressionFlag));
    buffer.putInt(chunk.itemCount());
    buffer.putLong(chunk.acceptedAtEpochNanos());
    buffer.putInt(length);
    CRC32C crc = new CRC32C();
    crc.update(record, 0, 19);
    crc.update(payload, offset, length);
    buffer.putInt((int) crc.getValue());
    buffer.put(payload, offset, length);
    return record;
  }

  private static int signalCode(Chunk chunk) {
    return chunk.signal().ordinal() + 1;
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
    if ((flags & ~(FLAG_COMPRESSED | FLAG_PRIORITY)) != 0) {
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
    byte[] payload;
    if ((flags & FLAG_COMPRESSED) != 0) {
      payload = decompress(record, length);
    } else {
      payload = new byte[length];
      System.arraycopy(record, HEADER_BYTES, payload, 0, length);
    }
    return Chunk.of(
        Signal.values()[signalCode - 1], payload, items, (flags & FLAG_PRIORITY) != 0, acceptedAt);
  }

  private static byte[] decompress(byte[] record, int length) throws CorruptRecordException {
    if (length < 4) {
      throw new CorruptRecordException("compressed payload of " + length + " bytes has no length");
    }
    int original = ByteBuffer.wrap(record).getInt(HEADER_BYTES);
    if (original < 0 || original > MAX_UNCOMPRESSED_BYTES) {
      throw new CorruptRecordException("compressed payload states an impossible length " + original);
    }
    byte[] payload = new byte[original];
    try {
      int produced =
          LZ4.safeDecompressor().decompress(record, HEADER_BYTES + 4, length - 4, payload, 0, original);
      if (produced != original) {
        throw new CorruptRecordException(
            "compressed payload decompressed to " + produced + " bytes, not " + original);
      }
    } catch (LZ4Exception e) {
      throw new CorruptRecordException("compressed payload does not decompress: " + e.getMessage());
    }
    return payload;
  }

  /** No chunk is this large: Levee's requests are bounded far below it. */
  private static final int MAX_UNCOMPRESSED_BYTES = 1 << 30;

  /** A record that is not intact: torn, overwritten, or from an unknown format. */
  public static final class CorruptRecordException extends Exception {
    private static final long serialVersionUID = 1L;

    public CorruptRecordException(String message) {
      super(message);
    }
  }

  /** The raw bytes of the record a document holds. */
  static byte[] readRaw(DocumentContext dc) {
    Bytes<?> bytes = dc.wire().bytes();
    byte[] raw = new byte[(int) bytes.readRemaining()];
    bytes.read(raw);
    return raw;
  }

  static int headerItems(byte[] raw) {
    return raw.length >= JournalRecord.HEADER_BYTES ? Math.max(0, ByteBuffer.wrap(raw).getInt(3)) : 0;
  }

  static long headerAcceptedAt(byte[] raw) {
    return raw.length >= JournalRecord.HEADER_BYTES ? ByteBuffer.wrap(raw).getLong(7) : 0;
  }
}
