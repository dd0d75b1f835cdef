package dev.levee.exporter.internal;

import dev.levee.buffer.ChunkJournal;
import dev.levee.buffer.JournalOptions;
import dev.levee.buffer.Signal;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Whether and how an exporter keeps a journal. Internal, may change.
 *
 * @param mode how the journal is used
 * @param directory where each signal's journal directory is created; null: no journal
 * @param limitBytes the journal's byte cap
 * @param maxAge the journal's maximum data age
 * @param fsync when writes are forced to the device
 * @param drainOrder the order the backlog is delivered in
 * @param compression how payloads are stored on disk
 * @param openAtStart whether the journal opens as the exporter starts ({@code journal.open=at_start})
 *     rather than when it is first needed
 */
public record JournalSetup(
    JournalMode mode,
    Path directory,
    long limitBytes,
    Duration maxAge,
    JournalOptions.Fsync fsync,
    ChunkJournal.ReadOrder drainOrder,
    JournalOptions.Compression compression,
    boolean openAtStart) {

  /** Memory under this fills before an open could complete: the journal opens at start. */
  static final long SMALL_MEMORY_BYTES = 16L * 1024 * 1024;

  /**
   * Whether the journal opens as the exporter starts rather than when first needed: asked to, or
   * {@code write_ahead} (every chunk goes there), or {@code memoryLimitBytes} under {@link
   * #SMALL_MEMORY_BYTES}. (A backlog on disk opens it at start too; see {@code JournalOpening}.)
   */
  boolean opensAtStart(long memoryLimitBytes) {
    return openAtStart || mode == JournalMode.WRITE_AHEAD || memoryLimitBytes < SMALL_MEMORY_BYTES;
  }

  /** Whether there is a journal to open. */
  public boolean enabled() {
    return mode != JournalMode.OFF && directory != null;
  }

  /** The same with another directory and cap (one endpoint's share with fanout). */
  public JournalSetup share(Path directory, long limitBytes) {
    return new JournalSetup(mode, directory, limitBytes, maxAge, fsync, drainOrder, compression, openAtStart);
  }

  /** The options of {@code signal}'s journal, in its own subdirectory. */
  public JournalOptions options(Signal signal) {
    return new JournalOptions(
        directory.resolve(signal.configName()), signal, limitBytes, maxAge, fsync, compression);
  }

  @Override
  public String toString() {
    return mode == JournalMode.OFF || directory == null
        ? "off"
        : mode.configName()
            + " at "
            + directory
            + " (limit "
            + limitBytes
            + " bytes, max age "
            + maxAge
            + ", fsync "
            + fsync.configName()
            + ", "
            + drainOrder.name().toLowerCase(java.util.Locale.ROOT)
            + ", compression "
            + compression.configName()
            + ")";
  }
}
