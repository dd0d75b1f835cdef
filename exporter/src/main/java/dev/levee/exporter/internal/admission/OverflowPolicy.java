package dev.levee.exporter.internal.admission;

import java.util.Locale;

/**
 * What {@code export()} does when the memory tier is full. Internal, may change.
 *
 * <p>With {@code journal.mode=write_ahead} every chunk goes to the journal and memory never
 * overflows, so the policy does not apply.
 */
public enum OverflowPolicy {
  /** To the journal; without one, the new data is dropped ({@code memory_full}). */
  SPILL,
  /** The new data is dropped ({@code memory_full}), even with a journal. */
  DROP_NEWEST,
  /**
   * The oldest data still queued in memory is dropped ({@code memory_full}) to make room: fresh
   * data matters more than old during a long outage.
   */
  DROP_OLDEST,
  /**
   * {@code export()} waits for room, up to {@code overflow.block.timeout}, then spills: back
   * pressure on the SDK's export thread (the application's threads only with a simple span
   * processor), never indefinite.
   */
  BLOCK,
  /**
   * Spans with status ERROR and log records of severity WARN or above travel in a priority lane: a
   * quarter of {@code memory.limit} kept for them, sent before anything else; the rest spills as
   * with {@link #SPILL}. When memory is short, ordinary data is dropped and the priority lane is
   * kept.
   */
  PRIORITY,
  /**
   * One trace in {@code overflow.downsample.ratio} is kept, chosen by trace id so traces stay
   * whole; the rest is dropped ({@code downsampled}) and what is kept spills if memory is still
   * full. Metric data is not sampled: it spills.
   */
  DOWNSAMPLE;

  public String lowerName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Whether what memory cannot take goes to the journal once it is open (block's after its wait),
   * rather than being dropped as under the drop and downsample policies.
   */
  public boolean spillsToTheJournal() {
    return this == SPILL || this == PRIORITY || this == BLOCK;
  }
}
