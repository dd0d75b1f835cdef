package dev.levee.journal;

/** How a journal stores record payloads. */
public enum Compression {
  /** As they came: the exact OTLP request bytes. */
  NONE,
  /**
   * LZ4 block format (pure-Java codec, no native code). A record is stored compressed only when
   * that makes it smaller.
   */
  LZ4
}
