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
 * @param fsync {@code none}, {@code interval} or {@code always}
 * @param compression {@code none} or {@code lz4} (payloads compressed on disk)
 */
public record JournalOptions(
    Path directory, Signal signal, long limitBytes, Duration maxAge, String fsync, String compression) {

  public JournalOptions {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(signal, "signal");
    Objects.requireNonNull(maxAge, "maxAge");
    Objects.requireNonNull(fsync, "fsync");
    Objects.requireNonNull(compression, "compression");
  }
}
