package dev.levee.journal;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * {@code journal.fsync=interval}: forces the cycle files appended to since the last force to the
 * device, at most every {@code journal.fsync.interval}, on a daemon thread of its own and outside
 * the journal's lock. An append then costs a copy into the mapped file and never waits for the
 * device, and other appends and reads go on while a force runs.
 *
 * <p>On Linux, forcing a file's descriptor writes back the pages dirtied through its mapping too
 * (what {@code msync} would), so a power loss costs at most about one interval, as before. The
 * thread starts with the first append: a journal nothing is written to starts no thread.
 *
 * <p>Thread-safe.
 */
final class IntervalForce implements AutoCloseable {
  private static final JournalLog logger = JournalLog.of(Journal.class);

  private final long intervalNanos;
  private final String threadName;
  /** Cycle files written to since the last force. Guarded by this. */
  private final Set<Path> dirty = new LinkedHashSet<>();
  /** The cycle and file the last append wrote to. Guarded by this. */
  private int lastCycle = Integer.MIN_VALUE;
  private Path lastFile;
  /** Guarded by this. */
  private Thread thread;
  private volatile boolean closed;

  IntervalForce(long intervalNanos, String threadName) {
    this.intervalNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1), intervalNanos);
    this.threadName = threadName;
  }

  /**
   * An append wrote to cycle {@code cycle}; its file (asked for only when the cycle changes) is
   * forced within an interval. Cheap.
   */
  synchronized void written(int cycle, Supplier<File> file) {
    if (cycle != lastCycle) {
      lastCycle = cycle;
      lastFile = file.get().toPath();
    }
    written(lastFile);
  }

  /** An append wrote to {@code file}; it is forced within an interval. Cheap. */
  synchronized void written(Path file) {
    if (closed) {
      return;
    }
    dirty.add(file);
    if (thread == null) {
      thread = new Thread(this::run, threadName);
      thread.setDaemon(true);
      thread.start();
    }
  }

  /** Forces every file written to since the last force; a file deleted meanwhile is skipped. */
  void forceNow() {
    List<Path> files;
    synchronized (this) {
      if (dirty.isEmpty()) {
        return;
      }
      files = new ArrayList<>(dirty);
      dirty.clear();
    }
    for (Path file : files) {
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
        channel.force(false);
      } catch (NoSuchFileException deleted) {
        // Retention deleted it: nothing in it is kept, nothing to force.
      } catch (IOException e) {
        logger.warning("Levee journal could not force " + file + " to the device: " + e);
      }
    }
  }

  /** Whether files wait for the next force (for tests). */
  synchronized boolean hasDirtyFiles() {
    return !dirty.isEmpty();
  }

  private void run() {
    while (!closed) {
      LockSupport.parkNanos(this, intervalNanos);
      if (!closed) {
        forceNow();
      }
    }
  }

  /** Stops the thread; the journal's close forces what is left itself. */
  @Override
  public void close() {
    Thread running;
    synchronized (this) {
      closed = true;
      dirty.clear();
      running = thread;
    }
    if (running != null) {
      LockSupport.unpark(running);
    }
  }
}
