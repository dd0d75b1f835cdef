package dev.levee.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * The extension jar's bytecode against the classes of every agent Levee supports: each reference
 * to an {@code io.opentelemetry} class, method or field that Levee does not relocate into its own
 * jar must resolve in each agent, the oldest (2.10.0, SDK 1.44) above all. A method used by
 * mistake from a newer SDK fails here, in CI, instead of as a {@code NoSuchMethodError} in a
 * user's application.
 *
 * <p>Two kinds of reference are allowed to go further, each named below with its reason: the
 * declarative-configuration component (loaded only where the SDK has its API) and the few classes
 * of OpenTelemetry's {@code internal} packages Levee touches (none of the SDK's data path).
 */
class ExtensionJarCompatibilityIT {
  private static final String OTEL = "io/opentelemetry/";
  /** Where the agent keeps the API its extensions compile against (remapped when loaded). */
  private static final String AGENT_SHADED = "io/opentelemetry/javaagent/shaded/";

  /**
   * Levee classes used only where the running SDK has declarative configuration's {@code
   * ComponentProvider.create(DeclarativeConfigProperties)} (with DeclarativeConfigProperties.toMap: SDK 1.54, agent 2.20.1 and later); see
   * {@code Compatibility.declarativeComponents()}.
   */
  private static final Set<String> DECLARATIVE_ONLY =
      Set.of(
          "dev/levee/config/LeveeSpanExporterComponentProvider",
          "dev/levee/config/LeveeMetricExporterComponentProvider",
          "dev/levee/config/LeveeLogRecordExporterComponentProvider",
          "dev/levee/config/agent/Component",
          "dev/levee/config/internal/LeveeComponentProvider",
          "dev/levee/config/internal/DeclarativeApi",
          "dev/levee/config/internal/DeclarativeExporters",
          "dev/levee/config/internal/DeclarativeProperties");

  /** The first agent whose SDK has the declarative component API. */
  private static final String FIRST_DECLARATIVE_AGENT = "2.20.1";

  /**
   * Every class of an OpenTelemetry {@code internal} package that Levee references, and why.
   * Anything else from an internal package fails the scan.
   */
  private static final Map<String, String> INTERNAL_ALLOWED =
      Map.of(
          "io/opentelemetry/sdk/autoconfigure/spi/internal/AutoConfigureListener",
          "the SDK's hook that hands an SPI provider the built SDK (self-metrics); the SDK calls it",
          "io/opentelemetry/sdk/autoconfigure/spi/internal/ComponentProvider",
          "the SPI of declarative configuration; its declarative method is used only where present",
          "io/opentelemetry/sdk/autoconfigure/spi/internal/DefaultConfigProperties",
          "reads a declarative node's properties as ConfigProperties (declarative-only classes)",
          "io/opentelemetry/api/internal/ImmutableKeyValuePairs",
          "encoding shortcut in ApiInternals, tried once and replaced by public API if absent",
          "io/opentelemetry/api/internal/InternalAttributeKeyImpl",
          "encoding shortcut in ApiInternals, tried once and replaced by public API if absent");

  /** Levee classes allowed to name API internals: the one guarded place. */
  private static final Set<String> API_INTERNALS_USERS = Set.of("dev/levee/exporter/internal/encode/ApiInternals");

  private static final List<Reference> references = new ArrayList<>();
  private static final Set<String> leveeClasses = new TreeSet<>();
  private static final List<String> otelClassesInJar = new ArrayList<>();
  /** The classes the agent's extension loader reads (and rewrites) itself: class files at the top. */
  private static final List<String> classesOutsideTheTree = new ArrayList<>();
  /** Where the extension jar keeps Levee's classes, relocated by the build (LeveeClassLoader). */
  private static final String TREE = "META-INF/levee/core/";

  /** One reference from a Levee class to an OpenTelemetry class or member. */
  private record Reference(String from, String owner, String name, String descriptor, Kind kind) {
    String describe() {
      return kind == Kind.CLASS
          ? owner
          : owner + "." + name + (kind == Kind.METHOD ? "" : ":") + descriptor;
    }
  }

  private enum Kind {
    CLASS,
    METHOD,
    FIELD
  }

  @BeforeAll
  static void readTheExtensionJar() throws IOException {
    Path jar = Path.of(System.getProperty("levee.extension.jar"));
    try (InputStream in = java.nio.file.Files.newInputStream(jar)) {
      scan(in, "");
    }
  }

  private static void scan(InputStream jarStream, String nestedIn) throws IOException {
    JarInputStream jar = new JarInputStream(jarStream);
    for (JarEntry entry; (entry = jar.getNextJarEntry()) != null; ) {
      String name = entry.getName();
      if (name.endsWith(".jar")) {
        // The journal's nested jar (Chronicle and the journal, loaded by a private loader).
        scan(new ByteArrayInputStream(jar.readAllBytes()), name + "!/");
      } else if ((name.endsWith(".class") || name.endsWith(".classdata"))
          && !name.contains("module-info.class")) {
        if (name.startsWith(OTEL) || name.contains("/" + OTEL)) {
          otelClassesInJar.add(nestedIn + name);
        }
        byte[] bytes = jar.readAllBytes();
        if (nestedIn.isEmpty() && name.endsWith(".class")) {
          classesOutsideTheTree.add(name);
        }
        if (name.startsWith(TREE)) {
          notRelocatedForTheAgent(name, bytes);
        }
        new ClassReader(bytes).accept(new Collector(), ClassReader.SKIP_FRAMES);
      }
    }
  }

  /**
   * Names in a class of the jar's tree (which the agent does not rewrite: LeveeClassLoader) that
   * the agent's extension loader would have rewritten: every one must be relocated already, as the
   * build does with the agent's rules. {@code io.opentelemetry.common} is on the list because only
   * newer agents remap it: Levee must not name it at all.
   */
  private static final Pattern FOR_THE_AGENT_TO_REWRITE =
      Pattern.compile(
          "(?<!javaagent/shaded/)io/opentelemetry/(api|context|semconv|instrumentation|common)/"
              + "|java/util/logging/Logger(?![A-Za-z0-9_])");

  private static final Map<String, String> notRelocated = new TreeMap<>();

  private static void notRelocatedForTheAgent(String entry, byte[] bytes) {
    // Class-file names are ASCII in the constant pool.
    Matcher found = FOR_THE_AGENT_TO_REWRITE.matcher(new String(bytes, StandardCharsets.ISO_8859_1));
    if (found.find()) {
      notRelocated.put(entry, found.group());
    }
  }

  @Test
  void theTreeIsRelocatedForTheAgentAndOnlyTheAgentFacingClassesAreNot() {
    assertThat(notRelocated).as("names in the tree the agent would rewrite").isEmpty();
    assertThat(leveeClasses).contains("dev/levee/config/LeveeSpanExporterProvider");
    assertThat(classesOutsideTheTree)
        .isNotEmpty()
        .allMatch(name -> name.startsWith("dev/levee/config/agent/"));
  }

  @Test
  void bundlesNoOpenTelemetryClassOfItsOwn() {
    // The SDK's OTLP marshalers were bundled once and called SDK internals that older agents lack.
    assertThat(otelClassesInJar).isEmpty();
    assertThat(leveeClasses).contains("dev/levee/exporter/internal/encode/MetricsRequestWriter");
  }

  @Test
  void everyReferenceResolvesInEverySupportedAgent() {
    assertThat(references).isNotEmpty();
    Map<String, List<String>> unresolved = new TreeMap<>();
    for (String version : System.getProperty("levee.it.agents").split(",")) {
      AgentClasses agent = AgentClasses.open(version);
      boolean declarative = compareVersions(version, FIRST_DECLARATIVE_AGENT) >= 0;
      for (Reference reference : references) {
        if (!declarative && DECLARATIVE_ONLY.contains(outer(reference.from()))) {
          continue;
        }
        if (!agent.resolves(reference)) {
          unresolved
              .computeIfAbsent("agent " + version, v -> new ArrayList<>())
              .add(reference.describe() + " (from " + reference.from() + ")");
        }
      }
    }
    assertThat(unresolved).as("references that would fail at run time").isEmpty();
    System.out.printf(
        "Jar scan: %d references to %d io.opentelemetry classes from %d classes of the extension,"
            + " all resolved in agents %s%n",
        references.size(),
        references.stream().map(Reference::owner).distinct().count(),
        leveeClasses.size(),
        System.getProperty("levee.it.agents"));
  }

  @Test
  void declarativeOnlyClassesAreTheOnesThatNeedTheNewerApi() {
    // The same references, without the exception, fail in the oldest agent: the list above is
    // not wider than it has to be, and the guard is what keeps them apart.
    AgentClasses oldest = AgentClasses.open(System.getProperty("levee.it.agents").split(",")[0]);
    Set<String> needingNewer = new TreeSet<>();
    for (Reference reference : references) {
      if (!oldest.resolves(reference)) {
        needingNewer.add(outer(reference.from()));
      }
    }
    assertThat(needingNewer).isNotEmpty().allMatch(DECLARATIVE_ONLY::contains);
  }

  @Test
  void internalPackagesOnlyWhereNamedAndWhy() {
    Map<String, Set<String>> internal = new TreeMap<>();
    for (Reference reference : references) {
      if (reference.owner().contains("/internal/")) {
        internal.computeIfAbsent(reference.owner(), o -> new TreeSet<>()).add(outer(reference.from()));
      }
    }
    assertThat(internal.keySet()).allMatch(INTERNAL_ALLOWED::containsKey);
    internal.forEach(
        (owner, users) -> {
          if (owner.startsWith("io/opentelemetry/api/internal/")) {
            assertThat(users).as(owner).isEqualTo(API_INTERNALS_USERS);
          }
        });
    // Nothing of the SDK's data classes, exporters or resources comes from an internal package.
    assertThat(internal.keySet())
        .noneMatch(owner -> owner.startsWith("io/opentelemetry/sdk/") && !owner.contains("/autoconfigure/spi/"))
        .noneMatch(owner -> owner.startsWith("io/opentelemetry/exporter/"));
  }

  private static String outer(String className) {
    int dollar = className.indexOf('$');
    return dollar < 0 ? className : className.substring(0, dollar);
  }

  static int compareVersions(String a, String b) {
    int[] x = Arrays.stream(a.split("\\.")).mapToInt(Integer::parseInt).toArray();
    int[] y = Arrays.stream(b.split("\\.")).mapToInt(Integer::parseInt).toArray();
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      if (x[i] != y[i]) {
        return Integer.compare(x[i], y[i]);
      }
    }
    return Integer.compare(x.length, y.length);
  }

  /** Collects the OpenTelemetry references of one class. */
  private static final class Collector extends ClassVisitor {
    private String current;

    Collector() {
      super(Opcodes.ASM9);
    }

    @Override
    public void visit(
        int version, int access, String name, String signature, String superName, String[] interfaces) {
      current = name;
      leveeClasses.add(name);
      type(superName);
      if (interfaces != null) {
        for (String i : interfaces) {
          type(i);
        }
      }
    }

    @Override
    public FieldVisitor visitField(
        int access, String name, String descriptor, String signature, Object value) {
      descriptor(descriptor);
      return null;
    }

    @Override
    public MethodVisitor visitMethod(
        int access, String name, String descriptor, String signature, String[] exceptions) {
      descriptor(descriptor);
      if (exceptions != null) {
        for (String e : exceptions) {
          type(e);
        }
      }
      return new MethodVisitor(Opcodes.ASM9) {
        @Override
        public void visitTypeInsn(int opcode, String type) {
          type(type);
        }

        @Override
        public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
          member(owner, name, descriptor, Kind.FIELD);
        }

        @Override
        public void visitMethodInsn(
            int opcode, String owner, String name, String descriptor, boolean isInterface) {
          member(owner, name, descriptor, Kind.METHOD);
        }

        @Override
        public void visitInvokeDynamicInsn(
            String name, String descriptor, Handle bootstrap, Object... arguments) {
          descriptor(descriptor);
          handle(bootstrap);
          for (Object argument : arguments) {
            constant(argument);
          }
        }

        @Override
        public void visitLdcInsn(Object value) {
          constant(value);
        }

        @Override
        public void visitMultiANewArrayInsn(String descriptor, int dimensions) {
          descriptor(descriptor);
        }

        @Override
        public void visitTryCatchBlock(
            org.objectweb.asm.Label start,
            org.objectweb.asm.Label end,
            org.objectweb.asm.Label handler,
            String type) {
          type(type);
        }
      };
    }

    private void constant(Object value) {
      if (value instanceof Type type) {
        descriptor(type.getDescriptor());
      } else if (value instanceof Handle handle) {
        handle(handle);
      }
    }

    private void handle(Handle handle) {
      member(
          handle.getOwner(),
          handle.getName(),
          handle.getDesc(),
          handle.getDesc().startsWith("(") ? Kind.METHOD : Kind.FIELD);
    }

    private void member(String owner, String name, String descriptor, Kind kind) {
      type(owner);
      descriptor(descriptor);
      if (owner.startsWith(OTEL)) {
        references.add(new Reference(current, AgentClasses.unshaded(owner), name, descriptor, kind));
      }
    }

    private void descriptor(String descriptor) {
      Type type = Type.getType(descriptor);
      if (type.getSort() == Type.METHOD) {
        for (Type argument : type.getArgumentTypes()) {
          typeOf(argument);
        }
        typeOf(type.getReturnType());
      } else {
        typeOf(type);
      }
    }

    private void typeOf(Type type) {
      if (type.getSort() == Type.ARRAY) {
        typeOf(type.getElementType());
      } else if (type.getSort() == Type.OBJECT) {
        type(type.getInternalName());
      }
    }

    private void type(String internalName) {
      if (internalName == null) {
        return;
      }
      if (internalName.startsWith("[")) {
        descriptor(internalName);
      } else if (internalName.startsWith(OTEL)) {
        // The tree's names are relocated for the agent already: compared under their own names.
        references.add(new Reference(current, AgentClasses.unshaded(internalName), null, null, Kind.CLASS));
      }
    }
  }

  /** One agent's classes as an extension sees them, read from its jar. */
  private static final class AgentClasses {
    private static final Map<String, AgentClasses> opened = new HashMap<>();

    private final ZipFile jar;
    private final Map<String, ClassShape> shapes = new HashMap<>();

    private AgentClasses(ZipFile jar) {
      this.jar = jar;
    }

    static synchronized AgentClasses open(String version) {
      return opened.computeIfAbsent(
          version,
          v -> {
            Path jar =
                Path.of(System.getProperty("levee.agents.dir"))
                    .resolve("opentelemetry-javaagent-" + v + ".jar");
            try {
              return new AgentClasses(new ZipFile(jar.toFile()));
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    }

    boolean resolves(Reference reference) {
      ClassShape owner = shape(reference.owner());
      if (owner == null) {
        return false;
      }
      return switch (reference.kind()) {
        case CLASS -> true;
        case METHOD, FIELD -> hasMember(owner, reference, new TreeSet<>());
      };
    }

    private boolean hasMember(ClassShape shape, Reference reference, Set<String> seen) {
      if (!seen.add(shape.name())) {
        return false;
      }
      String key = reference.name() + unshaded(reference.descriptor());
      if ((reference.kind() == Kind.METHOD ? shape.methods() : shape.fields()).contains(key)) {
        return true;
      }
      List<String> supers = new ArrayList<>(shape.interfaces());
      if (shape.superName() != null) {
        supers.add(0, shape.superName());
      }
      for (String superName : supers) {
        ClassShape parent = shape(superName);
        if (parent != null && hasMember(parent, reference, seen)) {
          return true;
        }
      }
      return false;
    }

    /**
     * The class as the agent serves it to an extension: the SDK from its {@code inst/} tree, the
     * API and context from the agent's shaded copy (the extension loader remaps those names), the
     * JDK's from the running JDK.
     */
    private ClassShape shape(String name) {
      String plain = unshaded(name);
      if (shapes.containsKey(plain)) {
        return shapes.get(plain);
      }
      byte[] bytes = null;
      if (plain.startsWith(OTEL)) {
        for (String candidate :
            List.of(
                "inst/" + plain + ".classdata",
                plain + ".class",
                AGENT_SHADED + plain + ".class",
                "inst/" + AGENT_SHADED + plain + ".classdata")) {
          bytes = read(candidate);
          if (bytes != null) {
            break;
          }
        }
      } else {
        try (InputStream in = ClassLoader.getSystemResourceAsStream(plain + ".class")) {
          bytes = in == null ? null : in.readAllBytes();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      ClassShape shape = bytes == null ? null : ClassShape.of(bytes);
      shapes.put(plain, shape);
      return shape;
    }

    private byte[] read(String entryName) {
      try {
        var entry = jar.getEntry(entryName);
        if (entry == null) {
          return null;
        }
        try (InputStream in = jar.getInputStream(entry)) {
          return in.readAllBytes();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    static String unshaded(String nameOrDescriptor) {
      return nameOrDescriptor == null ? null : nameOrDescriptor.replace(AGENT_SHADED, "");
    }
  }

  /** A class's name, supertypes and members (name + descriptor, names unshaded). */
  private record ClassShape(
      String name, String superName, List<String> interfaces, Set<String> methods, Set<String> fields) {
    static ClassShape of(byte[] bytes) {
      ClassReader reader = new ClassReader(bytes);
      Set<String> methods = new TreeSet<>();
      Set<String> fields = new TreeSet<>();
      reader.accept(
          new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(
                int access, String name, String descriptor, String signature, String[] exceptions) {
              methods.add(name + AgentClasses.unshaded(descriptor));
              return null;
            }

            @Override
            public FieldVisitor visitField(
                int access, String name, String descriptor, String signature, Object value) {
              fields.add(name + AgentClasses.unshaded(descriptor));
              return null;
            }
          },
          ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
      String superName = reader.getSuperName();
      return new ClassShape(
          AgentClasses.unshaded(reader.getClassName()),
          superName == null ? null : AgentClasses.unshaded(superName),
          Arrays.stream(reader.getInterfaces()).map(AgentClasses::unshaded).toList(),
          methods,
          fields);
    }
  }
}
