package dev.levee.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.logging.Level;

/**
 * A cursor's file, {@code cursors/<name>.pos}: what the cursor is done with ({@link DoneRecords}'
 * bytes), written to a temporary file and renamed, forced to the device with {@code fsync=always}.
 * A newer snapshot is never overwritten by an older one: commits on two threads may finish their
 * writes out of order.
 *
 * <p>Thread-safe. Its lock is taken without the journal's lock, or inside it (never the reverse).
 */
final class CursorFile {
  private static final JournalLog logger = JournalLog.of(JournalCursor.class);

  /** What is done with, encoded, and its place in the order of snapshots. */
  record Snapshot(byte[] encoded, long version) {}

  private final Path file;
  private final String name;
  private final FsyncPolicy fsync;
  private final Object fileLock = new Object();
  /** Under {@link #fileLock}. */
  private long writtenVersion;

  CursorFile(Path file, String name, FsyncPolicy fsync) {
    this.file = file;
    this.name = name;
    this.fsync = fsync;
  }

  /** What the file says is done with; nothing when it is missing or damaged (logged). */
  DoneRecords load() {
    if (!Files.exists(file)) {
      return new DoneRecords();
    }
    try {
      DoneRecords read = DoneRecords.decode(Files.readAllBytes(file));
      if (read != null) {
        return read;
      }
      logger.warning(
          "Levee journal cursor file "
              + file
              + " is damaged; reading from the start of the journal (records may be sent twice).");
    } catch (IOException e) {
      logger.log(Level.WARNING, "Levee cannot read journal cursor file " + file + "; reading from the start", e);
    }
    return new DoneRecords();
  }

  /**
   * Writes a snapshot to the cursor file (temporary file, then an atomic rename), unless a newer
   * one was written already: commits on two threads may finish their writes out of order.
   */
  void write(Snapshot snapshot) {
    synchronized (fileLock) {
      if (snapshot.version() <= writtenVersion) {
        return;
      }
      writtenVersion = snapshot.version();
      ByteBuffer buffer = ByteBuffer.wrap(snapshot.encoded());
      Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
      try (FileChannel channel =
          FileChannel.open(
              temporary,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        if (fsync == FsyncPolicy.ALWAYS) {
          channel.force(false);
        }
        restrict(temporary);
        Files.move(
            temporary,
            file,
            java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        logger.log(
            Level.WARNING,
            "Levee cannot save journal cursor "
                + name
                + " to "
                + file
                + "; after a restart some records may be sent twice",
            e);
      }
    }
  }

  private static void restrict(Path path) {
    try {
      Files.setPosixFilePermissions(path, JournalFiles.FILE_PERMISSIONS);
    } catch (IOException | UnsupportedOperationException e) {
      // best effort, as for the queue files
    }
  }
}
