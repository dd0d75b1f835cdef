package dev.levee.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.levee.buffer.Chunk;
import dev.levee.buffer.Signal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal on a real, small file system (a 16 MiB tmpfs). Writing into a memory-mapped file on
 * a full disk kills the write with SIGBUS (the JVM throws InternalError); the journal must refuse
 * before that. Mounting needs root, which the build machines have; elsewhere this test is skipped
 * and says why.
 */
class JournalDiskFullTest {
  @TempDir Path dir;

  private static int run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getInputStream().readAllBytes();
    return process.waitFor(30, TimeUnit.SECONDS) ? process.exitValue() : -1;
  }

  @Test
  void refusesOnAFullFileSystemInsteadOfCrashing() throws Exception {
    Path mount = Files.createDirectories(dir.resolve("small"));
    Assumptions.assumeTrue(
        run("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mount.toString()) == 0,
        "cannot mount a 16 MiB tmpfs here (needs root)");
    try {
      int appended = 0;
      boolean refused = false;
      try (Journal journal =
          Journal.open(
              JournalSettings.defaults(mount.resolve("spans"), Signal.SPANS)
                  .withFsync(FsyncPolicy.NONE))) {
        for (int i = 0; i < 10_000 && !refused; i++) {
          if (journal.append(Chunk.of(Signal.SPANS, new byte[10_000], 1, false, i))) {
            appended++;
          } else {
            refused = true;
          }
        }
        assertThat(refused).isTrue();
        assertThat(appended).isBetween(100, 1600);
        assertThat(journal.stats().records()).isEqualTo(appended);
        JournalCursor.Batch all = journal.cursor("audit").read(10_000, Long.MAX_VALUE);
        assertThat(all.entries()).hasSize(appended);
      }
    } finally {
      // Lazy: Chronicle unmaps closed files on a background thread, so the mount may still be
      // busy for a moment; it is detached now and released when they are.
      run("umount", "-l", mount.toString());
    }
  }
}
