package dev.levee.exporter.internal;

import dev.levee.buffer.Chunk;
import java.util.List;

/**
 * Sends one request, made of the given chunks placed end to end, and reports the outcome.
 *
 * <p>Internal, may change. Called by one dispatcher thread; {@link #close} from another.
 */
public interface Sender extends AutoCloseable {

  /** Sends the chunks as one request, waiting at most {@code timeoutNanos}. Never throws. */
  SendOutcome send(List<Chunk> chunks, long timeoutNanos);

  /** Where this sender sends, for messages, e.g. {@code localhost:4317}. */
  String target();

  /** Releases every thread and connection, waiting at most {@code timeoutNanos}. Idempotent. */
  void close(long timeoutNanos);

  @Override
  default void close() {
    close(0);
  }
}
