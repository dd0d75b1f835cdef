package dev.levee.benchmarks;

import dev.levee.buffer.Chunk;
import dev.levee.buffer.Signal;
import dev.levee.exporter.internal.encode.ChunkEncoder;
import dev.levee.journal.FsyncPolicy;
import dev.levee.journal.Journal;
import dev.levee.journal.JournalCursor;
import dev.levee.journal.JournalSettings;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The SDK's thread appending to the journal while the dispatcher thread reads and commits what it
 * delivered, as during a backlog drain or in {@code write_ahead} mode: the append latency the
 * SDK's thread sees (sample mode: percentiles), with the commit's cursor file write and the
 * deletion of consumed files going on beside it. Real Chronicle Queue on a real directory.
 *
 * <p>{@code fsync=always} makes each commit force the cursor file to the device; {@code interval}
 * is the default.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {
      "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
      "--add-opens=java.base/java.nio=ALL-UNNAMED"
    })
public class JournalContentionBenchmark {
  @Param({"interval", "always"})
  public String fsync;

  private Path directory;
  private Journal journal;
  private JournalCursor cursor;
  private Chunk chunk;

  @Setup(Level.Iteration)
  public void setUp() throws Exception {
    List<SpanData> spans = RealisticSpans.create(64, 11);
    chunk = ChunkEncoder.spans().encode(spans, 64, 0L);
    directory = Files.createTempDirectory("levee-journal-contention");
    journal =
        Journal.open(
            JournalSettings.defaults(directory, Signal.SPANS)
                .withFsync(FsyncPolicy.valueOf(fsync.toUpperCase(Locale.ROOT)))
                .withLimitBytes(64L << 30));
    cursor = journal.cursor("delivery");
  }

  @TearDown(Level.Iteration)
  public void tearDown() throws IOException {
    journal.close();
    JournalBenchmark.deleteTree(directory);
  }

  /** The SDK's thread: one chunk of 64 spans into the journal. */
  @Benchmark
  @Group("appendWhileCommitting")
  @GroupThreads(1)
  public boolean append() {
    return journal.append(chunk);
  }

  /** The dispatcher thread: reads what is there and commits it, as after a delivered request. */
  @Benchmark
  @Group("appendWhileCommitting")
  @GroupThreads(1)
  public long readAndCommit() {
    JournalCursor.Batch batch = cursor.read(16, 2L << 20);
    cursor.commit(batch);
    return batch.records();
  }
}
