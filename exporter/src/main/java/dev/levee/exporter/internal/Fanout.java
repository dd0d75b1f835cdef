package dev.levee.exporter.internal;

import dev.levee.exporter.internal.encode.ChunkEncoder;
import dev.levee.buffer.Chunk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code endpoints.mode=fanout}: every endpoint gets everything. Each endpoint has a pipeline of
 * its own (its share of memory, its own journal, breaker, retries and accounting), so a backend
 * that is down or slow holds back only its own copy. A batch is encoded once and the same
 * immutable chunk handed to every pipeline.
 *
 * <p>With metric compaction each pipeline compacts for itself (one endpoint may be behind while
 * another is not), so metric data is encoded per pipeline then.
 *
 * <p>Internal, may change. Thread-safe.
 */
public final class Fanout<T> {
  private static final Logger logger = Logger.getLogger(Fanout.class.getName());

  private final ChunkEncoder<T> encoder;
  private final List<Pipeline<T>> pipelines;
  private final io.opentelemetry.sdk.common.Clock clock;

  public Fanout(ChunkEncoder<T> encoder, List<Pipeline<T>> pipelines, io.opentelemetry.sdk.common.Clock clock) {
    if (pipelines.size() < 2) {
      throw new IllegalArgumentException("fanout needs at least two endpoints");
    }
    this.encoder = encoder;
    this.pipelines = List.copyOf(pipelines);
    this.clock = clock;
  }

  public List<Pipeline<T>> pipelines() {
    return pipelines;
  }

  /** Hands the batch to every endpoint's pipeline. Returns at once; never throws. */
  public CompletableResultCode export(Collection<T> items) {
    try {
      Pipeline<T> first = pipelines.get(0);
      if (first.compacting()) {
        List<CompletableResultCode> results = new ArrayList<>(pipelines.size());
        for (Pipeline<T> pipeline : pipelines) {
          results.add(pipeline.export(items));
        }
        return CompletableResultCode.ofAll(results);
      }
      if (!first.hasPriorityLane()) {
        return offer(items, false);
      }
      ChunkEncoder.PrioritySplit<T> split = encoder.splitByPriority(items);
      if (split.urgent().isEmpty()) {
        return offer(items, false);
      }
      if (split.ordinary().isEmpty()) {
        return offer(split.urgent(), true);
      }
      return CompletableResultCode.ofAll(
          List.of(offer(split.urgent(), true), offer(split.ordinary(), false)));
    } catch (Throwable t) {
      logger.log(Level.SEVERE, "Levee failed to take a batch of " + encoder.signal().itemNoun(), t);
      return CompletableResultCode.ofFailure();
    }
  }

  private CompletableResultCode offer(Collection<T> items, boolean priority) {
    int count = encoder.count(items);
    Chunk chunk = null;
    Throwable failure = null;
    try {
      chunk = encoder.encode(items, count, clock.now(), priority);
    } catch (Throwable t) {
      failure = t;
    }
    List<CompletableResultCode> results = new ArrayList<>(pipelines.size());
    for (Pipeline<T> pipeline : pipelines) {
      results.add(pipeline.exportEncoded(items, count, chunk, priority, failure));
    }
    return CompletableResultCode.ofAll(results);
  }
}
