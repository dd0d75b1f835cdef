package dev.levee.journal;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.function.ToLongFunction;

/**
 * The free space on the journal's file system, asked for at most every second or every MiB
 * written. Writing into a memory-mapped file on a full disk crashes the write (SIGBUS), so the
 * journal keeps a headroom free and treats a nearly full disk like its own cap.
 *
 * <p>Used under the journal's lock.
 */
final class DiskSpace {
  /** Bytes kept free on the file system: room for Chronicle's index and the next file's header. */
  static final long HEADROOM_BYTES = 8L << 20;
  private static final long CHECK_INTERVAL_MILLIS = 1000;
  private static final long CHECK_BYTES = 1L << 20;

  private final Path directory;
  private final ToLongFunction<Path> usableSpace;
  private final InstantSource clock;
  private long usable = Long.MAX_VALUE;
  private long checkedMillis = Long.MIN_VALUE;
  private long bytesSinceCheck;

  DiskSpace(Path directory, ToLongFunction<Path> usableSpace, InstantSource clock) {
    this.directory = directory;
    this.usableSpace = usableSpace;
    this.clock = clock;
  }

  /** Whether {@code recordBytes} more leave the headroom free. */
  boolean hasRoomFor(int recordBytes) {
    long now = clock.millis();
    if (bytesSinceCheck >= CHECK_BYTES
        || checkedMillis == Long.MIN_VALUE
        || now - checkedMillis >= CHECK_INTERVAL_MILLIS) {
      usable = usableSpace.applyAsLong(directory);
      checkedMillis = now;
      bytesSinceCheck = 0;
    }
    return usable - bytesSinceCheck - recordBytes >= HEADROOM_BYTES;
  }

  void written(int bytes) {
    bytesSinceCheck += bytes;
  }

  /** Space was freed: ask again at the next append. */
  void freed() {
    checkedMillis = Long.MIN_VALUE;
  }
}
