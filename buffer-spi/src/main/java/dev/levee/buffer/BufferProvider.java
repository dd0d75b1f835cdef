package dev.levee.buffer;

/**
 * Creates {@link ChunkBuffer}s; implementations are found with {@link java.util.ServiceLoader}
 * (see {@link BufferProviders}) and chosen by {@link #name()}.
 *
 * <p>Every implementation must pass the contract suite {@code AbstractChunkBufferContractTest}
 * published in this module's test jar.
 */
public interface BufferProvider {

  /** The name users select the provider by, e.g. {@code memory}. Lower case, no spaces. */
  String name();

  /** Builds a new, empty buffer. */
  ChunkBuffer create(BufferSettings settings);
}
