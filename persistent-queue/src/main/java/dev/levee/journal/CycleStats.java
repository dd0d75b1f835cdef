package dev.levee.journal;

/** Counts for one cycle file. */
final class CycleStats {
  long records;
  long bytes;
  long items;
  long oldestAcceptedEpochNanos = Long.MAX_VALUE;
  long newestAcceptedEpochNanos = Long.MIN_VALUE;

  void add(long recordBytes, long recordItems, long acceptedAt) {
    records++;
    bytes += recordBytes;
    items += recordItems;
    oldestAcceptedEpochNanos = Math.min(oldestAcceptedEpochNanos, acceptedAt);
    newestAcceptedEpochNanos = Math.max(newestAcceptedEpochNanos, acceptedAt);
  }
}
