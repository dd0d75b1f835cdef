package dev.levee.exporter.internal;

import dev.levee.buffer.Chunk;
import dev.levee.buffer.ChunkJournal;
import dev.levee.buffer.Signal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * What memory cannot take while the journal is still opening: chunks appended to a plain file in
 * the journal's directory, moved into the journal once it is open, and deleted. Chronicle's first
 * opening takes a second or more on a busy machine (class loading); a file opens in a
 * millisecond, so a burst that fills memory in the meantime is kept, not dropped.
 *
 * <pre>
 * file:  magic "LVSP" (4 bytes), format version (1 byte, 1)
 * frame: offset size
 *         0     4    payload length n
 *         4     1    flags: bit 1 priority
 *         5     4    item count
 *         9     8    accepted-at, epoch nanoseconds
 *        17     4    CRC32C of bytes 0..16 and of the payload
 *        21     n    payload: the OTLP Export*ServiceRequest bytes
 * </pre>
 *
 * All integers big-endian; the signal is the directory's. A file left by a run that ended before
 * its journal opened is a backlog: the next start opens the journal and moves it in. A frame cut
 * short by the process's end, or damaged, ends the reading of its file; what follows is counted
 * and reported as damaged bytes.
 *
 * <p>The writing run holds a lock on its file, so that another process sharing the directory
 * leaves it alone. Internal, may change. Thread-safe.
 */
final class SpillFile {
  static final String SUFFIX = ".spill";
  static final String PREFIX = "levee-spill-";
  private static final int MAGIC = 0x4C565350; // "LVSP"
  private static final byte VERSION = 1;
  private static final int FILE_HEADER_BYTES = 5;
  static final int FRAME_HEADER_BYTES = 21;
  private static final int FLAG_PRIORITY = 2;

  private final Path file;
  private final long limitBytes;
  private final boolean force;
  private FileChannel channel;
  private FileLock lock;
  private long bytes = FILE_HEADER_BYTES;
  private long items;
  private boolean sealed;

  private SpillFile(Path file, FileChannel channel, FileLock lock, long limitBytes, boolean force) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
    this.limitBytes = limitBytes;
    this.force = force;
  }

  /**
   * Creates this run's spill file in {@code directory}, holding at most {@code limitBytes};
   * {@code force}: every append is forced to the device ({@code journal.fsync=always}).
   */
  static SpillFile create(Path directory, long limitBytes, boolean force) throws IOException {
    Path file =
        directory.resolve(
            PREFIX + ProcessHandle.current().pid() + "-" + System.currentTimeMillis() + SUFFIX);
    FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ);
    try {
      FileLock lock = channel.tryLock();
      ByteBuffer header = ByteBuffer.allocate(FILE_HEADER_BYTES).putInt(MAGIC).put(VERSION).flip();
      while (header.hasRemaining()) {
        channel.write(header);
      }
      restrict(file);
      return new SpillFile(file, channel, lock, limitBytes, force);
    } catch (IOException | RuntimeException e) {
      channel.close();
      Files.deleteIfExists(file);
      throw e;
    }
  }

  private static void restrict(Path file) {
    try {
      Files.setPosixFilePermissions(
          file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    } catch (IOException | UnsupportedOperationException e) {
      // not a POSIX file system: the directory's own permissions apply
    }
  }

  Path path() {
    return file;
  }

  /**
   * Appends a chunk; false once sealed, past the byte limit, or after a failed write (the caller
   * drops it, counted).
   */
  synchronized boolean append(Chunk chunk) {
    int n = chunk.sizeBytes();
    if (sealed || bytes + FRAME_HEADER_BYTES + n > limitBytes) {
      return false;
    }
    ByteBuffer header = ByteBuffer.allocate(FRAME_HEADER_BYTES);
    header
        .putInt(n)
        .put((byte) (chunk.isPriority() ? FLAG_PRIORITY : 0))
        .putInt(chunk.itemCount())
        .putLong(chunk.acceptedAtEpochNanos());
    CRC32C crc = new CRC32C();
    crc.update(header.array(), 0, FRAME_HEADER_BYTES - 4);
    crc.update(chunk.payload(), 0, n);
    header.putInt((int) crc.getValue()).flip();
    ByteBuffer[] frame = {header, ByteBuffer.wrap(chunk.payload(), 0, n)};
    try {
      while (frame[1].hasRemaining()) {
        channel.write(frame);
      }
      if (force) {
        channel.force(false);
      }
    } catch (IOException | RuntimeException e) {
      sealed = true; // a write that failed halfway leaves a damaged tail: write nothing after it
      return false;
    }
    bytes += FRAME_HEADER_BYTES + n;
    items += chunk.itemCount();
    return true;
  }

  /** Takes no more chunks, and lets the file go. Returns the items it holds. Idempotent. */
  synchronized long seal() {
    sealed = true;
    if (channel != null) {
      try {
        if (lock != null) {
          lock.release();
        }
        channel.close();
      } catch (IOException e) {
        // closing a file only read from now on
      }
      channel = null;
      lock = null;
    }
    return items;
  }

  /** What moving one file into the journal did. */
  record Moved(long items, long refusedItems, long damagedBytes) {
    static final Moved NONE = new Moved(0, 0, 0);

    Moved plus(Moved other) {
      return new Moved(
          items + other.items, refusedItems + other.refusedItems, damagedBytes + other.damagedBytes);
    }
  }

  /**
   * Seals this file, moves what it holds into {@code journal}, and deletes it. Each chunk the
   * journal refuses (full) is counted in {@link Moved#refusedItems}.
   */
  Moved moveInto(ChunkJournal journal, Signal signal) throws IOException {
    seal();
    return moveFile(file, journal, signal);
  }

  /**
   * Moves spill files other runs left in {@code directory} into {@code journal} and deletes them;
   * a file another live process still holds is left alone.
   */
  static Moved moveLeftBehind(Path directory, ChunkJournal journal, Signal signal) throws IOException {
    Moved total = Moved.NONE;
    for (Path left : leftBehind(directory)) {
      try (FileChannel probe = FileChannel.open(left, StandardOpenOption.WRITE)) {
        FileLock held;
        try {
          held = probe.tryLock();
        } catch (OverlappingFileLockException e) {
          held = null; // this JVM's own, still being written
        }
        if (held == null) {
          continue;
        }
        held.release();
      }
      total = total.plus(moveFile(left, journal, signal));
    }
    return total;
  }

  /** The spill files in {@code directory}. */
  static List<Path> leftBehind(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(directory)) {
      List<Path> found = new ArrayList<>();
      files
          .filter(
              each -> {
                String name = each.getFileName().toString();
                return name.startsWith(PREFIX) && name.endsWith(SUFFIX);
              })
          .sorted()
          .forEach(found::add);
      return found;
    }
  }

  private static Moved moveFile(Path file, ChunkJournal journal, Signal signal) throws IOException {
    byte[] all = Files.readAllBytes(file);
    ByteBuffer in = ByteBuffer.wrap(all);
    long moved = 0;
    long refused = 0;
    if (all.length < FILE_HEADER_BYTES || in.getInt() != MAGIC || in.get() != VERSION) {
      Files.delete(file);
      return new Moved(0, 0, all.length);
    }
    while (in.remaining() >= FRAME_HEADER_BYTES) {
      int start = in.position();
      int n = in.getInt();
      byte flags = in.get();
      int count = in.getInt();
      long acceptedAt = in.getLong();
      int stored = in.getInt();
      if (n < 0 || count < 0 || n > in.remaining()) {
        in.position(start);
        break;
      }
      CRC32C crc = new CRC32C();
      crc.update(all, start, FRAME_HEADER_BYTES - 4);
      crc.update(all, in.position(), n);
      if ((int) crc.getValue() != stored) {
        in.position(start);
        break;
      }
      byte[] payload = new byte[n];
      in.get(payload);
      Chunk chunk = Chunk.of(signal, payload, count, (flags & FLAG_PRIORITY) != 0, acceptedAt);
      if (journal.append(chunk)) {
        moved += count;
      } else {
        refused += count;
      }
    }
    Files.delete(file);
    return new Moved(moved, refused, in.remaining());
  }
}
