package dev.levee.exporter.internal.admission;

import dev.levee.buffer.Chunk;
import dev.levee.exporter.internal.encode.ChunkEncoder;
import io.opentelemetry.sdk.common.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Keeps one trace in a ratio (traces whole, chosen by trace id; log records without a trace at
 * random) and encodes what it keeps. Used by the rate limit's {@code sample} policy and by the
 * {@code downsample} overflow policy. Runs on the SDK's thread.
 *
 * <p>Internal, may change.
 */
final class Sampler<T> {
  private final ChunkEncoder<T> encoder;
  private final Clock clock;

  Sampler(ChunkEncoder<T> encoder, Clock clock) {
    this.encoder = encoder;
    this.clock = clock;
  }

  /** What a sample kept: the items, their count, and their chunk (null if none, or unencodable). */
  record Sampled<T>(List<T> items, int count, Chunk chunk) {}

  Sampled<T> sample(Collection<T> items, int ratio, boolean priority) {
    List<T> kept = new ArrayList<>();
    for (T item : items) {
      if (encoder.sampledIn(item, ratio)) {
        kept.add(item);
      }
    }
    int keptCount = encoder.count(kept);
    if (keptCount == 0) {
      return new Sampled<>(kept, 0, null);
    }
    try {
      return new Sampled<>(kept, keptCount, encoder.encode(kept, keptCount, clock.now(), priority));
    } catch (Throwable t) {
      return new Sampled<>(kept, keptCount, null);
    }
  }
}
