package dev.levee.buffer;

import java.util.Objects;

/**
 * What a {@link BufferProvider} needs to build a buffer.
 *
 * @param signal the signal the buffer will hold
 * @param capacityBytes the bound on buffered bytes, positive
 */
public record BufferSettings(Signal signal, long capacityBytes) {
  public BufferSettings {
    Objects.requireNonNull(signal, "signal");
    if (capacityBytes <= 0) {
      throw new IllegalArgumentException("capacityBytes must be positive, was " + capacityBytes);
    }
  }
}
