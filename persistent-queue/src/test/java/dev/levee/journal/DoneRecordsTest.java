package dev.levee.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.levee.journal.DoneRecords.Range;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The cursor's bookkeeping without Chronicle: a journal of records 0, 1, 2, ... with nothing
 * between them (the record after {@code i} is {@code i + 1}), ten records to a cycle.
 */
class DoneRecordsTest {
  private static final LongUnaryOperator NEXT = index -> index + 1;

  private final DoneRecords done = new DoneRecords();

  @Test
  void startsWithNothingDone() {
    assertThat(done.low()).isEqualTo(DoneRecords.NONE);
    assertThat(done.isDone(0)).isFalse();
    assertThat(done.recordsDoneAboveLow()).isZero();
  }

  @Test
  void inOrderCommitsMoveTheLowMarkAndKeepNoRanges() {
    assertThat(done.commit(new Range(0, 4, 5), NEXT)).isTrue();
    assertThat(done.commit(new Range(5, 9, 5), NEXT)).isTrue();

    assertThat(done.low()).isEqualTo(9);
    assertThat(done.isDone(9)).isTrue();
    assertThat(done.isDone(10)).isFalse();
    assertThat(done.recordsDoneAboveLow()).isZero();
  }

  @Test
  void outOfOrderCommitsWaitAboveTheLowMarkUntilTheGapIsDone() {
    done.commit(new Range(10, 14, 5), NEXT);
    done.commit(new Range(20, 24, 5), NEXT);

    assertThat(done.low()).isEqualTo(DoneRecords.NONE);
    assertThat(done.isDone(12)).isTrue();
    assertThat(done.isDone(15)).isFalse();
    assertThat(done.doneRangeHolding(22)).isEqualTo(new Range(20, 24, 5));
    assertThat(done.recordsDoneAboveLow()).isEqualTo(10);

    // 0..9 done: joins the low mark, and the range right above it with it.
    done.commit(new Range(0, 9, 10), NEXT);
    assertThat(done.low()).isEqualTo(14);
    assertThat(done.recordsDoneAboveLow()).isEqualTo(5);

    // 15..19 closes the last gap: everything through 24 is done.
    done.commit(new Range(15, 19, 5), NEXT);
    assertThat(done.low()).isEqualTo(24);
    assertThat(done.recordsDoneAboveLow()).isZero();
  }

  @Test
  void neighbouringRangesMergeIntoOne() {
    done.commit(new Range(30, 39, 10), NEXT);
    done.commit(new Range(50, 59, 10), NEXT);
    done.commit(new Range(40, 49, 10), NEXT);

    assertThat(done.doneRangeHolding(30)).isEqualTo(new Range(30, 59, 30));
    assertThat(done.doneRangeHolding(59)).isEqualTo(new Range(30, 59, 30));
    assertThat(done.low()).isEqualTo(DoneRecords.NONE);
  }

  @Test
  void gapsInTheJournalsIndicesAreNotUndoneRecords() {
    // Chronicle's indices jump at a cycle roll: after 9 comes 100.
    LongUnaryOperator rolls = index -> index == 9 ? 100 : index + 1;
    done.commit(new Range(0, 9, 10), rolls);
    done.commit(new Range(100, 104, 5), rolls);

    assertThat(done.low()).isEqualTo(104);
  }

  @Test
  void aStretchAlreadyBelowTheLowMarkIsNotTakenAgain() {
    done.commit(new Range(0, 9, 10), NEXT);

    assertThat(done.commit(new Range(3, 5, 3), NEXT)).isFalse();
    assertThat(done.low()).isEqualTo(9);
  }

  @Test
  void forgetsWhatRetentionDeleted() {
    done.commit(new Range(0, 4, 5), NEXT);
    done.commit(new Range(12, 14, 3), NEXT);
    done.commit(new Range(18, 25, 8), NEXT);

    // Cycle 1 (records 10..19) and everything before it deleted.
    assertThat(done.forgetThrough(1, index -> (int) (index / 10))).isTrue();

    assertThat(done.low()).isEqualTo(DoneRecords.NONE);
    assertThat(done.doneRangeHolding(13)).isNull();
    // A range reaching past the deleted cycle keeps its later records.
    assertThat(done.doneRangeHolding(25)).isEqualTo(new Range(18, 25, 8));
    assertThat(done.forgetThrough(1, index -> (int) (index / 10))).isFalse();
  }

  @Test
  void survivesItsFileAndRefusesADamagedOne() {
    done.commit(new Range(0, 4, 5), NEXT);
    done.commit(new Range(10, 14, 5), NEXT);
    byte[] file = done.encode();

    DoneRecords read = DoneRecords.decode(file);

    assertThat(read.low()).isEqualTo(4);
    assertThat(read.doneRangeHolding(12)).isEqualTo(new Range(10, 14, 5));
    assertThat(read.encode()).isEqualTo(file);
    file[9] ^= 1;
    assertThat(DoneRecords.decode(file)).isNull();
    assertThat(DoneRecords.decode(new byte[7])).isNull();
  }

  @Test
  void readsTheEarlierFileThatHeldTheLowMarkOnly() {
    java.nio.ByteBuffer v1 = java.nio.ByteBuffer.allocate(16);
    v1.putLong(0, 41);
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(v1.array(), 0, 8);
    v1.putInt(8, (int) crc.getValue());
    v1.putInt(12, 0x4c56_4355);

    DoneRecords read = DoneRecords.decode(v1.array());

    assertThat(read.low()).isEqualTo(41);
    assertThat(read.recordsDoneAboveLow()).isZero();
  }
}
