package dev.levee.buffer.internal;

import dev.levee.buffer.BufferProvider;
import dev.levee.buffer.BufferSettings;
import dev.levee.buffer.ChunkBuffer;

/**
 * The default {@link BufferProvider}: {@link MemoryBuffer}.
 *
 * <p>Internal, may change; public because {@link java.util.ServiceLoader} needs it.
 */
public final class MemoryBufferProvider implements BufferProvider {
  public static final String NAME = "memory";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ChunkBuffer create(BufferSettings settings) {
    return new MemoryBuffer(settings.capacityBytes());
  }
}
