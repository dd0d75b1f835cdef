package dev.levee.benchmarks;

import dev.levee.buffer.Chunk;
import dev.levee.buffer.Signal;
import dev.levee.exporter.internal.encode.ChunkEncoder;
import dev.levee.journal.Compression;
import dev.levee.journal.FsyncPolicy;
import dev.levee.journal.Journal;
import dev.levee.journal.JournalCursor;
import dev.levee.journal.JournalSettings;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The journal beside opentelemetry-java-contrib's disk-buffering module, in one run on the same
 * spans: write a backlog of SDK batches to disk, then read it all back in the form the exporter
 * sends (an OTLP request).
 *
 * <ul>
 *   <li>Levee: each batch encoded once ({@link ChunkEncoder}, as {@code export()} does) and
 *       appended to the journal; read back with a cursor, committed, payloads ready to send.
 *   <li>disk-buffering: {@code FileSpanStorage.write(batch)}; read back by iterating the storage
 *       (deleting as it goes) and marshalling each batch to an OTLP request, which its exporter
 *       must do before sending.
 * </ul>
 *
 * <p>disk-buffering is not on Maven Central's mirror here; give its jar and runtime classpath with
 * {@code --disk-buffering CLASSPATH} (the jar relocated as upstream publishes it, its proto classes
 * under {@code io.opentelemetry.diskbuffering.proto}). Without it only Levee is measured.
 *
 * <pre>
 * java -cp benchmarks/target/levee-benchmarks.jar dev.levee.benchmarks.JournalSideBySide \
 *     [--spans 100000] [--batch 512] [--repeats 3] [--disk-buffering CLASSPATH]
 * </pre>
 *
 * The last line prints {@code name=value} pairs.
 */
public final class JournalSideBySide {

  private JournalSideBySide() {}

  /** One measured pass. */
  record Pass(double writeSeconds, double appendSeconds, double readSeconds, long diskBytes, long spans) {
    /** Append only: the chunks were encoded before (as export() does for every batch anyway). */
    double appendSpansPerSecond() {
      return spans / appendSeconds;
    }

    double writeSpansPerSecond() {
      return spans / writeSeconds;
    }

    double readSpansPerSecond() {
      return spans / readSeconds;
    }

    double writeMegabytesPerSecond() {
      return diskBytes / writeSeconds / 1e6;
    }
  }

  interface System_ {
    String name();

    Pass run(List<List<SpanData>> batches, Path directory) throws Exception;
  }

  /** What Chronicle Queue needs from java.base (the extension grants it itself inside the agent). */
  static final List<String> CHRONICLE_FLAGS =
      List.of(
          "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED");

  /**
   * The command that runs {@code main} in another JVM of this class path, with the flags Chronicle
   * Queue needs, a 2 GiB heap touched at start, and Levee's settings given here as system
   * properties ({@code -Dotel.exporter.levee.transport=...}); its arguments are to be added.
   * {@code -Dlevee.bench.jvmArgs="..."} adds JVM flags (later flags win: {@code
   * -XX:-AlwaysPreTouch} undoes the touch).
   *
   * <p>The heap is touched at start ({@code -XX:+AlwaysPreTouch}, about 4 s of a child's start on
   * two cores) because otherwise the first write to each of its pages costs a page fault and the
   * zeroing of the page, charged to whichever thread allocates there first: the producer's, most
   * often. How much of the heap a run first touches in its window depends on how the collector
   * sizes the young generation, which depends on what the system keeps alive: with little alive
   * the collector grows it and the window pays for new pages (measured 2026-12-06 in the burst
   * cell over HTTP, {@code perf}: a third of the producer thread's samples beside Levee were page
   * faults, most of them zeroing new pages; beside the batch processor, whose deep queue keeps the
   * collector busy and its young generation small, under 1%). An application that has run for a
   * while has touched its heap, and the window measures that.
   */
  static List<String> javaCommand(Class<?> main) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(CHRONICLE_FLAGS);
    System.getProperties().stringPropertyNames().stream()
        .filter(name -> name.startsWith("otel.") || name.startsWith("levee."))
        .sorted()
        .forEach(name -> command.add("-D" + name + "=" + System.getProperty(name)));
    command.addAll(List.of("-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"));
    String jvmArgs = System.getProperty("levee.bench.jvmArgs", "").trim();
    if (!jvmArgs.isEmpty()) {
      command.addAll(List.of(jvmArgs.split("\\s+")));
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path")));
    command.add(main.getName());
    return command;
  }

  /**
   * Runs {@code main} again in a JVM with the flags Chronicle Queue needs on a plain class path
   * (inside the agent the extension grants them itself), and a heap large enough that the
   * collector does not dominate. Returns false when this JVM already has them.
   */
  static boolean relaunchWithChronicleFlags(Class<?> main, String[] args) throws Exception {
    if (java.lang.management.ManagementFactory.getRuntimeMXBean()
        .getInputArguments()
        .containsAll(CHRONICLE_FLAGS)) {
      return false;
    }
    List<String> command = javaCommand(main);
    command.addAll(List.of(args));
    int exit = new ProcessBuilder(command).inheritIO().start().waitFor();
    if (exit != 0) {
      System.exit(exit);
    }
    return true;
  }

  public static void main(String[] args) throws Exception {
    if (relaunchWithChronicleFlags(JournalSideBySide.class, args)) {
      return;
    }
    Map<String, String> options = parse(args);
    int spanCount = Integer.parseInt(options.getOrDefault("spans", "100000"));
    int batchSize = Integer.parseInt(options.getOrDefault("batch", "512"));
    int repeats = Integer.parseInt(options.getOrDefault("repeats", "3"));
    List<SpanData> spans = RealisticSpans.create(spanCount, 7);
    List<List<SpanData>> batches = new ArrayList<>();
    for (int i = 0; i < spanCount; i += batchSize) {
      batches.add(spans.subList(i, Math.min(spanCount, i + batchSize)));
    }
    List<System_> systems = new ArrayList<>();
    systems.add(levee(Compression.NONE));
    systems.add(levee(Compression.LZ4));
    String diskBuffering = options.get("disk-buffering");
    if (diskBuffering != null) {
      systems.add(diskBuffering(diskBuffering));
    } else {
      System.out.println("disk-buffering: not measured (no --disk-buffering CLASSPATH given)");
    }

    Map<String, List<Pass>> results = new LinkedHashMap<>();
    for (System_ system : systems) {
      results.put(system.name(), new ArrayList<>());
      inTemporaryDirectory(dir -> system.run(batches, dir)); // warm-up, not counted
    }
    for (int r = 0; r < repeats; r++) {
      for (System_ system : systems) { // interleaved, so drift hits every system alike
        results.get(system.name()).add(inTemporaryDirectory(dir -> system.run(batches, dir)));
      }
    }

    System.out.printf(
        Locale.ROOT,
        "%n%d spans in batches of %d, %d repeats (median, min-max); JDK %s, %d cores%n%n",
        spanCount,
        batchSize,
        repeats,
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors());
    System.out.println(
        "| system | write spans/s (from SpanData) | append spans/s (encoded) | write MB/s (on disk) | read spans/s (to OTLP bytes) | bytes on disk per span |");
    System.out.println("|---|---|---|---|---|---|");
    for (Map.Entry<String, List<Pass>> entry : results.entrySet()) {
      List<Pass> passes = entry.getValue();
      System.out.printf(
          Locale.ROOT,
          "| %s | %s | %s | %s | %s | %.0f |%n",
          entry.getKey(),
          spread(passes.stream().mapToDouble(Pass::writeSpansPerSecond).toArray(), "%,.0f"),
          entry.getKey().equals("disk-buffering")
              ? "(same as write)"
              : spread(passes.stream().mapToDouble(Pass::appendSpansPerSecond).toArray(), "%,.0f"),
          spread(passes.stream().mapToDouble(Pass::writeMegabytesPerSecond).toArray(), "%,.0f"),
          spread(passes.stream().mapToDouble(Pass::readSpansPerSecond).toArray(), "%,.0f"),
          passes.get(0).diskBytes() / (double) passes.get(0).spans());
    }
    StringBuilder last = new StringBuilder();
    double leveeWrite = median(results.get("levee").stream().mapToDouble(Pass::writeSpansPerSecond).toArray());
    double leveeAppend = median(results.get("levee").stream().mapToDouble(Pass::appendSpansPerSecond).toArray());
    double leveeRead = median(results.get("levee").stream().mapToDouble(Pass::readSpansPerSecond).toArray());
    last.append(
        String.format(
            Locale.ROOT,
            "levee_write_spans_per_s=%.0f levee_append_spans_per_s=%.0f levee_read_spans_per_s=%.0f",
            leveeWrite,
            leveeAppend,
            leveeRead));
    List<Pass> other = results.get("disk-buffering");
    if (other != null) {
      double dbWrite = median(other.stream().mapToDouble(Pass::writeSpansPerSecond).toArray());
      double dbRead = median(other.stream().mapToDouble(Pass::readSpansPerSecond).toArray());
      last.append(
          String.format(
              Locale.ROOT,
              " disk_buffering_write_spans_per_s=%.0f disk_buffering_read_spans_per_s=%.0f"
                  + " write_ratio=%.1f append_ratio=%.1f read_ratio=%.1f",
              dbWrite,
              dbRead,
              leveeWrite / dbWrite,
              leveeAppend / dbWrite,
              leveeRead / dbRead));
    }
    System.out.println();
    System.out.println(last);
  }

  private static System_ levee(Compression compression) {
    String name = compression == Compression.NONE ? "levee" : "levee lz4";
    return new System_() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Pass run(List<List<SpanData>> batches, Path directory) throws Exception {
        ChunkEncoder<SpanData> encoder = ChunkEncoder.spans();
        List<Chunk> chunks = new ArrayList<>();
        for (List<SpanData> batch : batches) {
          chunks.add(encoder.encode(batch, batch.size(), System.currentTimeMillis() * 1_000_000L));
        }
        double appendSeconds;
        try (Journal journal =
            Journal.open(
                JournalSettings.defaults(directory.resolve("append-only"), Signal.SPANS)
                    .withFsync(FsyncPolicy.NONE)
                    .withLimitBytes(64L << 30)
                    .withCompression(compression))) {
          long start = System.nanoTime();
          for (Chunk chunk : chunks) {
            if (!journal.append(chunk)) {
              throw new IllegalStateException("journal refused a chunk");
            }
          }
          appendSeconds = (System.nanoTime() - start) / 1e9;
        }
        // Let the append pass's chunks go: held, they are 180 MB the collector copies during the
        // write pass, which then measures the collector.
        chunks.clear();
        long spans = 0;
        try (Journal journal =
            Journal.open(
                JournalSettings.defaults(directory.resolve("write"), Signal.SPANS)
                    .withFsync(FsyncPolicy.NONE)
                    .withLimitBytes(64L << 30)
                    .withCompression(compression))) {
          long start = System.nanoTime();
          for (List<SpanData> batch : batches) {
            Chunk chunk = encoder.encode(batch, batch.size(), System.currentTimeMillis() * 1_000_000L);
            if (!journal.append(chunk)) {
              throw new IllegalStateException("journal refused a chunk");
            }
            spans += batch.size();
          }
          long written = System.nanoTime();
          long diskBytes = journal.stats().bytes();
          JournalCursor cursor = journal.cursor("bench");
          long read = 0;
          long payloadBytes = 0;
          while (true) {
            JournalCursor.Batch next = cursor.read(64, 8L << 20);
            if (next.isEmpty()) {
              break;
            }
            for (JournalCursor.Entry entry : next.entries()) {
              read += entry.chunk().itemCount();
              payloadBytes += entry.chunk().sizeBytes();
            }
            cursor.commit(next);
          }
          long done = System.nanoTime();
          check(read, spans, payloadBytes);
          return new Pass((written - start) / 1e9, appendSeconds, (done - written) / 1e9, diskBytes, spans);
        }
      }
    };
  }

  /** disk-buffering through reflection: it is not a build dependency. */
  private static System_ diskBuffering(String classpath) throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry : classpath.split(File.pathSeparator)) {
      if (!entry.isBlank()) {
        urls.add(Path.of(entry).toUri().toURL());
      }
    }
    // Parent first: the SDK classes are shared with the spans handed over.
    ClassLoader loader =
        new URLClassLoader("disk-buffering", urls.toArray(new URL[0]), JournalSideBySide.class.getClassLoader());
    String pkg = "io.opentelemetry.contrib.disk.buffering.storage.impl.";
    Class<?> configClass = loader.loadClass(pkg + "FileStorageConfiguration");
    Class<?> storageClass = loader.loadClass(pkg + "FileSpanStorage");
    Method builder = configClass.getMethod("builder");
    Class<?> builderClass = loader.loadClass(pkg + "FileStorageConfiguration$Builder");
    Method create = storageClass.getMethod("create", File.class, configClass);
    Method write = storageClass.getMethod("write", Collection.class);
    Method iterator = storageClass.getMethod("iterator");
    Method close = storageClass.getMethod("close");
    return new System_() {
      @Override
      public String name() {
        return "disk-buffering";
      }

      private Object configuration() throws Exception {
        Object b = builder.invoke(null);
        // Defaults (1 MB files) but no folder cap: the default 10 MB would drop data here.
        b = builderClass.getMethod("setMaxFolderSize", int.class).invoke(b, Integer.MAX_VALUE);
        b = builderClass.getMethod("setDeleteItemsOnIteration", boolean.class).invoke(b, true);
        return builderClass.getMethod("build").invoke(b);
      }

      @Override
      @SuppressWarnings("unchecked")
      public Pass run(List<List<SpanData>> batches, Path directory) throws Exception {
        Object configuration = configuration();
        File dir = directory.toFile();
        long spans = 0;
        long start = System.nanoTime();
        Object storage = create.invoke(null, dir, configuration);
        for (List<SpanData> batch : batches) {
          CompletableResultCode result = (CompletableResultCode) write.invoke(storage, batch);
          if (!result.join(30, TimeUnit.SECONDS).isSuccess()) {
            throw new IllegalStateException("disk-buffering refused a batch");
          }
          spans += batch.size();
        }
        close.invoke(storage); // makes the file being written readable
        long written = System.nanoTime();
        long diskBytes = directoryBytes(directory);
        Object reader = create.invoke(null, dir, configuration);
        long read = 0;
        long payloadBytes = 0;
        Iterator<Collection<SpanData>> it = (Iterator<Collection<SpanData>>) iterator.invoke(reader);
        while (it.hasNext()) {
          Collection<SpanData> batch = it.next();
          TraceRequestMarshaler request = TraceRequestMarshaler.create(batch);
          request.writeBinaryTo(OutputStream.nullOutputStream());
          payloadBytes += request.getBinarySerializedSize();
          read += batch.size();
        }
        close.invoke(reader);
        long done = System.nanoTime();
        check(read, spans, payloadBytes);
        // Its write takes SpanData: there is no separately encoded form to append.
        double seconds = (written - start) / 1e9;
        return new Pass(seconds, seconds, (done - written) / 1e9, diskBytes, spans);
      }
    };
  }

  private static void check(long read, long written, long payloadBytes) {
    if (read != written || payloadBytes <= 0) {
      throw new IllegalStateException("read back " + read + " of " + written + " spans");
    }
  }

  interface Body {
    Pass run(Path directory) throws Exception;
  }

  private static Pass inTemporaryDirectory(Body body) throws Exception {
    Path directory = Files.createTempDirectory("levee-side-by-side");
    try {
      return body.run(directory);
    } finally {
      try (Stream<Path> files = Files.walk(directory)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  private static long directoryBytes(Path directory) throws IOException {
    try (Stream<Path> files = Files.walk(directory)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  static String spread(double[] values, String format) {
    double min = java.util.Arrays.stream(values).min().orElse(0);
    double max = java.util.Arrays.stream(values).max().orElse(0);
    return String.format(Locale.ROOT, format + " (" + format + "–" + format + ")", median(values), min, max);
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException(
            "usage: JournalSideBySide [--spans N] [--batch N] [--repeats N] [--disk-buffering CLASSPATH]; bad: " + args[i]);
      }
      options.put(args[i].substring(2), args[++i]);
    }
    return options;
  }
}
