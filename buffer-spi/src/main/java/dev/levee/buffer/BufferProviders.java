package dev.levee.buffer;

import dev.levee.buffer.internal.MemoryBufferProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Finds {@link BufferProvider}s with {@link ServiceLoader}. */
public final class BufferProviders {

  /** The name of the default provider, a bytes-bounded multi-producer memory queue. */
  public static final String DEFAULT_PROVIDER = MemoryBufferProvider.NAME;

  private BufferProviders() {}

  /**
   * Returns the provider named {@code name}, looking in {@code classLoader}.
   *
   * @throws IllegalArgumentException if no provider has that name; the message lists the names
   *     found
   */
  public static BufferProvider find(String name, ClassLoader classLoader) {
    List<String> seen = new ArrayList<>();
    for (BufferProvider provider : ServiceLoader.load(BufferProvider.class, classLoader)) {
      if (provider.name().equals(name)) {
        return provider;
      }
      seen.add(provider.name());
    }
    // The default is always available, even where service files were lost in repackaging.
    if (DEFAULT_PROVIDER.equals(name)) {
      return new MemoryBufferProvider();
    }
    throw new IllegalArgumentException(
        "No buffer provider named '" + name + "'; found " + seen);
  }
}
