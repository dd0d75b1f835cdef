package dev.levee.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.levee.testing.AgentProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What Levee's build makes the agent do on the application's {@code main} thread before
 * {@code main}.
 *
 * <p>The agent builds its SDK (and so Levee's exporters) before it installs its class transformer,
 * then retransforms every class already loaded that one of its instrumentations matches, tens of
 * milliseconds each on two cores. Levee's build must load no such class the agent's own OTLP
 * exporters do not load too.
 *
 * <p>The one class more, {@code java.net.HttpURLConnection}, is the agent's own: it is loaded by
 * the JDK's class path lookup for the extension's URL while the agent looks for service providers
 * (its stack under {@code -XX:LogClassLoadingCauseFor} on Java 25), for any extension.
 *
 * <p>Levee's own classes are loaded ahead on a thread of their own, from the list in the extension
 * jar ({@code StartUpClasses}): every Levee class loaded before {@code main} must be on it (but
 * the few agent-facing ones the agent loads itself, by the jar's service files), and every name on
 * it must be a class of the jar's tree (the classes {@code LeveeClassLoader} loads); the jar's
 * start-up pack holds the listed classes, in the list's order, as they are in the tree.
 */
class StartupWorkIT {
  private static final String EXTENSION_LOOKUP = "java.net.HttpURLConnection";
  private static final String DEMO_MAIN = "dev.levee.examples.app.DemoApp";
  /** Where the extension jar keeps Levee's classes and resources (LeveeClassLoader). */
  private static final String TREE = "META-INF/levee/core/";

  private static final String START_UP_CLASSES = TREE + "dev/levee/config/internal/start-up-classes.txt";
  /** The start-up classes' files in one piece (LeveeClassLoader). */
  private static final String START_UP_PACK = TREE + "start-up-classes.zip";

  /** The classes the agent itself loads from the extension jar, by its service files. */
  private static final String AGENT_FACING = "dev.levee.config.agent.";

  @TempDir Path tempDir;

  static Stream<String> oldestAndNewestAgents() {
    String[] agents = System.getProperty("levee.it.agents").split(",");
    return Stream.of(agents[0], agents[agents.length - 1]);
  }

  @ParameterizedTest(name = "agent {0}")
  @MethodSource("oldestAndNewestAgents")
  void noClassToRetransformAndLeveesClassesLoadedAhead(String agent)
      throws IOException {
    Set<String> withItsOwn = retransformed(startUp(agent, false));
    List<String> leveeLog = startUp(agent, true);
    Set<String> withLevee = retransformed(leveeLog);

    // The agent's own retransformations happened (the log is read as meant) ...
    assertThat(withItsOwn).contains("java.util.concurrent.ThreadPoolExecutor");
    // ... and Levee adds none but the extension lookup's. While the connection's builder made a
    // CompletableFuture as the exporter was built, CompletableFuture$Completion and ForkJoinPool
    // were among them (and CompletableFuture$ThreadPerTaskExecutor, some runs on two cores).
    Set<String> added = new TreeSet<>(withLevee);
    added.removeAll(withItsOwn);
    added.remove(EXTENSION_LOOKUP);
    assertThat(added).as("classes retransformed only with Levee, agent " + agent).isEmpty();

    // Every Levee class loaded before main is loaded ahead, and the list names only the jar's.
    List<String> listed = startUpClasses();
    Set<String> loadedBeforeMain = leveeClassesBeforeMain(leveeLog);
    assertThat(loadedBeforeMain).contains("dev.levee.exporter.internal.Pipeline");
    Set<String> missing = new TreeSet<>(loadedBeforeMain);
    missing.removeAll(listed);
    missing.removeIf(name -> name.startsWith(AGENT_FACING));
    assertThat(missing)
        .as("Levee classes loaded before main, agent %s, missing from %s", agent, START_UP_CLASSES)
        .isEmpty();
    assertThat(classesInTheJar()).containsAll(listed);
    assertThat(startUpPack())
        .as(START_UP_PACK + ", the listed classes in one piece").isEqualTo(listed);
    // ... and the thread that loads them ahead ran: in the runs looked at, all but the two loaded
    // before it starts were loaded off the main thread. Without it, 17 still are (by the
    // sender's and the dispatchers' threads), so a quarter is a floor that only it clears, with
    // room for a busy machine where the main thread gets to some first.
    long loadedAhead = listed.stream().filter(name -> loadedOffMain(leveeLog, name)).count();
    assertThat(loadedAhead)
        .as("listed classes loaded by another thread than main's, agent %s", agent)
        .isGreaterThan(listed.size() / 4);
  }

  /** Whether {@code name} was loaded by another thread than the one that loaded the demo's main. */
  private static boolean loadedOffMain(List<String> log, String name) {
    String mainThread = threadOf(log, DEMO_MAIN);
    String thread = threadOf(log, name);
    return thread != null && mainThread != null && !thread.equals(mainThread);
  }

  /** The thread decoration ({@code [tid]}) of the line that loaded {@code name}, or null. */
  private static String threadOf(List<String> log, String name) {
    for (String line : log) {
      String[] parts = line.split(" ");
      if (parts.length > 1 && parts[1].equals(name)) {
        return parts[0];
      }
    }
    return null;
  }

  /** The names on the start-up list in the extension jar, in order. */
  private static List<String> startUpClasses() throws IOException {
    try (JarFile jar = new JarFile(System.getProperty("levee.extension.jar"))) {
      JarEntry entry = jar.getJarEntry(START_UP_CLASSES);
      assertThat(entry).as(START_UP_CLASSES + " in the extension jar").isNotNull();
      String text = new String(jar.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8);
      return text.lines().filter(line -> !line.isBlank()).map(String::trim).toList();
    }
  }

  /** The classes in the extension jar's start-up pack, in order; each the same as in the tree. */
  private static List<String> startUpPack() throws IOException {
    List<String> names = new ArrayList<>();
    try (JarFile jar = new JarFile(System.getProperty("levee.extension.jar"))) {
      JarEntry packEntry = jar.getJarEntry(START_UP_PACK);
      assertThat(packEntry).as(START_UP_PACK + " in the extension jar").isNotNull();
      try (ZipInputStream pack = new ZipInputStream(jar.getInputStream(packEntry))) {
        for (ZipEntry entry = pack.getNextEntry(); entry != null; entry = pack.getNextEntry()) {
          String file = entry.getName();
          assertThat(entry.getMethod()).as(file + " stored").isEqualTo(ZipEntry.STORED);
          byte[] inTree = jar.getInputStream(jar.getJarEntry(TREE + file)).readAllBytes();
          assertThat(pack.readAllBytes()).as(file).isEqualTo(inTree);
          names.add(file.substring(0, file.length() - ".classdata".length()).replace('/', '.'));
        }
      }
    }
    return names;
  }

  private static Set<String> classesInTheJar() throws IOException {
    try (JarFile jar = new JarFile(System.getProperty("levee.extension.jar"))) {
      return jar.stream()
          .map(JarEntry::getName)
          .filter(name -> name.startsWith(TREE) && name.endsWith(".classdata"))
          .map(name -> name.substring(TREE.length(), name.length() - ".classdata".length()).replace('/', '.'))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  /** Levee's classes (not lambdas, not the demo's) loaded before the demo's main class. */
  private static Set<String> leveeClassesBeforeMain(List<String> log) {
    Set<String> classes = new TreeSet<>();
    for (String line : log) {
      String name = line.split(" ")[1];
      if (name.equals(DEMO_MAIN)) {
        return classes;
      }
      if (name.startsWith("dev.levee.")
          && !name.startsWith("dev.levee.examples.")
          && !name.contains("$$Lambda")) {
        classes.add(name);
      }
    }
    throw new AssertionError("the demo's main class was not loaded: " + log.size() + " lines");
  }

  /** The classes the agent retransformed while the demo app started. */
  private static Set<String> retransformed(List<String> log) {
    Set<String> classes = new TreeSet<>();
    log.stream()
        .filter(line -> line.endsWith("source: __VM_RedefineClasses__"))
        .forEach(line -> classes.add(line.split(" ")[1]));
    return classes;
  }

  /** The class-load log of the demo app starting under the agent, with Levee or its own exporters. */
  private List<String> startUp(String agent, boolean levee) throws IOException {
    Path log = tempDir.resolve((levee ? "levee-" : "otlp-") + agent + ".log");
    AgentProcess.Builder builder =
        DemoApps.underTheAgent(Path.of(System.getProperty("java.home")), agent)
            .jvmOption("-Xlog:class+load=info:file=" + log + ":tid")
            .arg("0");
    if (levee) {
      builder
          .leveeForAllSignals()
          .property("otel.exporter.levee.journal.directory", tempDir.resolve("journal").toString());
    } else {
      builder.extensionJar(null);
    }
    AgentProcess app = builder.start();
    assertThat(app.awaitExit(Duration.ofMinutes(2))).as(app.output()).isZero();
    assertThat(app.output()).contains("main started at JVM uptime");

    return Files.readAllLines(log);
  }
}
