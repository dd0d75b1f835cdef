package dev.levee.exporter.internal;

import java.util.Locale;

/** How an exporter uses its journal ({@code journal.mode}). Internal, may change. */
public enum JournalMode {
  /** Memory-only. */
  OFF,
  /** What memory cannot hold, or the backend cannot take, goes to disk. */
  OVERFLOW,
  /** Every chunk is on disk before {@code export()} reports success; delivery reads from disk. */
  WRITE_AHEAD;

  /** The configuration name, e.g. {@code write_ahead}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
