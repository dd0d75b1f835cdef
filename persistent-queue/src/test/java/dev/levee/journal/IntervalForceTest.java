package dev.levee.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.levee.buffer.Chunk;
import dev.levee.buffer.Signal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code journal.fsync=interval}: appends leave their files to the force thread instead of forcing
 * on the appending thread, under the journal's lock.
 */
class IntervalForceTest {
  @TempDir Path dir;

  private JournalSettings settings(FsyncPolicy fsync) {
    return settings(fsync, dir.resolve("spans"));
  }

  private static JournalSettings settings(FsyncPolicy fsync, Path directory) {
    // An interval of an hour: the thread never forces during a test; the test forces itself.
    return JournalSettings.defaults(directory, Signal.SPANS)
        .withRollCycle(TestRollCycles.TEST_SECONDLY)
        .withFsync(fsync)
        .withFsyncInterval(Duration.ofHours(1));
  }

  private static Chunk chunk(String text) {
    return Chunk.of(
        Signal.SPANS,
        text.getBytes(StandardCharsets.UTF_8),
        1,
        false,
        Journal.toEpochNanos(java.time.Instant.now()));
  }

  @Test
  void anAppendLeavesItsFileForTheNextForceAndAForceTakesIt() throws Exception {
    try (Journal journal = Journal.open(settings(FsyncPolicy.INTERVAL))) {
      assertThat(awaitsForce(journal)).isFalse();
      assertThat(journal.append(chunk("one"))).isTrue();
      assertThat(awaitsForce(journal)).isTrue();

      journal.intervalForce.forceNow();
      assertThat(awaitsForce(journal)).isFalse();

      assertThat(journal.append(chunk("two"))).isTrue();
      assertThat(awaitsForce(journal)).isTrue();
      JournalCursor.Batch batch = journal.cursor("delivery").read(10, Long.MAX_VALUE);
      assertThat(batch.entries())
          .extracting(e -> new String(e.chunk().payload(), StandardCharsets.UTF_8))
          .containsExactly("one", "two");
    }
  }

  @Test
  void otherPoliciesLeaveNothingForTheForceThread() throws Exception {
    for (FsyncPolicy policy : new FsyncPolicy[] {FsyncPolicy.NONE, FsyncPolicy.ALWAYS}) {
      try (Journal journal = Journal.open(settings(policy, dir.resolve(policy.name())))) {
        assertThat(journal.append(chunk("one"))).isTrue();
        assertThat(awaitsForce(journal)).as(policy.name()).isFalse();
      }
    }
  }

  @Test
  void aFileDeletedBeforeItsForceIsSkipped() throws Exception {
    Path kept = Files.writeString(dir.resolve("kept.cq4"), "records");
    Path deleted = dir.resolve("deleted.cq4");
    IntervalForce force = new IntervalForce(TimeUnit.HOURS.toNanos(1), "levee-test-journal-fsync");
    try {
      force.written(kept);
      force.written(deleted);
      assertThat(force.hasDirtyFiles()).isTrue();

      force.forceNow();

      assertThat(force.hasDirtyFiles()).isFalse();
      assertThat(Files.readString(kept)).isEqualTo("records");
    } finally {
      force.close();
    }
  }

  @Test
  void theForceThreadStartsWithTheFirstAppendIsADaemonAndEndsOnClose() throws Exception {
    String name = "levee-test-start-journal-fsync";
    IntervalForce force = new IntervalForce(TimeUnit.HOURS.toNanos(1), name);
    assertThat(thread(name)).isNull();

    force.written(Files.writeString(dir.resolve("a.cq4"), "records"));
    Thread thread = thread(name);
    assertThat(thread).isNotNull();
    assertThat(thread.isDaemon()).isTrue();

    force.close();
    thread.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(thread.isAlive()).isFalse();
    assertThat(force.hasDirtyFiles()).as("the journal's close forces the rest itself").isFalse();
    force.written(dir.resolve("a.cq4"));
    assertThat(force.hasDirtyFiles()).as("nothing is taken after close").isFalse();
  }

  private static boolean awaitsForce(Journal journal) {
    return journal.intervalForce != null && journal.intervalForce.hasDirtyFiles();
  }

  private static Thread thread(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals(name))
        .findFirst()
        .orElse(null);
  }
}
