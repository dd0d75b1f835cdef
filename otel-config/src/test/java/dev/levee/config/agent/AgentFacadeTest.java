package dev.levee.config.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.levee.config.LeveeExporterNames;
import dev.levee.config.LeveeSpanExporterProvider;
import io.opentelemetry.javaagent.extension.ignore.IgnoredTypesBuilder;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import io.opentelemetry.sdk.autoconfigure.spi.internal.DefaultConfigProperties;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent-facing classes: the service files the extension jar gives the agent name them, each
 * hands its calls to the Levee class it names, and {@link LeveeClassLoader} reads Levee's classes
 * from the tree (the end-to-end tests run them under the real agents).
 */
class AgentFacadeTest {
  /** The extension jar's service files (the build puts this directory at the jar's root). */
  private static final Path AGENT_SERVICES = Path.of("src/agent/META-INF/services");

  @TempDir Path tree;

  @Test
  void everyServiceTheAgentReadsIsAFacadeOfItsInterface()
      throws IOException, ClassNotFoundException {
    List<String> facades = new ArrayList<>();
    try (Stream<Path> files = Files.list(AGENT_SERVICES)) {
      for (Path file : files.sorted().toList()) {
        Class<?> service = Class.forName(file.getFileName().toString());
        for (String line : Files.readAllLines(file)) {
          if (!line.isBlank()) {
            Class<?> facade = Class.forName(line.trim());
            assertThat(facade.getPackageName()).isEqualTo("dev.levee.config.agent");
            assertThat(service).isAssignableFrom(facade);
            facades.add(facade.getSimpleName());
          }
        }
      }
    }
    assertThat(facades)
        .containsExactlyInAnyOrder(
            "IgnoredTypes",
            "ProcessorCustomizer",
            "SpanExporterComponent",
            "MetricExporterComponent",
            "LogRecordExporterComponent",
            "SpanProcessorComponent",
            "LogRecordProcessorComponent",
            "LogRecordExporterProvider",
            "MetricExporterProvider",
            "SpanExporterProvider");
  }

  @Test
  void eachFacadeNamesALeveeClassOfTheSameInterface() throws ReflectiveOperationException {
    Map<Class<?>, String> named =
        Map.of(
            SpanExporterProvider.class, SpanExporterProvider.IMPLEMENTATION,
            MetricExporterProvider.class, MetricExporterProvider.IMPLEMENTATION,
            LogRecordExporterProvider.class, LogRecordExporterProvider.IMPLEMENTATION,
            ProcessorCustomizer.class, ProcessorCustomizer.IMPLEMENTATION);
    for (Map.Entry<Class<?>, String> entry : named.entrySet()) {
      Class<?> implementation = Class.forName(entry.getValue());
      assertThat(entry.getKey().getInterfaces()[0]).isAssignableFrom(implementation);
    }
    for (Component component :
        List.of(
            new SpanExporterComponent(),
            new MetricExporterComponent(),
            new LogRecordExporterComponent(),
            new SpanProcessorComponent(),
            new LogRecordProcessorComponent())) {
      Class<?> implementation = Class.forName(component.implementation());
      assertThat(io.opentelemetry.sdk.autoconfigure.spi.internal.ComponentProvider.class)
          .isAssignableFrom(implementation);
      assertThat(implementation.getSimpleName())
          .isEqualTo("Levee" + component.getClass().getSimpleName() + "Provider");
    }
  }

  @Test
  void anExporterProviderMakesNothingUntilAnExporterIsAskedFor() {
    SpanExporterProvider provider = new SpanExporterProvider();
    assertThat(provider.getName()).isEqualTo(LeveeExporterNames.NAME);
    // Outside the agent's jar the tree is absent: asking for the exporter names what is missing.
    ConfigProperties config = DefaultConfigProperties.createFromMap(Map.of());
    assertThatThrownBy(() -> provider.createExporter(config))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(SpanExporterProvider.IMPLEMENTATION);
  }

  @Test
  void theAgentIsToldToLeaveLeveesTwoLoadersAloneAndNothingElse() {
    Recorder recorder = new Recorder();
    new IgnoredTypes().configure(recorder, DefaultConfigProperties.createFromMap(Map.of()));
    assertThat(recorder.calls)
        .containsExactly(
            "ignoreClassLoader dev.levee.config.agent.LeveeClassLoader",
            "ignoreClassLoader dev.levee.exporter.internal.JournalLoader$JournalClassLoader");

    Recorder newerForm = new Recorder();
    new IgnoredTypes().configure(newerForm);
    assertThat(newerForm.calls).isEqualTo(recorder.calls);
  }

  @Test
  void leveesClassesComeFromTheTreeEvenWhereTheParentHasThem() throws Exception {
    // The tree holds a Levee class (under .classdata) and a resource; the parent, this test's
    // loader, has the same class under .class.
    String name = LeveeSpanExporterProvider.class.getName();
    Path classFile =
        tree.resolve(LeveeClassLoader.TREE + name.replace('.', '/') + LeveeClassLoader.SUFFIX);
    Files.createDirectories(classFile.getParent());
    try (InputStream in =
        getClass().getClassLoader().getResourceAsStream(name.replace('.', '/') + ".class")) {
      Files.write(classFile, in.readAllBytes());
    }
    Files.writeString(tree.resolve(LeveeClassLoader.TREE + "dev/levee/x.txt"), "from the tree");

    URL[] treeRoot = {tree.toUri().toURL()};
    try (URLClassLoader jar = new URLClassLoader(treeRoot, getClass().getClassLoader())) {
      LeveeClassLoader loader = new LeveeClassLoader(jar);

      Class<?> fromTree = loader.loadClass(name);
      assertThat(fromTree.getClassLoader()).isSameAs(loader);
      assertThat(fromTree).isNotSameAs(LeveeSpanExporterProvider.class);
      assertThat(loader.loadClass(name)).isSameAs(fromTree);
      // Its SDK interface is the parent's: the same class on both sides.
      assertThat(ConfigurableSpanExporterProvider.class).isAssignableFrom(fromTree);

      // This package, and everything not Levee's, are the parent's.
      assertThat(loader.loadClass(Lazy.class.getName())).isSameAs(Lazy.class);
      assertThat(loader.loadClass(String.class.getName())).isSameAs(String.class);

      // A Levee class missing from the tree is missing, even where the parent has it.
      assertThatThrownBy(() -> loader.loadClass(LeveeExporterNames.class.getName()))
          .isInstanceOf(ClassNotFoundException.class);

      URL resource = loader.getResource("dev/levee/x.txt");
      assertThat(resource).isNotNull();
      try (InputStream in = resource.openStream()) {
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
            .isEqualTo("from the tree");
      }
      assertThat(loader.getResources("dev/levee/x.txt").hasMoreElements()).isTrue();
      assertThat(loader.getResource("dev/levee/absent.txt")).isNull();
    }
  }

  @Test
  void theStartUpPackIsReadInOnePieceAndLetGo() throws Exception {
    // The pack holds two Levee classes the tree does not hold on their own: they load only from it.
    String first = LeveeSpanExporterProvider.class.getName();
    String second = LeveeExporterNames.class.getName();
    Path pack = tree.resolve(LeveeClassLoader.TREE + LeveeClassLoader.START_UP_PACK);
    Files.createDirectories(pack.getParent());
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(pack))) {
      for (String name : List.of(first, second)) {
        byte[] bytes = classFile(name);
        ZipEntry entry = new ZipEntry(name.replace('.', '/') + LeveeClassLoader.SUFFIX);
        zip.putNextEntry(entry);
        zip.write(bytes);
        zip.closeEntry();
      }
    }

    URL[] treeRoot = {tree.toUri().toURL()};
    try (URLClassLoader jar = new URLClassLoader(treeRoot, getClass().getClassLoader())) {
      LeveeClassLoader loader = new LeveeClassLoader(jar);
      assertThatThrownBy(() -> loader.loadClass(first)).isInstanceOf(ClassNotFoundException.class);

      loader.readStartUpPack();
      assertThat(loader.packed()).isEqualTo(2);
      Class<?> fromPack = loader.loadClass(first);
      assertThat(fromPack.getClassLoader()).isSameAs(loader);
      assertThat(ConfigurableSpanExporterProvider.class).isAssignableFrom(fromPack);
      assertThat(loader.packed()).as("a defined class's bytes are let go").isEqualTo(1);

      loader.readStartUpPack(); // once only
      assertThat(loader.packed()).isEqualTo(1);
      loader.forgetStartUpPack();
      assertThat(loader.packed()).isZero();
      assertThatThrownBy(() -> loader.loadClass(second)).isInstanceOf(ClassNotFoundException.class);
      assertThat(loader.loadClass(first)).isSameAs(fromPack);
    }
  }

  @Test
  void noStartUpPackLeavesEachClassToItsOwnFile() throws Exception {
    URL[] treeRoot = {tree.toUri().toURL()};
    try (URLClassLoader jar = new URLClassLoader(treeRoot, getClass().getClassLoader())) {
      LeveeClassLoader loader = new LeveeClassLoader(jar);
      loader.readStartUpPack();
      assertThat(loader.packed()).isZero();
      assertThatThrownBy(() -> loader.loadClass(LeveeSpanExporterProvider.class.getName()))
          .isInstanceOf(ClassNotFoundException.class);
    }
  }

  private byte[] classFile(String name) throws IOException {
    String file = name.replace('.', '/') + ".class";
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(file)) {
      return in.readAllBytes();
    }
  }

  @Test
  void aLeveeClassTheJarDoesNotHoldIsAClearFailure() {
    assertThatThrownBy(() -> Levee.create("dev.levee.config.NoSuchProvider", Runnable.class))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("dev.levee.config.NoSuchProvider");
  }

  private static final class Recorder implements IgnoredTypesBuilder {
    final List<String> calls = new ArrayList<>();

    private IgnoredTypesBuilder record(String what, String name) {
      calls.add(what + " " + name);
      return this;
    }

    @Override
    public IgnoredTypesBuilder ignoreClass(String name) {
      return record("ignoreClass", name);
    }

    @Override
    public IgnoredTypesBuilder allowClass(String name) {
      return record("allowClass", name);
    }

    @Override
    public IgnoredTypesBuilder ignoreClassLoader(String name) {
      return record("ignoreClassLoader", name);
    }

    @Override
    public IgnoredTypesBuilder allowClassLoader(String name) {
      return record("allowClassLoader", name);
    }

    @Override
    public IgnoredTypesBuilder ignoreTaskClass(String name) {
      return record("ignoreTaskClass", name);
    }
  }
}
