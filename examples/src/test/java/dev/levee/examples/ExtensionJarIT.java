package dev.levee.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/** What the shipped extension jar holds, and what it must not. */
class ExtensionJarIT {
  private static final Path EXTENSION = Path.of(System.getProperty("levee.extension.jar"));
  /** Where the extension jar keeps Levee's classes (LeveeClassLoader). */
  private static final String TREE = "META-INF/levee/core/";

  @Test
  void bundlesNothingOutsideItsOwnPackages() throws IOException {
    try (JarFile jar = new JarFile(EXTENSION.toFile())) {
      List<String> foreign =
          jar.stream()
              .map(ZipEntry::getName)
              .map(name -> name.startsWith(TREE) ? name.substring(TREE.length()) : name)
              .filter(name -> name.endsWith(".class") || name.endsWith(".classdata"))
              .filter(name -> !name.startsWith("dev/levee/"))
              .toList();
      assertThat(foreign).as("classes outside dev/levee (unrelocated)").isEmpty();
      // The agent rewrites every .class it reads from an extension; the tree has none, so that
      // Levee's own loader defines its classes as the build relocated them.
      assertThat(jar.stream().map(ZipEntry::getName).filter(n -> n.startsWith(TREE) && n.endsWith(".class")))
          .isEmpty();
      assertThat(jar.getEntry(TREE + "dev/levee/exporter/internal/Pipeline.classdata")).isNotNull();
      assertThat(jar.getEntry("META-INF/native/")).isNull();
      assertThat(jar.getEntry(TREE + "META-INF/native/")).isNull();
      assertThat(
              jar.stream().map(ZipEntry::getName).filter(n -> n.startsWith("io/opentelemetry/api")))
          .as("the agent supplies the OpenTelemetry API")
          .isEmpty();
    }
  }

  @Test
  void theNestedJournalJarHasNoAnalyticsAndPullsNothingIn() throws IOException {
    List<String> names = new ArrayList<>();
    Manifest manifest;
    try (JarFile jar = new JarFile(EXTENSION.toFile());
        InputStream nested = jar.getInputStream(jar.getEntry("META-INF/levee/journal.jar"));
        JarInputStream journal = new JarInputStream(new ByteArrayInputStream(nested.readAllBytes()))) {
      manifest = journal.getManifest();
      for (ZipEntry entry = journal.getNextEntry(); entry != null; entry = journal.getNextEntry()) {
        names.add(entry.getName());
      }
    }
    assertThat(names).contains("dev/levee/journal/Journal.class");
    assertThat(names).anyMatch(n -> n.startsWith("net/openhft/chronicle/queue/"));
    // Chronicle's usage analytics (the chronicle-analytics artifact, package
    // net.openhft.chronicle.analytics) would phone home; its code is not in the jar, so
    // chronicle-core's facade falls back to its mute implementation, and no manifest Class-Path
    // can pull it in.
    assertThat(names).noneMatch(n -> n.startsWith("net/openhft/chronicle/analytics/"));
    assertThat(names).contains("net/openhft/chronicle/core/internal/analytics/MuteAnalytics.class");
    assertThat(manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path")).isNull();
    // The SPI must come from the extension's own loader, or the types would not match.
    assertThat(names).noneMatch(n -> n.startsWith("dev/levee/buffer/"));
  }
}
