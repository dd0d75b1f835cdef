package dev.levee.exporter.internal.transport;

import dev.levee.buffer.Chunk;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Creates the real sender on first use, on the dispatcher thread.
 *
 * <p>Building grpc-java's channel loads some 1,400 classes through the agent's extension class
 * loader, which rewrites each one; done while the agent starts, that delayed the application's
 * {@code main} by most of a second (see {@code StartupOverhead} in the benchmarks module), and so
 * did connecting eagerly from Levee's own threads while the application was starting (three
 * threads loading classes on a small machine). Here it happens on the dispatcher thread when there
 * is first something to send.
 *
 * <p>Internal, may change. Used by one dispatcher thread.
 */
public final class LazySender implements Sender {
  private static final Logger logger = Logger.getLogger(LazySender.class.getName());

  private final String target;
  private final Callable<Sender> factory;
  private Sender delegate;
  private SendOutcome failure;

  public LazySender(String target, Callable<Sender> factory) {
    this.target = target;
    this.factory = factory;
  }

  private Sender delegate() {
    if (delegate == null && failure == null) {
      try {
        delegate = factory.call();
      } catch (Exception | LinkageError e) {
        logger.log(
            Level.SEVERE,
            "Levee cannot set up its connection to "
                + target
                + "; everything it is given will be dropped and counted as rejected. Cause: "
                + e,
            e);
        failure = SendOutcome.permanent("CONNECTION_SETUP_FAILED", String.valueOf(e));
      }
    }
    return delegate;
  }

  @Override
  public SendOutcome send(List<Chunk> chunks, long timeoutNanos) {
    Sender sender = delegate();
    return sender != null ? sender.send(chunks, timeoutNanos) : failure;
  }

  @Override
  public CompletableFuture<SendOutcome> sendAsync(List<Chunk> chunks, long timeoutNanos) {
    Sender sender = delegate();
    return sender != null
        ? sender.sendAsync(chunks, timeoutNanos)
        : CompletableFuture.completedFuture(failure);
  }

  @Override
  public String target() {
    return target;
  }

  @Override
  public boolean connected() {
    Sender sender = delegate;
    return sender != null && sender.connected();
  }

  @Override
  public void close(long timeoutNanos) {
    if (delegate != null) {
      delegate.close(timeoutNanos);
    }
  }
}
