package dev.levee.exporter.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal's nested jar, copied beside the journal and kept for the next run. */
class JournalLoaderTest {
  @TempDir Path dir;

  private URL nestedJar(byte[] content) throws Exception {
    Path source = dir.resolve("source.jar");
    Files.write(source, content);
    return source.toUri().toURL();
  }

  @Test
  void theNameGivenToTheAgentsIgnoreRulesIsTheLoadersClassName() {
    assertThat(JournalLoader.CLASS_LOADER_NAME).isEqualTo(JournalLoader.JournalClassLoader.class.getName());
  }

  @Test
  void theCopyIsNamedByItsContentOwnerOnlyAndReusedByTheNextRun() throws Exception {
    byte[] content = new byte[100_000];
    Arrays.fill(content, (byte) 7);
    URL inner = nestedJar(content);
    Path home = dir.resolve("journal");

    Path first = JournalLoader.ownCopy(inner, home);
    assertThat(first.getParent()).isEqualTo(home);
    assertThat(first.getFileName().toString()).matches("levee-journal-[0-9a-f]{8}-100000\\.jar");
    assertThat(Files.readAllBytes(first)).isEqualTo(content);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(first))).isEqualTo("rw-------");

    FileTime written = FileTime.fromMillis(1_000_000_000_000L);
    Files.setLastModifiedTime(first, written);
    Path second = JournalLoader.ownCopy(inner, home);
    assertThat(second).isEqualTo(first);
    assertThat(Files.getLastModifiedTime(second)).as("reused, not rewritten").isEqualTo(written);
    try (var files = Files.list(home)) {
      assertThat(files).containsExactly(first); // no temporary file left
    }
  }

  @Test
  void aCopyChangedOnDiskIsReplacedNotLoaded() throws Exception {
    byte[] content = "the journal's classes".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    URL inner = nestedJar(content);
    Path copy = JournalLoader.ownCopy(inner, dir.resolve("journal"));
    byte[] changed = content.clone();
    changed[0] ^= 1; // same length, other content
    Files.write(copy, changed);

    assertThat(JournalLoader.ownCopy(inner, dir.resolve("journal"))).isEqualTo(copy);
    assertThat(Files.readAllBytes(copy)).isEqualTo(content);
  }

  @Test
  void anotherVersionsCopyIsRemoved() throws Exception {
    Path home = Files.createDirectories(dir.resolve("journal"));
    // Named as copies were before 2026-12-05 (by SHA-256).
    Path older = Files.write(home.resolve("levee-journal-00000000000000000000000000000000.jar"), new byte[] {1});
    Path journalFile = Files.write(home.resolve("levee-drained"), new byte[] {2});

    Path copy = JournalLoader.ownCopy(nestedJar(new byte[] {3, 4}), home);

    assertThat(older).doesNotExist();
    assertThat(journalFile).exists();
    assertThat(copy).exists();
  }
}
