package dev.levee.exporter.internal;

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
  BLOCK;

  public String lowerName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code spill}, {@code drop_newest}, {@code drop_oldest} or {@code block}. */
  public static OverflowPolicy parse(String name) {
    for (OverflowPolicy policy : values()) {
      if (policy.lowerName().equals(name)) {
        return policy;
      }
    }
    throw new IllegalArgumentException(
        "overflowPolicy must be spill, drop_newest, drop_oldest or block, was '" + name + "'");
  }
}
