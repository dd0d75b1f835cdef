package dev.levee.journal;

import dev.levee.buffer.Signal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.function.ToLongFunction;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;

/**
 * How to open a {@link Journal}.
 *
 * @param directory the signal's own directory; created (0700) if missing
 * @param signal the signal whose chunks the journal holds
 * @param limitBytes the cap on record bytes held; over it the oldest cycle file goes first
 * @param maxAge records older than this (by accepted-at) are expired, a cycle file at a time
 * @param fsync when appends and cursor commits are forced to the device
 * @param fsyncInterval with {@link FsyncPolicy#INTERVAL}, the longest time between forces
 * @param rollCycle the granularity of files, and so of retention; five minutes by default
 * @param clock the time source for file cycles and expiry
 * @param usableSpace the free bytes on the directory's file system (injected for tests)
 * @param compression how record payloads are stored
 */
public record JournalSettings(
    Path directory,
    Signal signal,
    long limitBytes,
    Duration maxAge,
    FsyncPolicy fsync,
    Duration fsyncInterval,
    RollCycle rollCycle,
    InstantSource clock,
    ToLongFunction<Path> usableSpace,
    Compression compression) {

  /** The default cap per signal: 1 GiB. */
  public static final long DEFAULT_LIMIT_BYTES = 1L << 30;
  /** The default maximum age: 7 days. */
  public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(7);
  /** The default fsync policy: at most a second of loss on power failure. */
  public static final FsyncPolicy DEFAULT_FSYNC = FsyncPolicy.INTERVAL;
  /** The default interval between forces with {@link FsyncPolicy#INTERVAL}. */
  public static final Duration DEFAULT_FSYNC_INTERVAL = Duration.ofSeconds(1);

  public JournalSettings {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(signal, "signal");
    Objects.requireNonNull(maxAge, "maxAge");
    Objects.requireNonNull(fsync, "fsync");
    Objects.requireNonNull(fsyncInterval, "fsyncInterval");
    Objects.requireNonNull(rollCycle, "rollCycle");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(usableSpace, "usableSpace");
    Objects.requireNonNull(compression, "compression");
    if (limitBytes <= 0) {
      throw new IllegalArgumentException("limitBytes must be positive, was " + limitBytes);
    }
    if (maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException("maxAge must be positive, was " + maxAge);
    }
  }

  /** Settings with every default, for the given directory and signal. */
  public static JournalSettings defaults(Path directory, Signal signal) {
    return new JournalSettings(
        directory,
        signal,
        DEFAULT_LIMIT_BYTES,
        DEFAULT_MAX_AGE,
        DEFAULT_FSYNC,
        DEFAULT_FSYNC_INTERVAL,
        RollCycles.FIVE_MINUTELY,
        InstantSource.system(),
        JournalSettings::fileStoreUsableSpace,
        Compression.NONE);
  }

  /** Free bytes on the file system of {@code path}, or {@code Long.MAX_VALUE} if unknown. */
  static long fileStoreUsableSpace(Path path) {
    try {
      return java.nio.file.Files.getFileStore(path).getUsableSpace();
    } catch (java.io.IOException | RuntimeException e) {
      return Long.MAX_VALUE;
    }
  }

  public JournalSettings withLimitBytes(long bytes) {
    return new JournalSettings(directory, signal, bytes, maxAge, fsync, fsyncInterval, rollCycle, clock, usableSpace, compression);
  }

  public JournalSettings withMaxAge(Duration age) {
    return new JournalSettings(directory, signal, limitBytes, age, fsync, fsyncInterval, rollCycle, clock, usableSpace, compression);
  }

  public JournalSettings withFsync(FsyncPolicy policy) {
    return new JournalSettings(directory, signal, limitBytes, maxAge, policy, fsyncInterval, rollCycle, clock, usableSpace, compression);
  }

  public JournalSettings withFsyncInterval(Duration interval) {
    return new JournalSettings(directory, signal, limitBytes, maxAge, fsync, interval, rollCycle, clock, usableSpace, compression);
  }

  public JournalSettings withRollCycle(RollCycle cycle) {
    return new JournalSettings(directory, signal, limitBytes, maxAge, fsync, fsyncInterval, cycle, clock, usableSpace, compression);
  }

  public JournalSettings withUsableSpace(ToLongFunction<Path> space) {
    return new JournalSettings(
        directory, signal, limitBytes, maxAge, fsync, fsyncInterval, rollCycle, clock, space, compression);
  }

  public JournalSettings withClock(InstantSource source) {
    return new JournalSettings(directory, signal, limitBytes, maxAge, fsync, fsyncInterval, rollCycle, source, usableSpace, compression);
  }

  public JournalSettings withCompression(Compression kind) {
    return new JournalSettings(
        directory, signal, limitBytes, maxAge, fsync, fsyncInterval, rollCycle, clock, usableSpace, kind);
  }
}
