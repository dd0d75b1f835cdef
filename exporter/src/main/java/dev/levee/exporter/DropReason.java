package dev.levee.exporter;

/** Why Levee let go of data it was offered. Every drop is counted under one of these. */
public enum DropReason {
  /** The memory tier was full when the SDK handed the data over. */
  MEMORY_FULL("memory_full"),
  /** The backend refused the data with a permanent error, or as rejected in a partial success. */
  REJECTED("rejected"),
  /** The exporter was shut down: data offered after shutdown, or not delivered within its timeout. */
  SHUTDOWN("shutdown"),
  /** The data could not be encoded as an OTLP request. */
  ENCODING_FAILED("encoding_failed"),
  /**
   * Memory was full and the journal at its byte cap, or the journal deleted undelivered data to
   * stay under it.
   */
  JOURNAL_FULL("journal_full"),
  /** The journal deleted undelivered data older than its maximum age. */
  EXPIRED("expired"),
  /** Over the rate limit, with {@code rate.limit.policy=drop}: turned away at {@code export()}. */
  RATE_LIMITED("rate_limited"),
  /**
   * Memory was full with {@code overflow.policy=downsample}: not in the one-in-N sample of traces
   * kept.
   */
  DOWNSAMPLED("downsampled"),
  /**
   * Without a journal, a request still failing after {@code retry.max.elapsed}: given up to free
   * memory for newer data.
   */
  RETRIES_EXHAUSTED("retries_exhausted"),
  /**
   * With {@code metrics.compaction=latest}, a cumulative data point replaced, while delivery was
   * behind, by a newer point of the same stream (which carries its value forward).
   */
  SUPERSEDED("superseded");

  private final String label;

  DropReason(String label) {
    this.label = label;
  }

  /** The reason as it appears in logs, metrics and stats, e.g. {@code memory_full}. */
  public String label() {
    return label;
  }
}
