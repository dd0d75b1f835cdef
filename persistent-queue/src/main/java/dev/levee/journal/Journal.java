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
import java.util.logging.Logger;
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
 * and tailers are used only under it.
 */
public final class Journal implements AutoCloseable {
  private static final Logger logger = Logger.getLogger(Journal.class.getName());
  static final Set<PosixFilePermission> DIRECTORY_PERMISSIONS =
      PosixFilePermissions.fromString("rwx------");
  static final Set<PosixFilePermission> FILE_PERMISSIONS = PosixFilePermissions.fromString("rw-------");
  private static final String QUEUE_SUFFIX = ".cq4";

  final Object lock = new Object();
  final JournalSettings settings;
  final SingleChronicleQueue queue;
  private final ExcerptAppender appender;
  private final DateTimeFormatter cycleFormat;
  private final Path cursorDirectory;

  // Guarded by lock.
  private final TreeMap<Integer, CycleStats> cycles = new TreeMap<>();
  private final Map<String, JournalCursor> cursors = new LinkedHashMap<>();
  private final Set<Integer> quarantined = new HashSet<>();
  private long droppedJournalFull;
  private long droppedExpired;
  private long corruptRecords;
  private long lastForceMillis = Long.MIN_VALUE;
  private boolean closed;
  /** Set when a write failed at the OS level (a full disk); no more appends after that. */
  private boolean broken;
  private long usableSpace = Long.MAX_VALUE;
  private long usableSpaceCheckedMillis = Long.MIN_VALUE;
  private long bytesSinceSpaceCheck;

  private Journal(JournalSettings settings, SingleChronicleQueue queue, Path cursorDirectory) {
    this.settings = settings;
    this.queue = queue;
    this.cursorDirectory = cursorDirectory;
    this.appender = queue.createAppender();
    // Every use is under the journal's lock, from whichever thread holds it.
    appender.singleThreadedCheckDisabled(true);
    this.cycleFormat =
        DateTimeFormatter.ofPattern(queue.rollCycle().format()).withZone(ZoneOffset.UTC);
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
      createPrivateDirectory(directory);
      createPrivateDirectory(cursorDirectory);
      if (!Files.isWritable(directory)) {
        throw new JournalException("Journal directory " + directory + " is not writable");
      }
    } catch (IOException | UncheckedIOException | SecurityException e) {
      throw new JournalException("Cannot create the journal directory " + directory + ": " + e, e);
    }
    quarantineForeignQueueFiles(directory, settings.rollCycle().format());
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
      journal.restrictFiles();
      journal.loadCursors();
    } catch (RuntimeException e) {
      journal.close();
      throw new JournalException("Cannot read the journal in " + directory + ": " + e, e);
    }
    return journal;
  }

  /**
   * Moves aside {@code .cq4} files whose names are not cycle names: Chronicle refuses to open a
   * queue directory holding one, which would cost the journal for good.
   */
  private static void quarantineForeignQueueFiles(Path directory, String cycleFormat) {
    DateTimeFormatter format = DateTimeFormatter.ofPattern(cycleFormat).withZone(ZoneOffset.UTC);
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        String name = file.getFileName().toString();
        if (!name.endsWith(QUEUE_SUFFIX)) {
          continue;
        }
        try {
          format.parse(name.substring(0, name.length() - QUEUE_SUFFIX.length()));
        } catch (java.time.format.DateTimeParseException e) {
          Path target = directory.resolve("quarantine").resolve(name);
          createPrivateDirectory(target.getParent());
          Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
          logger.warning(
              "Levee moved " + file + " out of its journal to " + target + ": not a journal file.");
        }
      }
    } catch (IOException e) {
      logger.log(Level.WARNING, "Levee could not check its journal directory " + directory, e);
    }
  }

  static void createPrivateDirectory(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      Files.createDirectories(directory);
    }
    try {
      Files.setPosixFilePermissions(directory, DIRECTORY_PERMISSIONS);
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: the platform's defaults apply.
    }
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
          byte[] raw = readRaw(dc);
          CycleStats stats = cycles.computeIfAbsent(tailer.cycle(), c -> new CycleStats());
          stats.add(raw.length, headerItems(raw), headerAcceptedAt(raw));
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

  /** Makes every file of the journal readable by its owner only. */
  private void restrictFiles() {
    try (Stream<Path> files = Files.walk(settings.directory())) {
      for (Path file : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(file)) {
          Files.setPosixFilePermissions(file, FILE_PERMISSIONS);
        }
      }
    } catch (IOException | UnsupportedOperationException e) {
      logger.log(Level.FINE, "Could not restrict journal file permissions", e);
    }
  }

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
      expireOldCycles();
      int current = queue.cycle();
      while (!fits(record.length) && !cycles.isEmpty() && cycles.firstKey() < current) {
        evict(cycles.firstKey(), true);
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
      bytesSinceSpaceCheck += record.length;
      int cycle = appender.cycle();
      CycleStats stats = cycles.get(cycle);
      if (stats == null) {
        stats = new CycleStats();
        cycles.put(cycle, stats);
        restrictFiles();
      }
      stats.add(record.length, chunk.itemCount(), chunk.acceptedAtEpochNanos());
      forceIfDue();
      return true;
    }
  }

  /** Bytes kept free on the file system: room for Chronicle's index and the next file's header. */
  static final long DISK_HEADROOM_BYTES = 8L << 20;
  private static final long SPACE_CHECK_INTERVAL_MILLIS = 1000;
  private static final long SPACE_CHECK_BYTES = 1L << 20;

  /**
   * Whether a record fits under the byte cap and in the file system's free space, less a
   * headroom. Writing into a memory-mapped file on a full disk crashes the write (SIGBUS), so the
   * journal treats a nearly full disk like its own cap: the oldest data goes first.
   */
  private boolean fits(int recordBytes) {
    if (totalBytes() + recordBytes > settings.limitBytes()) {
      return false;
    }
    long now = settings.clock().millis();
    if (bytesSinceSpaceCheck >= SPACE_CHECK_BYTES
        || usableSpaceCheckedMillis == Long.MIN_VALUE
        || now - usableSpaceCheckedMillis >= SPACE_CHECK_INTERVAL_MILLIS) {
      usableSpace = settings.usableSpace().applyAsLong(settings.directory());
      usableSpaceCheckedMillis = now;
      bytesSinceSpaceCheck = 0;
    }
    return usableSpace - bytesSinceSpaceCheck - recordBytes >= DISK_HEADROOM_BYTES;
  }

  private void forceIfDue() {
    if (settings.fsync() != FsyncPolicy.INTERVAL) {
      return;
    }
    long now = settings.clock().millis();
    if (lastForceMillis == Long.MIN_VALUE) {
      lastForceMillis = now;
    } else if (now - lastForceMillis >= settings.fsyncInterval().toMillis()) {
      appender.sync();
      lastForceMillis = now;
    }
  }

  /** Deletes cycle files every cursor has passed, and files past the maximum age. */
  public void applyRetention() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      expireOldCycles();
      deleteConsumedCycles();
    }
  }

  private void expireOldCycles() {
    long cutoff =
        toEpochNanos(settings.clock().instant()) - settings.maxAge().toNanos();
    while (!cycles.isEmpty()
        && cycles.firstKey() < queue.cycle()
        && cycles.firstEntry().getValue().newestAcceptedEpochNanos < cutoff) {
      evict(cycles.firstKey(), false);
    }
  }

  void deleteConsumedCycles() {
    for (int cycle : takeConsumedCycles()) {
      deleteCycleFile(cycle);
    }
  }

  /**
   * Under the lock: takes the cycles every cursor has moved past out of the accounting, and
   * returns them for {@link #deleteCycleFiles}, which deletes their files outside the lock.
   */
  List<Integer> takeConsumedCycles() {
    if (cursors.isEmpty()) {
      return List.of();
    }
    int slowest = Integer.MAX_VALUE;
    for (JournalCursor cursor : cursors.values()) {
      slowest = Math.min(slowest, cursor.committedCycle());
    }
    int current = queue.cycle();
    List<Integer> consumed = new ArrayList<>();
    while (!cycles.isEmpty() && cycles.firstKey() < slowest && cycles.firstKey() < current) {
      consumed.add(cycles.pollFirstEntry().getKey());
    }
    return consumed;
  }

  /**
   * Without the lock: deletes the files of consumed cycles (an unlink of a large file takes a
   * while), then, briefly under the lock, has Chronicle list the directory again.
   */
  void deleteCycleFiles(List<Integer> consumed) {
    if (consumed.isEmpty()) {
      return;
    }
    for (int cycle : consumed) {
      deleteFile(cycleFile(cycle));
    }
    synchronized (lock) {
      if (!closed) {
        queue.refreshDirectoryListing();
      }
    }
  }

  /** Deletes the oldest cycle, counting the items some cursor had not consumed as dropped. */
  private void evict(int cycle, boolean full) {
    long unconsumed = unconsumedItems(cycle);
    if (full) {
      droppedJournalFull += unconsumed;
    } else {
      droppedExpired += unconsumed;
    }
    cycles.remove(cycle);
    deleteCycleFile(cycle);
    usableSpaceCheckedMillis = Long.MIN_VALUE; // space was freed: look again
    for (JournalCursor cursor : cursors.values()) {
      cursor.onCycleDeleted(cycle);
    }
    logger.warning(
        "Levee journal "
            + settings.directory()
            + (full
                ? " reached its limit of "
                    + settings.limitBytes()
                    + " bytes, or its disk has less than "
                    + DISK_HEADROOM_BYTES / (1 << 20)
                    + " MiB free,"
                : " held data older than " + settings.maxAge())
            + "; deleted its oldest file and dropped "
            + unconsumed
            + " undelivered "
            + settings.signal().itemNoun()
            + (full ? " (journal_full)." : " (expired)."));
  }

  /** Items in {@code cycle} some cursor is not done with (all of them when there is no cursor). */
  private long unconsumedItems(int cycle) {
    long fromIndex = queue.rollCycle().toIndex(cycle, 0);
    long items = 0;
    try (ExcerptTailer tailer = queue.createTailer()) {
      tailer.singleThreadedCheckDisabled(true);
      if (!tailer.moveToIndex(fromIndex)) {
        return 0;
      }
      while (true) {
        try (DocumentContext dc = tailer.readingDocument()) {
          if (!dc.isPresent() || tailer.cycle() != cycle) {
            dc.rollbackOnClose();
            break;
          }
          if (!dc.isMetaData() && !doneByEveryCursor(dc.index())) {
            items += headerItems(readRaw(dc));
          }
        }
      }
    }
    return items;
  }

  private boolean doneByEveryCursor(long index) {
    if (cursors.isEmpty()) {
      return false;
    }
    for (JournalCursor cursor : cursors.values()) {
      if (!cursor.isDone(index)) {
        return false;
      }
    }
    return true;
  }

  private void deleteCycleFile(int cycle) {
    deleteFile(cycleFile(cycle));
    queue.refreshDirectoryListing();
  }

  private static void deleteFile(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      logger.log(Level.WARNING, "Levee could not delete journal file " + file, e);
    }
  }

  Path cycleFile(int cycle) {
    long millis = (long) cycle * queue.rollCycle().lengthInMillis();
    return settings.directory().resolve(cycleFormat.format(Instant.ofEpochMilli(millis)) + QUEUE_SUFFIX);
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
      createPrivateDirectory(target.getParent());
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
          droppedJournalFull,
          droppedExpired,
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

  /** Counts for one cycle file. */
  static final class CycleStats {
    long records;
    long bytes;
    long items;
    long oldestAcceptedEpochNanos = Long.MAX_VALUE;
    long newestAcceptedEpochNanos = Long.MIN_VALUE;

    void add(long recordBytes, long recordItems, long acceptedAt) {
      records++;
      bytes += recordBytes;
      items += recordItems;
      oldestAcceptedEpochNanos = Math.min(oldestAcceptedEpochNanos, acceptedAt);
      newestAcceptedEpochNanos = Math.max(newestAcceptedEpochNanos, acceptedAt);
    }
  }
}
