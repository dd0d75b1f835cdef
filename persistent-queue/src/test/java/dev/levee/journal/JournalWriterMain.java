package dev.levee.journal;

import dev.levee.buffer.Chunk;
import dev.levee.buffer.Signal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Appends numbered records to a journal for ever, printing each number once the append has
 * returned (the number is also the record's accepted-at field). {@link JournalCrashTest} kills it with SIGKILL and checks what survived.
 */
public final class JournalWriterMain {
  private JournalWriterMain() {}

  /**
   * The writer's journal settings, also for reading what it wrote: a file a second, so that kills
   * land across file rolls too; and no expiry, because the accepted-at field holds the record's
   * number (1970 as a time), so a file left behind by a roll would otherwise expire at once.
   */
  static JournalSettings settings(Path directory) {
    return JournalSettings.defaults(directory, Signal.SPANS)
        .withFsync(FsyncPolicy.NONE)
        .withMaxAge(java.time.Duration.ofDays(365L * 200))
        .withRollCycle(net.openhft.chronicle.queue.rollcycles.TestRollCycles.TEST_SECONDLY);
  }

  public static void main(String[] args) throws Exception {
    Path directory = Path.of(args[0]);
    long first = Long.parseLong(args[1]);
    try (Journal journal =
        Journal.open(settings(directory))) {
      System.out.println("ready");
      System.out.flush();
      for (long n = first; ; n++) {
        byte[] payload = ("record-" + n + "-" + "x".repeat((int) (n % 300))).getBytes(StandardCharsets.UTF_8);
        if (!journal.append(Chunk.of(Signal.SPANS, payload, 1, false, n))) {
          throw new IllegalStateException("append refused at " + n);
        }
        System.out.println(n);
        if (n % 100 == 0) {
          // Paced so that twenty runs stay small on disk; appends themselves are not throttled.
          System.out.flush();
          Thread.sleep(1);
        }
      }
    }
  }
}
