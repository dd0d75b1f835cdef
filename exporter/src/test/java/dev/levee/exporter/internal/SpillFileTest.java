package dev.levee.exporter.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.levee.buffer.Chunk;
import dev.levee.buffer.Signal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpillFileTest {
  @TempDir Path directory;

  private static Chunk chunk(String text, int items, boolean priority) {
    return Chunk.of(
        Signal.SPANS, text.getBytes(StandardCharsets.UTF_8), items, priority, 1_000L + items);
  }

  private static String text(Chunk chunk) {
    return new String(chunk.payload(), 0, chunk.sizeBytes(), StandardCharsets.UTF_8);
  }

  @Test
  void movesEveryChunkIntoTheJournalInOrderAndDeletesTheFile() throws IOException {
    SpillFile spill = SpillFile.create(directory, 1 << 20, false);
    assertThat(spill.append(chunk("first", 3, false))).isTrue();
    assertThat(spill.append(chunk("second", 5, true))).isTrue();
    ListJournal journal = new ListJournal();

    SpillFile.Moved moved = spill.moveInto(journal, Signal.SPANS);

    assertThat(moved).isEqualTo(new SpillFile.Moved(8, 0, 0));
    assertThat(journal.records).extracting(SpillFileTest::text).containsExactly("first", "second");
    assertThat(journal.records).extracting(Chunk::itemCount).containsExactly(3, 5);
    assertThat(journal.records).extracting(Chunk::isPriority).containsExactly(false, true);
    assertThat(journal.records).extracting(Chunk::acceptedAtEpochNanos).containsExactly(1_003L, 1_005L);
    assertThat(Files.exists(spill.path())).isFalse();
  }

  @Test
  void takesNothingPastItsLimitOrOnceSealed() throws IOException {
    SpillFile spill = SpillFile.create(directory, 5 + SpillFile.FRAME_HEADER_BYTES + 4, false);
    assertThat(spill.append(chunk("four", 1, false))).isTrue();
    assertThat(spill.append(chunk("x", 1, false))).isFalse(); // past the limit

    assertThat(spill.seal()).isEqualTo(1);
    assertThat(spill.append(chunk("", 1, false))).isFalse();
  }

  @Test
  void whatTheJournalRefusesIsCounted() throws IOException {
    SpillFile spill = SpillFile.create(directory, 1 << 20, false);
    spill.append(chunk("kept", 2, false));
    spill.append(chunk("refused", 7, false));
    ListJournal journal = new ListJournal();
    journal.limit = 1;

    assertThat(spill.moveInto(journal, Signal.SPANS)).isEqualTo(new SpillFile.Moved(2, 7, 0));
  }

  @Test
  void aFileAnEarlierRunLeftIsFoundAndMovedAndItsCutShortTailSkipped() throws IOException {
    SpillFile earlier = SpillFile.create(directory, 1 << 20, false);
    earlier.append(chunk("whole", 4, false));
    earlier.append(chunk("cut short", 6, false));
    earlier.seal();
    byte[] written = Files.readAllBytes(earlier.path());
    Files.write(earlier.path(), Arrays.copyOf(written, written.length - 3)); // a kill mid-write

    assertThat(SpillFile.leftBehind(directory)).containsExactly(earlier.path());
    ListJournal journal = new ListJournal();
    SpillFile.Moved moved = SpillFile.moveLeftBehind(directory, journal, Signal.SPANS);

    assertThat(journal.records).extracting(SpillFileTest::text).containsExactly("whole");
    assertThat(moved.items()).isEqualTo(4);
    assertThat(moved.damagedBytes()).isEqualTo(SpillFile.FRAME_HEADER_BYTES + "cut short".length() - 3);
    assertThat(SpillFile.leftBehind(directory)).isEmpty();
  }

  @Test
  void aDamagedFrameEndsTheReadingAndIsReported() throws IOException {
    SpillFile earlier = SpillFile.create(directory, 1 << 20, false);
    earlier.append(chunk("good", 1, false));
    earlier.append(chunk("flipped", 2, false));
    earlier.append(chunk("after", 3, false));
    earlier.seal();
    byte[] bytes = Files.readAllBytes(earlier.path());
    int flipped = 5 + SpillFile.FRAME_HEADER_BYTES + 4 + SpillFile.FRAME_HEADER_BYTES;
    bytes[flipped] ^= 0x40; // the first payload byte of the second frame
    Files.write(earlier.path(), bytes);
    ListJournal journal = new ListJournal();

    SpillFile.Moved moved = SpillFile.moveLeftBehind(directory, journal, Signal.SPANS);

    assertThat(journal.records).extracting(SpillFileTest::text).containsExactly("good");
    assertThat(moved.damagedBytes())
        .isEqualTo(2L * SpillFile.FRAME_HEADER_BYTES + "flipped".length() + "after".length());
  }

  @Test
  void theFileThisRunStillWritesIsLeftAlone() throws IOException {
    SpillFile live = SpillFile.create(directory, 1 << 20, false);
    live.append(chunk("live", 1, false));
    ListJournal journal = new ListJournal();

    assertThat(SpillFile.moveLeftBehind(directory, journal, Signal.SPANS)).isEqualTo(SpillFile.Moved.NONE);
    assertThat(journal.records).isEmpty();
    assertThat(live.moveInto(journal, Signal.SPANS).items()).isEqualTo(1);
  }

  @Test
  void aFileThatIsNotASpillFileOfThisFormatIsCountedAsDamaged() throws IOException {
    Path foreign = directory.resolve(SpillFile.PREFIX + "1-2" + SpillFile.SUFFIX);
    Files.writeString(foreign, "not a spill file");

    SpillFile.Moved moved = SpillFile.moveLeftBehind(directory, new ListJournal(), Signal.SPANS);

    assertThat(moved).isEqualTo(new SpillFile.Moved(0, 0, "not a spill file".length()));
    assertThat(Files.exists(foreign)).isFalse();
  }
}
