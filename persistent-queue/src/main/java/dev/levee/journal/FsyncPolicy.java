package dev.levee.journal;

/**
 * When the journal forces appended records to the storage device.
 *
 * <p>Records are always in the operating system's page cache as soon as they are appended, so
 * they survive the process being killed; the policy decides what survives the machine losing
 * power.
 */
public enum FsyncPolicy {
  /** Never: the OS writes pages back on its own schedule (on Linux, typically within 30 s). */
  NONE,
  /**
   * At most every {@code journal.fsync.interval}, on a thread of the journal's own (appends never
   * wait for the device): a power loss costs about that much.
   */
  INTERVAL,
  /** After every append: nothing acknowledged is lost, at the cost of one sync per append. */
  ALWAYS
}
