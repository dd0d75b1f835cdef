package dev.levee.journal;

/**
 * A snapshot of a journal.
 *
 * @param records records held
 * @param bytes record bytes held (headers included)
 * @param items spans, metric data points or log records held
 * @param cycles cycle files held
 * @param oldestAcceptedEpochNanos accepted-at of the oldest record held, or 0 when empty
 * @param newestAcceptedEpochNanos accepted-at of the newest record held, or 0 when empty
 * @param droppedJournalFull items dropped because the byte cap was reached
 * @param droppedExpired items dropped because they passed the maximum age
 * @param corruptRecords records found damaged and skipped
 */
public record JournalStats(
    long records,
    long bytes,
    long items,
    int cycles,
    long oldestAcceptedEpochNanos,
    long newestAcceptedEpochNanos,
    long droppedJournalFull,
    long droppedExpired,
    long corruptRecords) {}
