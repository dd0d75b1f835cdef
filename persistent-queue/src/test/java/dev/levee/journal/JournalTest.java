package dev.levee.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.levee.buffer.Chunk;
import dev.levee.buffer.ChunkJournal.ReadOrder;
import dev.levee.buffer.Signal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
  @TempDir Path dir;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
  private final List<Journal> opened = new ArrayList<>();

  @AfterEach
  void closeJournals() {
    opened.forEach(Journal::close);
  }

  private JournalSettings settings() {
    return JournalSettings.defaults(dir.resolve("spans"), Signal.SPANS)
        .withRollCycle(TestRollCycles.TEST_SECONDLY)
        .withFsync(FsyncPolicy.NONE)
        .withClock(clock);
  }

  private Journal open(JournalSettings settings) throws JournalException {
    Journal journal = Journal.open(settings);
    opened.add(journal);
    return journal;
  }

  private Chunk chunk(String text, int items) {
    return Chunk.of(
        Signal.SPANS,
        text.getBytes(StandardCharsets.UTF_8),
        items,
        false,
        Journal.toEpochNanos(clock.instant()));
  }

  private static List<String> texts(JournalCursor.Batch batch) {
    return batch.entries().stream()
        .map(e -> new String(e.chunk().payload(), StandardCharsets.UTF_8))
        .toList();
  }

  private List<Path> queueFiles(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(f -> f.toString().endsWith(".cq4")).sorted().toList();
    }
  }

  @Test
  void readsBackInOrderAndCommitsTheLag() throws Exception {
    Journal journal = open(settings());
    assertThat(journal.append(chunk("a", 1))).isTrue();
    assertThat(journal.append(chunk("b", 2))).isTrue();
    assertThat(journal.append(chunk("c", 3))).isTrue();
    JournalCursor cursor = journal.cursor("delivery");
    assertThat(cursor.lagRecords()).isEqualTo(3);

    JournalCursor.Batch batch = cursor.read(10, 1 << 20);

    assertThat(texts(batch)).containsExactly("a", "b", "c");
    assertThat(batch.entries()).extracting(e -> e.chunk().itemCount()).containsExactly(1, 2, 3);
    cursor.commit(batch);
    assertThat(cursor.lagRecords()).isZero();
    assertThat(journal.stats().items()).isEqualTo(6);
    assertThat(journal.stats().records()).isEqualTo(3);
  }

  @Test
  void lagCountsRecordsBytesAndTheOldestPendingRecord() throws Exception {
    Journal journal = open(settings());
    Chunk first = chunk("a".repeat(10), 1);
    journal.append(first);
    clock.advance(Duration.ofSeconds(1));
    Chunk second = chunk("b".repeat(20), 1);
    journal.append(second);
    clock.advance(Duration.ofSeconds(1));
    journal.append(chunk("c".repeat(30), 1));
    JournalCursor cursor = journal.cursor("delivery");
    assertThat(cursor.lag())
        .isEqualTo(
            new JournalCursor.Lag(
                3, 3L * JournalRecord.HEADER_BYTES + 60, first.acceptedAtEpochNanos()));

    cursor.commit(cursor.read(1, 1 << 20));

    assertThat(cursor.lag())
        .isEqualTo(
            new JournalCursor.Lag(
                2, 2L * JournalRecord.HEADER_BYTES + 50, second.acceptedAtEpochNanos()));
    assertThat(cursor.lagRecords()).isEqualTo(2);
  }

  @Test
  void readStopsAtTheByteLimitButAlwaysReturnsOneRecord() throws Exception {
    Journal journal = open(settings());
    journal.append(chunk("x".repeat(100), 1));
    journal.append(chunk("y".repeat(100), 1));
    JournalCursor cursor = journal.cursor("delivery");

    assertThat(texts(cursor.read(10, 10))).hasSize(1);
    assertThat(texts(cursor.read(10, 1 << 20))).containsExactly("y".repeat(100));
  }

  @Test
  void resumesAfterARestartJustAfterTheLastCommit() throws Exception {
    Journal journal = open(settings());
    for (String text : List.of("a", "b", "c", "d")) {
      journal.append(chunk(text, 1));
    }
    JournalCursor cursor = journal.cursor("delivery");
    JournalCursor.Batch first = cursor.read(2, 1 << 20);
    cursor.commit(first);
    cursor.read(10, 1 << 20); // read but never committed: in flight at the "crash"
    journal.close();

    Journal reopened = open(settings());

    assertThat(reopened.cursorNames()).containsExactly("delivery");
    assertThat(reopened.stats().records()).isEqualTo(4);
    assertThat(texts(reopened.cursor("delivery").read(10, 1 << 20))).containsExactly("c", "d");
  }

  @Test
  void rewindReadsTheUncommittedRecordsAgain() throws Exception {
    Journal journal = open(settings());
    journal.append(chunk("a", 1));
    journal.append(chunk("b", 1));
    JournalCursor cursor = journal.cursor("delivery");
    cursor.commit(cursor.read(1, 1 << 20));
    assertThat(texts(cursor.read(10, 1 << 20))).containsExactly("b");

    cursor.rewind();

    assertThat(texts(cursor.read(10, 1 << 20))).containsExactly("b");
  }

  @Test
  void newestFirstReadsTheMostRecentStretchFirstAndLeavesTheRestForLater() throws Exception {
    Journal journal = open(settings());
    for (String text : List.of("a", "b", "c", "d", "e")) {
      journal.append(chunk(text, 1));
    }
    JournalCursor cursor = journal.cursor("delivery", ReadOrder.NEWEST_FIRST);

    JournalCursor.Batch newest = cursor.read(2, 1 << 20);
    assertThat(texts(newest)).containsExactly("d", "e");
    JournalCursor.Batch next = cursor.read(2, 1 << 20); // d, e are in flight: skipped
    assertThat(texts(next)).containsExactly("b", "c");
    cursor.commit(newest);
    assertThat(cursor.lagRecords()).isEqualTo(3);
    journal.append(chunk("f", 1)); // live data arriving meanwhile is newest: it goes first
    assertThat(texts(cursor.read(10, 1 << 20))).containsExactly("f");
    cursor.commit(next);

    assertThat(texts(cursor.read(10, 1 << 20))).containsExactly("a");
    assertThat(cursor.lag().records()).isEqualTo(2); // a and f, read but not committed
  }

  @Test
  void newestFirstProgressSurvivesARestartAndAChangeOfOrder() throws Exception {
    Journal journal = open(settings());
    for (String text : List.of("a", "b", "c", "d")) {
      journal.append(chunk(text, 1));
    }
    JournalCursor cursor = journal.cursor("delivery", ReadOrder.NEWEST_FIRST);
    cursor.commit(cursor.read(2, 1 << 20)); // c, d delivered
    cursor.read(1, 1 << 20); // b in flight at the "crash"
    journal.close();

    Journal reopened = open(settings());
    JournalCursor oldestFirst = reopened.cursor("delivery");
    assertThat(oldestFirst.lagRecords()).isEqualTo(2);
    JournalCursor.Batch rest = oldestFirst.read(10, 1 << 20);
    assertThat(texts(rest)).containsExactly("a", "b");
    oldestFirst.commit(rest);

    assertThat(oldestFirst.lagRecords()).isZero();
    assertThat(oldestFirst.read(10, 1 << 20).isEmpty()).isTrue();
    reopened.append(chunk("e", 1));
    assertThat(texts(oldestFirst.read(10, 1 << 20))).containsExactly("e");
  }

  @Test
  void newestFirstRewindHandsOutWhatWasInFlightAgain() throws Exception {
    Journal journal = open(settings());
    journal.append(chunk("a", 1));
    journal.append(chunk("b", 1));
    JournalCursor cursor = journal.cursor("delivery", ReadOrder.NEWEST_FIRST);
    assertThat(texts(cursor.read(1, 1 << 20))).containsExactly("b");

    cursor.rewind();

    assertThat(texts(cursor.read(1, 1 << 20))).containsExactly("b");
  }

  @Test
  void newestFirstFreesAFileOnlyOnceTheOldestBacklogIsDone() throws Exception {
    Journal journal = open(settings());
    JournalCursor cursor = journal.cursor("delivery", ReadOrder.NEWEST_FIRST);
    journal.append(chunk("first-cycle", 1));
    clock.advance(Duration.ofSeconds(1));
    journal.append(chunk("second-cycle", 1));
    clock.advance(Duration.ofSeconds(1));
    journal.append(chunk("third-cycle", 1));

    cursor.commit(cursor.read(1, 1 << 20));
    cursor.commit(cursor.read(1, 1 << 20));
    assertThat(queueFiles(settings().directory())).hasSize(3);
    JournalCursor.Batch oldest = cursor.read(1, 1 << 20);
    assertThat(texts(oldest)).containsExactly("first-cycle");
    cursor.commit(oldest);

    assertThat(queueFiles(settings().directory())).hasSize(1); // the current cycle stays
    assertThat(cursor.lagRecords()).isZero();
  }

  @Test
  void retentionDoesNotCountWhatNewestFirstAlreadyDeliveredAsDropped() throws Exception {
    int recordBytes = JournalRecord.HEADER_BYTES + 100;
    Journal journal = open(settings().withLimitBytes(3L * recordBytes));
    JournalCursor cursor = journal.cursor("delivery", ReadOrder.NEWEST_FIRST);
    journal.append(chunk("1".repeat(100), 5));
    journal.append(chunk("2".repeat(100), 7));
    cursor.commit(cursor.read(1, 1 << 20)); // the 7 items (newest) were delivered
    clock.advance(Duration.ofSeconds(1));
    journal.append(chunk("3".repeat(100), 11));

    assertThat(journal.append(chunk("4".repeat(100), 13))).isTrue();

    assertThat(journal.stats().droppedJournalFull()).isEqualTo(5);
    assertThat(texts(cursor.read(10, 1 << 20))).containsExactly("3".repeat(100), "4".repeat(100));
  }

  @Test
  void anLz4JournalStoresLessAndReadsBackTheSameBytes() throws Exception {
    String payload = "service.name=checkout http.route=/api/orders/{id} ".repeat(40);
    Journal lz4 = open(settings().withCompression(Compression.LZ4));
    for (int i = 0; i < 10; i++) {
      assertThat(lz4.append(chunk(payload + i, 1))).isTrue();
    }

    assertThat(lz4.stats().bytes()).isLessThan(10L * JournalRecord.HEADER_BYTES + 10L * payload.length() / 4);
    List<String> read = texts(lz4.cursor("delivery").read(100, Long.MAX_VALUE));
    assertThat(read).hasSize(10);
    assertThat(read.get(3)).isEqualTo(payload + 3);
  }

  @Test
  void cursorsAreIndependent() throws Exception {
    Journal journal = open(settings());
    journal.append(chunk("a", 1));
    journal.append(chunk("b", 1));
    JournalCursor primary = journal.cursor("primary");
    JournalCursor secondary = journal.cursor("secondary");

    primary.commit(primary.read(10, 1 << 20));

    assertThat(primary.lagRecords()).isZero();
    assertThat(secondary.lagRecords()).isEqualTo(2);
    assertThat(texts(secondary.read(1, 1 << 20))).containsExactly("a");
  }

  @Test
  void deletesCycleFilesOnceEveryCursorHasPassedThem() throws Exception {
    Journal journal = open(settings());
    JournalCursor cursor = journal.cursor("delivery");
    journal.append(chunk("first-cycle", 1));
    clock.advance(Duration.ofSeconds(1));
    journal.append(chunk("second-cycle", 1));
    assertThat(queueFiles(settings().directory())).hasSize(2);

    cursor.commit(cursor.read(10, 1 << 20));

    assertThat(queueFiles(settings().directory())).hasSize(1);
    assertThat(journal.stats().cycles()).isEqualTo(1);
    assertThat(journal.stats().droppedJournalFull()).isZero();
  }

  @Test
  void overTheByteCapTheOldestCycleGoesAndItsUndeliveredItemsAreCounted() throws Exception {
    int recordBytes = JournalRecord.HEADER_BYTES + 100;
    Journal journal = open(settings().withLimitBytes(3L * recordBytes));
    JournalCursor cursor = journal.cursor("delivery");
    journal.append(chunk("1".repeat(100), 5));
    journal.append(chunk("2".repeat(100), 7));
    cursor.commit(cursor.read(1, 1 << 20)); // the 5 items were delivered
    clock.advance(Duration.ofSeconds(1));
    journal.append(chunk("3".repeat(100), 11));

    assertThat(journal.append(chunk("4".repeat(100), 13))).isTrue();

    JournalStats stats = journal.stats();
    assertThat(stats.droppedJournalFull()).isEqualTo(7);
    assertThat(stats.records()).isEqualTo(2);
    assertThat(stats.items()).isEqualTo(24);
    assertThat(texts(cursor.read(10, 1 << 20))).containsExactly("3".repeat(100), "4".repeat(100));
  }

  @Test
  void refusesAChunkThatDoesNotFitEvenAfterOlderCyclesAreGone() throws Exception {
    Journal journal = open(settings().withLimitBytes(JournalRecord.HEADER_BYTES + 150));
    assertThat(journal.append(chunk("a".repeat(100), 1))).isTrue();
    assertThat(journal.append(chunk("b".repeat(100), 1))).isFalse();
    assertThat(journal.stats().records()).isEqualTo(1);
  }

  @Test
  void aNearlyFullDiskMakesTheOldestFileGoFirst() throws Exception {
    java.util.concurrent.atomic.AtomicLong free = new java.util.concurrent.atomic.AtomicLong(1L << 30);
    Journal journal = open(settings().withUsableSpace(path -> free.get()));
    journal.cursor("delivery");
    journal.append(chunk("old", 3));
    clock.advance(Duration.ofSeconds(1));
    free.set(Journal.DISK_HEADROOM_BYTES + 10); // the disk filled up meanwhile

    assertThat(journal.append(chunk("new", 2))).isFalse();

    JournalStats stats = journal.stats();
    assertThat(stats.droppedJournalFull()).isEqualTo(3);
    assertThat(stats.records()).isZero();
  }

  @Test
  void aDiskWithRoomLeftTakesTheRecordAfterFreeingTheOldestFile() throws Exception {
    java.util.concurrent.atomic.AtomicLong free = new java.util.concurrent.atomic.AtomicLong(1L << 30);
    Journal journal = open(settings().withUsableSpace(path -> free.get()));
    journal.cursor("delivery");
    journal.append(chunk("old", 3));
    clock.advance(Duration.ofSeconds(1));
    free.set(Journal.DISK_HEADROOM_BYTES + 10);
    journal.append(chunk("x", 1)); // refused; the old file went
    free.set(1L << 30); // someone freed space; the journal looks again within a second
    clock.advance(Duration.ofSeconds(1));

    assertThat(journal.append(chunk("new", 2))).isTrue();
    assertThat(texts(journal.cursor("delivery").read(10, 1 << 20))).containsExactly("new");
  }

  @Test
  void expiresCyclesPastTheMaximumAge() throws Exception {
    Journal journal = open(settings().withMaxAge(Duration.ofSeconds(10)));
    journal.cursor("delivery");
    journal.append(chunk("old", 4));
    clock.advance(Duration.ofSeconds(11));
    journal.append(chunk("new", 2));

    journal.applyRetention();

    JournalStats stats = journal.stats();
    assertThat(stats.droppedExpired()).isEqualTo(4);
    assertThat(stats.items()).isEqualTo(2);
    assertThat(texts(journal.cursor("delivery").read(10, 1 << 20))).containsExactly("new");
  }

  @Test
  void aDamagedRecordIsSkippedCountedAndItsFileCopiedAside() throws Exception {
    Journal journal = open(settings());
    journal.append(chunk("intact-one", 1));
    journal.append(chunk("DAMAGED-RECORD", 1));
    journal.append(chunk("intact-two", 1));
    journal.close();
    Path file = queueFiles(settings().directory()).get(0);
    byte[] bytes = Files.readAllBytes(file);
    int at = indexOf(bytes, "DAMAGED-RECORD".getBytes(StandardCharsets.UTF_8));
    bytes[at] = 'X';
    Files.write(file, bytes);

    Journal reopened = open(settings());
    JournalCursor.Batch batch = reopened.cursor("delivery").read(10, 1 << 20);

    assertThat(texts(batch)).containsExactly("intact-one", "intact-two");
    assertThat(reopened.stats().corruptRecords()).isEqualTo(1);
    assertThat(settings().directory().resolve("quarantine").resolve(file.getFileName())).exists();
  }

  @Test
  void aTruncatedFileLosesOnlyWhatWasCutOff() throws Exception {
    Journal journal = open(settings());
    journal.append(chunk("kept", 1));
    journal.append(chunk("cut-" + "x".repeat(5000), 1));
    journal.close();
    Path file = queueFiles(settings().directory()).get(0);
    byte[] bytes = Files.readAllBytes(file);
    int cut = indexOf(bytes, "cut-".getBytes(StandardCharsets.UTF_8)) + 100;
    Files.write(file, java.util.Arrays.copyOf(bytes, cut));

    Journal reopened = open(settings());
    JournalCursor.Batch batch = reopened.cursor("delivery").read(10, 1 << 20);

    assertThat(texts(batch)).first().isEqualTo("kept");
    assertThat(reopened.append(chunk("after", 1))).isTrue();
  }

  @Test
  void aDeletedCycleFileIsSkipped() throws Exception {
    Journal journal = open(settings());
    journal.append(chunk("first-cycle", 1));
    clock.advance(Duration.ofSeconds(1));
    journal.append(chunk("second-cycle", 1));
    journal.close();
    Files.delete(queueFiles(settings().directory()).get(0));

    Journal reopened = open(settings());

    assertThat(texts(reopened.cursor("delivery").read(10, 1 << 20))).containsExactly("second-cycle");
  }

  @Test
  void aForeignFileInTheDirectoryIsIgnored() throws Exception {
    Journal journal = open(settings());
    journal.append(chunk("a", 1));
    journal.close();
    Files.writeString(settings().directory().resolve("notes.txt"), "not a journal file");
    Files.write(settings().directory().resolve("garbage.cq4"), new byte[] {1, 2, 3, 4});

    Journal reopened = open(settings());

    assertThat(texts(reopened.cursor("delivery").read(10, 1 << 20))).containsExactly("a");
    assertThat(settings().directory().resolve("quarantine/garbage.cq4")).exists();
    assertThat(settings().directory().resolve("notes.txt")).exists();
  }

  @Test
  void aDamagedCursorFileRestartsFromTheStart() throws Exception {
    Journal journal = open(settings());
    journal.append(chunk("a", 1));
    JournalCursor cursor = journal.cursor("delivery");
    cursor.commit(cursor.read(10, 1 << 20));
    journal.close();
    Files.write(settings().directory().resolve("cursors/delivery.pos"), new byte[] {1, 2, 3});

    Journal reopened = open(settings());

    assertThat(texts(reopened.cursor("delivery").read(10, 1 << 20))).containsExactly("a");
  }

  @Test
  void keepsItsFilesPrivate() throws Exception {
    Journal journal = open(settings());
    journal.append(chunk("a", 1));
    JournalCursor cursor = journal.cursor("delivery");
    cursor.commit(cursor.read(10, 1 << 20));

    Path directory = settings().directory();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)))
        .isEqualTo("rwx------");
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
            .as(file.toString())
            .isEqualTo("rw-------");
      }
    }
  }

  @Test
  void aDirectoryThatCannotBeCreatedIsAClearError() throws Exception {
    Path notADirectory = Files.writeString(dir.resolve("file"), "x");
    JournalSettings settings =
        JournalSettings.defaults(notADirectory.resolve("spans"), Signal.SPANS);

    assertThatThrownBy(() -> Journal.open(settings))
        .isInstanceOf(JournalException.class)
        .hasMessageStartingWith("Cannot create the journal directory " + notADirectory.resolve("spans"));
  }

  @Test
  void closeIsIdempotentAndLaterAppendsAreRefused() throws Exception {
    Journal journal = open(settings());
    journal.close();
    journal.close();
    assertThat(journal.append(chunk("late", 1))).isFalse();
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }

  /** A clock the test moves by hand. */
  static final class MutableClock implements InstantSource {
    private Instant now;

    MutableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void aMaximumAgeBeyondWhatNanosecondsHoldNeverExpiresAndNeverThrows() throws Exception {
    try (Journal journal =
        Journal.open(
            JournalSettings.defaults(dir.resolve("ages"), Signal.SPANS)
                .withFsync(FsyncPolicy.NONE)
                .withMaxAge(java.time.Duration.ofDays(365L * 1000)))) {
      assertThat(journal.append(Chunk.of(Signal.SPANS, new byte[10], 1, false, 0))).isTrue();
      journal.applyRetention();
      assertThat(journal.stats().droppedExpired()).isZero();
      assertThat(journal.stats().records()).isEqualTo(1);
    }
  }

  @Test
  // Without the fix, opening waits for the missing header for ever: fail instead of hanging.
  @org.junit.jupiter.api.Timeout(60)
  void aCycleFileKilledAsItWasCreatedIsMovedAsideAndTheJournalOpens() throws Exception {
    Path directory = dir.resolve("torn");
    JournalSettings torn =
        JournalSettings.defaults(directory, Signal.SPANS).withFsync(FsyncPolicy.NONE);
    try (Journal journal = Journal.open(torn)) {
      assertThat(journal.append(Chunk.of(Signal.SPANS, new byte[10], 1, false, 1))).isTrue();
    }
    // A file for a later cycle, created by a process killed before it wrote the first header.
    Path file = directory.resolve("20991231-2355V.cq4");
    Files.write(file, new byte[64 * 1024]);

    try (Journal journal = Journal.open(torn)) {
      assertThat(journal.stats().records()).isEqualTo(1);
      assertThat(journal.append(Chunk.of(Signal.SPANS, new byte[10], 1, false, 2))).isTrue();
    }
    assertThat(directory.resolve("quarantine").resolve("20991231-2355V.cq4")).exists();
    assertThat(file).doesNotExist();
  }
}
