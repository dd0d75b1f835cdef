package dev.levee.buffer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to open one signal's {@link ChunkJournal}.
 *
 * @param directory the signal's own directory
 * @param signal the signal whose chunks the journal holds
 * @param limitBytes the cap on bytes held
 * @param maxAge the maximum age of data held
 * @param fsync when writes are forced to the device
 * @param compression how payloads are stored on disk
 */
public record JournalOptions(
    Path directory, Signal signal, long limitBytes, Duration maxAge, Fsync fsync, Compression compression) {

  /** When the journal forces writes to the device. */
  public enum Fsync {
    /** The OS decides; a power loss can lose what it had not written. */
    NONE,
    /** At most a second after the write. */
    INTERVAL,
    /** Every write, before it returns. */
    ALWAYS;

    /** The configuration name, e.g. {@code interval}. */
    public String configName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** How payloads are stored on disk. */
  public enum Compression {
    NONE,
    /** LZ4 block compression. */
    LZ4;

    /** The configuration name, e.g. {@code lz4}. */
    public String configName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public JournalOptions {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(signal, "signal");
    Objects.requireNonNull(maxAge, "maxAge");
    Objects.requireNonNull(fsync, "fsync");
    Objects.requireNonNull(compression, "compression");
  }
}
