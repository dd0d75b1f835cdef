package dev.levee.exporter.internal.transport;

import java.util.Locale;

/** How request bodies are compressed on the wire. Internal, may change. */
public enum Compression {
  NONE,
  GZIP;

  /** The configuration name, e.g. {@code gzip}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
