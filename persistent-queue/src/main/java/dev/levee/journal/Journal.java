package dev.levee.journal;

import dev.levee.buffer.Chunk;
import dev.levee.buffer.ChunkJournal.ReadOrder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.stream.Stream;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * One signal's journal on disk: a Chronicle Queue of {@link JournalRecord}s, read by named {@link
 * JournalCursor}s whose positions are committed durably, bounded by bytes and by age.
 *
 * <p>Retention works a cycle file at a time: a file every cursor has moved past is deleted; over
 * the byte cap or past the maximum age the oldest file is deleted, and the items in it that a
 * cursor had not consumed are counted as dropped ({@code journal_full} or {@code expired}).
 *
 * <p>Thread-safe: appends, cursor operations and retention share one lock. Chronicle's appender
 * and tailers are used only under it. With {@code fsync=interval} the forcing to the device
 * happens on a thread of its own, outside that lock ({@link IntervalForce}).
 */
public final class Journal implements AutoCloseable {
  private static final JournalLog logger = JournalLog.of(Journal.class);

  final Object lock = new Object();
  final JournalSettings settings;
  final SingleChronicleQueue queue;
  private final ExcerptAppender appender;
  private final DateTimeFormatter cycleFormat;
  private final Path cursorDirectory;

  // Guarded by lock.
  final TreeMap<Integer, CycleStats> cycles = new TreeMap<>();
  final Map<String, JournalCursor> cursors = new LinkedHashMap<>();
  private final Set<Integer> quarantined = new HashSet<>();
  private long corruptRecords;
  /** With fsync=interval, who forces what appends wrote; else null. */
  final IntervalForce intervalForce;
  private boolean closed;
  /** Set when a write failed at the OS level (a full disk); no more appends after that. */
  private boolean broken;
  final DiskSpace diskSpace;
  final Retention retention = new Retention(this);

  private Journal(JournalSettings settings, SingleChronicleQueue queue, Path cursorDirectory) {
    this.settings = settings;
    this.queue = queue;
    this.cursorDirectory = cursorDirectory;
    this.appender = queue.createAppender();
    this.diskSpace = new DiskSpace(settings.directory(), settings.usableSpace(), settings.clock());
    // Every use is under the journal's lock, from whichever thread holds it.
    appender.singleThreadedCheckDisabled(true);
    this.cycleFormat =
        DateTimeFormatter.ofPattern(queue.rollCycle().format()).withZone(ZoneOffset.UTC);
    this.intervalForce =
        settings.fsync() == FsyncPolicy.INTERVAL
            ? new IntervalForce(
                settings.fsyncInterval().toNanos(),
                "levee-" + settings.signal().lowerName() + "-journal-fsync")
            : null;
  }

  /**
   * Opens (or creates) the journal in {@code settings.directory()}, scanning what an earlier run
   * left to rebuild its accounting.
   *
   * @throws JournalException if the directory cannot be created, written or opened
   */
  public static Journal open(JournalSettings settings) throws JournalException {
    Path directory = settings.directory();
    Path cursorDirectory = directory.resolve("cursors");
    try {
      JournalFiles.createPrivateDirectory(directory);
      JournalFiles.createPrivateDirectory(cursorDirectory);
      if (!Files.isWritable(directory)) {
        throw new JournalException("Journal directory " + directory + " is not writable");
      }
    } catch (IOException | UncheckedIOException | SecurityException e) {
      throw new JournalException("Cannot create the journal directory " + directory + ": " + e, e);
    }
    JournalFiles.quarantineForeignQueueFiles(directory, settings.rollCycle().format());
    SingleChronicleQueue queue;
    try {
      queue =
          SingleChronicleQueueBuilder.binary(directory)
              .rollCycle(settings.rollCycle())
              .timeProvider(() -> settings.clock().millis())
              .syncMode(settings.fsync() == FsyncPolicy.ALWAYS ? SyncMode.SYNC : SyncMode.NONE)
              .build();
    } catch (RuntimeException | LinkageError e) {
      throw new JournalException("Cannot open the journal in " + directory + ": " + e, e);
    }
    Journal journal = new Journal(settings, queue, cursorDirectory);
    try {
      journal.scan();
      JournalFiles.restrictFiles(journal.settings.directory());
      journal.loadCursors();
    } catch (RuntimeException e) {
      journal.close();
      throw new JournalException("Cannot read the journal in " + directory + ": " + e, e);
    }
    return journal;
  }

  /** Rebuilds the per-cycle accounting from the records on disk. */
  private void scan() {
    try (ExcerptTailer tailer = queue.createTailer()) {
      tailer.singleThreadedCheckDisabled(true);
      tailer.toStart();
      while (true) {
        try (DocumentContext dc = tailer.readingDocument()) {
          if (!dc.isPresent()) {
            break;
          }
          if (dc.isMetaData()) {
            continue;
          }
          byte[] raw = JournalRecord.readRaw(dc);
          CycleStats stats = cycles.computeIfAbsent(tailer.cycle(), c -> new CycleStats());
          stats.add(raw.length, JournalRecord.headerItems(raw), JournalRecord.headerAcceptedAt(raw));
        }
      }
    }
  }

  private void loadCursors() {
    try (Stream<Path> files = Files.list(cursorDirectory)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        String name = file.getFileName().toString();
        if (name.endsWith(JournalCursor.SUFFIX)) {
          cursor(name.substring(0, name.length() - JournalCursor.SUFFIX.length()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Appends a chunk, first making room under the byte cap and the age limit by deleting the oldest
   * cycle files.
   *
   * @return {@code true} if appended; {@code false} if the chunk does not fit even after every
   *     older cycle was deleted (the caller counts it as {@code journal_full}) or the journal is
   *     closed
   */
  public boolean append(Chunk chunk) {
    // Encoded (and compressed) before the lock: appends from several threads overlap there.
    byte[] record = JournalRecord.encode(chunk, settings.compression());
    synchronized (lock) {
      if (closed || broken) {
        return false;
      }
      retention.expireOldCycles();
      int current = queue.cycle();
      while (!fits(record.length) && !cycles.isEmpty() && cycles.firstKey() < current) {
        retention.evict(cycles.firstKey(), true);
      }
      if (!fits(record.length)) {
        return false;
      }
      try (DocumentContext dc = appender.writingDocument()) {
        dc.wire().bytes().write(record);
      } catch (RuntimeException | Error e) {
        // A write into the mapped file failed at the OS level: on a full file system the JVM
        // reports the SIGBUS as an InternalError. Never let it reach the SDK; stop appending.
        broken = true;
        logger.log(
            Level.SEVERE,
            "Levee journal "
                + settings.directory()
                + " failed to write (is the disk full?); it takes no more data until restart."
                + " What is already in it is still delivered.",
            e);
        return false;
      }
      diskSpace.written(record.length);
      int cycle = appender.cycle();
      if (intervalForce != null) {
        intervalForce.written(cycle, appender::currentFile);
      }
      CycleStats stats = cycles.get(cycle);
      if (stats == null) {
        stats = new CycleStats();
        cycles.put(cycle, stats);
        JournalFiles.restrictFiles(settings.directory());
      }
      stats.add(record.length, chunk.itemCount(), chunk.acceptedAtEpochNanos());
      return true;
    }
  }

  /** Bytes kept free on the file system (see {@link DiskSpace}). */
  static final long DISK_HEADROOM_BYTES = DiskSpace.HEADROOM_BYTES;

  /** Whether a record fits under the byte cap and in the file system's free space. */
  private boolean fits(int recordBytes) {
    return totalBytes() + recordBytes <= settings.limitBytes() && diskSpace.hasRoomFor(recordBytes);
  }

  /** Deletes cycle files every cursor has passed, and files past the maximum age. */
  public void applyRetention() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      retention.expireOldCycles();
      retention.deleteConsumedCycles();
    }
  }

  Path cycleFile(int cycle) {
    long millis = (long) cycle * queue.rollCycle().lengthInMillis();
    return settings.directory().resolve(cycleFormat.format(Instant.ofEpochMilli(millis)) + JournalFiles.QUEUE_SUFFIX);
  }

  /** Copies a damaged cycle file aside once, for inspection; the journal keeps serving. */
  void quarantine(int cycle, String why) {
    corruptRecords++;
    if (!quarantined.add(cycle)) {
      return;
    }
    Path file = cycleFile(cycle);
    Path target = settings.directory().resolve("quarantine").resolve(file.getFileName());
    try {
      JournalFiles.createPrivateDirectory(target.getParent());
      Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
      logger.warning(
          "Levee journal file "
              + file
              + " holds a damaged record ("
              + why
              + "); it was skipped and counted, and a copy of the file kept at "
              + target);
    } catch (IOException e) {
      logger.log(Level.WARNING, "Levee journal file " + file + " holds a damaged record (" + why + ")", e);
    }
  }

  /**
   * Returns the cursor with this name, creating it at the start of the journal if new. Its
   * position survives restarts.
   */
  public JournalCursor cursor(String name) {
    return cursor(name, ReadOrder.OLDEST_FIRST);
  }

  /**
   * Returns the cursor with this name reading in {@code order}, creating it at the start of the
   * journal if new. What it is done with survives restarts and changes of order.
   */
  public JournalCursor cursor(String name, ReadOrder order) {
    if (!name.matches("[A-Za-z0-9_.-]+")) {
      throw new IllegalArgumentException("cursor name must be letters, digits, '_', '.' or '-', was '" + name + "'");
    }
    synchronized (lock) {
      JournalCursor existing = cursors.get(name);
      if (existing != null && existing.order() == order) {
        return existing;
      }
      if (existing != null) {
        existing.closeTailer(); // its state is on disk; reopen it reading the other way
      }
      JournalCursor cursor = new JournalCursor(this, name, cursorDirectory.resolve(name + JournalCursor.SUFFIX), order);
      cursors.put(name, cursor);
      return cursor;
    }
  }

  /** Names of the cursors, in the order they were opened. */
  public List<String> cursorNames() {
    synchronized (lock) {
      return new ArrayList<>(cursors.keySet());
    }
  }

  long totalBytes() {
    long bytes = 0;
    for (CycleStats stats : cycles.values()) {
      bytes += stats.bytes;
    }
    return bytes;
  }

  /** Records held in cycles after {@code cycle}, and in {@code cycle} after sequence {@code seq}. */
  long recordsAfter(int cycle, long seq) {
    long records = 0;
    for (Map.Entry<Integer, CycleStats> entry : cycles.tailMap(cycle, true).entrySet()) {
      records += entry.getKey() == cycle ? Math.max(0, entry.getValue().records - seq - 1) : entry.getValue().records;
    }
    return records;
  }

  long totalRecords() {
    long records = 0;
    for (CycleStats stats : cycles.values()) {
      records += stats.records;
    }
    return records;
  }

  public JournalStats stats() {
    synchronized (lock) {
      long records = 0;
      long bytes = 0;
      long items = 0;
      for (CycleStats stats : cycles.values()) {
        records += stats.records;
        bytes += stats.bytes;
        items += stats.items;
      }
      long oldest = cycles.isEmpty() ? 0 : cycles.firstEntry().getValue().oldestAcceptedEpochNanos;
      long newest = cycles.isEmpty() ? 0 : cycles.lastEntry().getValue().newestAcceptedEpochNanos;
      return new JournalStats(
          records,
          bytes,
          items,
          cycles.size(),
          oldest,
          newest,
          retention.droppedJournalFull(),
          retention.droppedExpired(),
          corruptRecords);
    }
  }

  public JournalSettings settings() {
    return settings;
  }

  static long toEpochNanos(Instant instant) {
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }

  /** Releases every appender, tailer and mapping. Idempotent. */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      if (intervalForce != null) {
        intervalForce.close();
      }
      for (JournalCursor cursor : cursors.values()) {
        cursor.closeTailer();
      }
      if (settings.fsync() != FsyncPolicy.NONE) {
        appender.sync();
      }
      appender.close();
      queue.close();
    }
  }

  boolean isClosed() {
    return closed;
  }
}
