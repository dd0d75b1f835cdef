package dev.levee.exporter.internal.admission;

/**
 * What the door tells the delivery side (the dispatcher). Called on the SDK's threads; each call
 * returns at once.
 *
 * <p>Internal, may change.
 */
public interface Delivery {
  /** A chunk went into memory: delivery has more to send. Also wakes the dispatcher. */
  void accepted();

  /** A queued chunk was dropped from memory to make room for a newer one. */
  void evicted();

  /** Wakes the dispatcher thread (data reached the journal, or memory is wanted back). */
  void wake();

  /** Whether delivery is behind: data waits, or the breaker is open (for metric compaction). */
  boolean behind();

  /** The backends' addresses, for messages. */
  String targets();
}
