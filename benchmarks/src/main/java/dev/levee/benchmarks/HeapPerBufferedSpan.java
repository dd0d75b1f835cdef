package dev.levee.benchmarks;

import dev.levee.exporter.LeveeSpanExporter;
import dev.levee.exporter.LeveeStats;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What a span costs on the heap while Levee holds it in memory, against its encoded size: the
 * goal is at most 1.2 times. Realistic spans (10 attributes, 2 events, 1 link) are exported in SDK
 * batches of 512 to a Levee exporter whose backend is down and whose journal is off, so everything
 * stays in the memory tier; the heap in use after a full collection is compared before and after.
 *
 * <pre>
 * java -cp benchmarks/target/levee-benchmarks.jar dev.levee.benchmarks.HeapPerBufferedSpan [spans]
 * </pre>
 */
public final class HeapPerBufferedSpan {
  private HeapPerBufferedSpan() {}

  public static void main(String[] args) throws Exception {
    int spans = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort(); // closed again: a backend that is down
    }
    List<SpanData> batch = RealisticSpans.create(512, 42);
    LeveeSpanExporter exporter =
        LeveeSpanExporter.builder()
            .setEndpoint("http://127.0.0.1:" + port)
            .setJournalMode("off")
            .setMemoryLimitBytes(1L << 30)
            .setShutdownTimeout(Duration.ofMillis(100))
            .build();
    // Warm up the encoder and the dispatcher's first failed attempts before measuring.
    exporter.export(batch);
    Thread.sleep(500);
    long before = liveHeapAfterGc();
    LeveeStats start = exporter.stats();
    for (int exported = 0; exported < spans; exported += batch.size()) {
      exporter.export(batch);
    }
    long after = liveHeapAfterGc();
    LeveeStats end = exporter.stats();
    long held = end.pending() - start.pending();
    long encoded = end.memoryUsedBytes() - start.memoryUsedBytes();
    double heapPerSpan = (after - before) / (double) held;
    double encodedPerSpan = encoded / (double) held;
    System.out.printf(
        Locale.ROOT,
        "%,d spans held in memory: %.0f bytes of heap per span, %.0f bytes encoded per span: %.2f×"
            + " (goal ≤ 1.2×); dropped %d%n",
        held,
        heapPerSpan,
        encodedPerSpan,
        heapPerSpan / encodedPerSpan,
        end.droppedTotal());
    exporter.shutdown().join(10, TimeUnit.SECONDS);
  }

  /** Heap in use after full collections, summed over the heap pools. */
  private static long liveHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    long used = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        used += pool.getUsage().getUsed();
      }
    }
    return used;
  }
}
