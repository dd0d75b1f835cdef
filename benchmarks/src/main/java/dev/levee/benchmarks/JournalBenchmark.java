package dev.levee.benchmarks;

import dev.levee.buffer.Chunk;
import dev.levee.buffer.Signal;
import dev.levee.exporter.internal.encode.ChunkEncoder;
import dev.levee.journal.Compression;
import dev.levee.journal.FsyncPolicy;
import dev.levee.journal.Journal;
import dev.levee.journal.JournalCursor;
import dev.levee.journal.JournalSettings;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The journal's append and read of realistic span chunks, in spans per second: a chunk is one SDK
 * batch ({@code spansPerChunk} spans encoded as one OTLP request), as the exporter journals it.
 * Real Chronicle Queue on a real directory under {@code java.io.tmpdir}, fsync off (page cache), as
 * with {@code journal.fsync=none}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {
      "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
      "--add-opens=java.base/java.nio=ALL-UNNAMED"
    })
public class JournalBenchmark {
  @Param({"64", "512"})
  public int spansPerChunk;

  /** {@code none} or {@code lz4}: the journal.compression setting. */
  @Param({"none", "lz4"})
  public String compression;

  private Path directory;
  private Journal journal;
  private JournalCursor cursor;
  private Chunk chunk;

  @Setup(Level.Iteration)
  public void setUp() throws Exception {
    List<SpanData> spans = RealisticSpans.create(spansPerChunk, 11);
    chunk = ChunkEncoder.spans().encode(spans, spansPerChunk, 0L);
    directory = Files.createTempDirectory("levee-journal-bench");
    journal =
        Journal.open(
            JournalSettings.defaults(directory, Signal.SPANS)
                .withFsync(FsyncPolicy.NONE)
                .withLimitBytes(64L << 30)
                .withCompression(Compression.valueOf(compression.toUpperCase(java.util.Locale.ROOT))));
    cursor = journal.cursor("bench");
  }

  @TearDown(Level.Iteration)
  public void tearDown() throws IOException {
    journal.close();
    deleteTree(directory);
  }

  /** Deletes a journal's directory and everything in it. */
  static void deleteTree(Path directory) throws IOException {
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  /** Appends one chunk; the score times spansPerChunk is spans per second. */
  @Benchmark
  public boolean append() {
    return journal.append(chunk);
  }

  /** Appends then reads back and commits one chunk. */
  @Benchmark
  @OperationsPerInvocation(1)
  public long appendThenRead() {
    journal.append(chunk);
    JournalCursor.Batch batch = cursor.read(1, Long.MAX_VALUE);
    cursor.commit(batch);
    return batch.throughIndex();
  }
}
