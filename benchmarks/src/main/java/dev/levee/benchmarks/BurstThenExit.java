package dev.levee.benchmarks;

import dev.levee.exporter.LeveeSpanExporter;
import dev.levee.exporter.LeveeStats;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An application that exports a burst and exits at once, with a healthy backend in another
 * process: how much Levee delivers before the process would end, per configuration (memory
 * default, {@code journal.mode=write_ahead}, {@code memory.limit=1MiB} with the journal). The
 * SDK's queue is not in the way here: batches of 512 spans go straight to {@code export()}, as
 * fast as it returns.
 *
 * <p>Run from the repository root after {@code mvn -DskipTests package}:
 * {@code java <the journal's JVM flags, see README> -cp benchmarks/target/levee-benchmarks.jar
 * dev.levee.benchmarks.BurstThenExit [spans] [memory,write_ahead,memory.limit=1MiB]}; each
 * configuration runs in turn in one JVM (the first pays for the JIT's warm-up).
 */
public final class BurstThenExit {
  private BurstThenExit() {}

  public static void main(String[] args) throws Exception {
    int total = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    List<String> configurations =
        args.length > 1
            ? List.of(args[1].split(","))
            : List.of("memory", "write_ahead", "memory.limit=1MiB");
    List<SpanData> batch = RealisticSpans.create(512, 7);
    try (ChildReceiver receiver = ChildReceiver.start()) {
      for (String configuration : configurations) {
        Path journal = Files.createTempDirectory("levee-burst");
        var builder =
            LeveeSpanExporter.builder()
                .setEndpoint(receiver.endpoint())
                .setJournalDirectory(journal)
                .setJournalOpen("at_start")
                .setJournalFsync("none")
                .setShutdownTimeout(Duration.ofSeconds(5));
        if (configuration.equals("write_ahead")) {
          builder.setJournalMode("write_ahead");
        } else if (configuration.startsWith("memory.limit")) {
          builder.setMemoryLimitBytes(1 << 20);
        }
        LeveeSpanExporter exporter = builder.build();
        long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!exporter.stats().journalOpen() && System.nanoTime() < waitUntil) {
          Thread.sleep(10);
        }
        long before = receiver.spans();
        long start = System.nanoTime();
        for (int sent = 0; sent < total; sent += batch.size()) {
          exporter.export(batch);
        }
        long exported = System.nanoTime();
        exporter.shutdown().join(30, TimeUnit.SECONDS);
        long stopped = System.nanoTime();
        LeveeStats stats = exporter.stats();
        System.out.printf(
            "%-18s export() of %d spans took %5d ms; shutdown took %5d ms; delivered %d, journaled %d,"
                + " pending %d, dropped %d%n",
            configuration,
            stats.offered(),
            TimeUnit.NANOSECONDS.toMillis(exported - start),
            TimeUnit.NANOSECONDS.toMillis(stopped - exported),
            stats.delivered(),
            stats.journaled(),
            stats.pending(),
            stats.droppedTotal());
        Thread.sleep(500);
        System.out.printf("%-18s the receiver counted %d%n", configuration, receiver.spans() - before);
      }
    }
  }
}
