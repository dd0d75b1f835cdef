package dev.levee.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The temporary directories the side-by-side runs give each system's journal or files, deleted
 * after each run. Left behind, a full run's 35 journals took some 25 GB and filled the disk of
 * the machine it ran on, which turned later cells' spill into {@code journal_full} drops.
 */
final class ScratchDirectories {
  private static final List<Path> made = new ArrayList<>();

  private ScratchDirectories() {}

  /** A new temporary directory, deleted by the next {@link #deleteAll}. */
  static synchronized Path create(String prefix) {
    try {
      Path directory = Files.createTempDirectory(prefix);
      made.add(directory);
      return directory;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes every directory made since the last call; once the system using them has stopped. */
  static synchronized void deleteAll() {
    for (Path directory : made) {
      try {
        JournalBenchmark.deleteTree(directory);
      } catch (IOException | UncheckedIOException e) {
        System.out.println("  could not delete " + directory + ": " + e);
      }
    }
    made.clear();
  }
}
