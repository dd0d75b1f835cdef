package dev.levee.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Set;
import java.util.logging.Level;
import java.util.stream.Stream;

/**
 * The journal's files on disk: private directories and modes, files that are not the journal's
 * moved aside, deletion. Internal to the journal.
 */
final class JournalFiles {
  private static final JournalLog logger = JournalLog.of(Journal.class);
  static final Set<PosixFilePermission> DIRECTORY_PERMISSIONS =
      PosixFilePermissions.fromString("rwx------");
  static final Set<PosixFilePermission> FILE_PERMISSIONS = PosixFilePermissions.fromString("rw-------");
  static final String QUEUE_SUFFIX = ".cq4";

  private JournalFiles() {}

  /**
   * Moves aside {@code .cq4} files Chronicle could not open: files whose names are not cycle names
   * (Chronicle refuses a queue directory holding one, which would cost the journal for good), and
   * cycle files whose first header was never written, left by a process killed as it created the
   * file (opening the queue would wait for that header for ever). A file without its first header
   * holds no records.
   */
  static void quarantineForeignQueueFiles(Path directory, String cycleFormat) {
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
          moveAside(directory, file, "not a journal file");
          continue;
        }
        if (headerNeverWritten(file)) {
          moveAside(
              directory,
              file,
              "its first header was never written (the process was killed as it created the"
                  + " file); it held no records");
        }
      }
    } catch (IOException e) {
      logger.log(Level.WARNING, "Levee could not check its journal directory " + directory, e);
    }
  }

  /** Whether a cycle file's first header is missing or was left incomplete. */
  static boolean headerNeverWritten(Path file) throws IOException {
    try (java.nio.channels.FileChannel channel =
        java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.READ)) {
      java.nio.ByteBuffer header =
          java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      while (header.hasRemaining() && channel.read(header) > 0) {
        // read the four bytes of the header
      }
      if (header.hasRemaining()) {
        return true; // shorter than a header
      }
      int value = header.getInt(0);
      return value == 0 || (value & NOT_COMPLETE) != 0;
    }
  }

  /** The bit Chronicle sets in a header while the message it heads is being written. */
  private static final int NOT_COMPLETE = 0x80000000;

  private static void moveAside(Path directory, Path file, String why) throws IOException {
    Path target = directory.resolve("quarantine").resolve(file.getFileName());
    createPrivateDirectory(target.getParent());
    Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
    logger.warning("Levee moved " + file + " out of its journal to " + target + ": " + why + ".");
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

  /** Makes every file of the journal readable by its owner only. */
  static void restrictFiles(Path directory) {
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(file)) {
          Files.setPosixFilePermissions(file, FILE_PERMISSIONS);
        }
      }
    } catch (IOException | UnsupportedOperationException e) {
      logger.log(Level.FINE, "Could not restrict journal file permissions", e);
    }
  }

  static void deleteFile(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      logger.log(Level.WARNING, "Levee could not delete journal file " + file, e);
    }
  }
}
