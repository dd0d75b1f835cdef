package dev.levee.exporter.internal.transport;

import dev.levee.buffer.Chunk;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Sends one request, made of the given chunks placed end to end, and reports the outcome.
 *
 * <p>Internal, may change. Called by one dispatcher thread; {@link #close} from another.
 */
public interface Sender extends AutoCloseable {

  /** Sends the chunks as one request, waiting at most {@code timeoutNanos}. Never throws. */
  SendOutcome send(List<Chunk> chunks, long timeoutNanos);

  /**
   * Starts sending the chunks as one request, with a deadline {@code timeoutNanos} from now; the
   * future completes with the outcome (never exceptionally). Cancelling the future cancels the
   * request. Several may be in flight at once. By default, {@link #send} on the calling thread.
   */
  default CompletableFuture<SendOutcome> sendAsync(List<Chunk> chunks, long timeoutNanos) {
    return CompletableFuture.completedFuture(send(chunks, timeoutNanos));
  }

  /** Where this sender sends, for messages, e.g. {@code localhost:4317}. */
  String target();

  /**
   * Whether the backend accepts connections now, asking the transport to connect (at once, not
   * after its own backoff) if it is not connected; false when it cannot tell. Never blocks.
   */
  default boolean connected() {
    return false;
  }

  /** Releases every thread and connection, waiting at most {@code timeoutNanos}. Idempotent. */
  void close(long timeoutNanos);

  @Override
  default void close() {
    close(0);
  }
}
