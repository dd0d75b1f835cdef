package dev.levee.exporter.internal.transport;

import dev.levee.buffer.Chunk;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Creates the real sender on a thread of its own, named {@code levee-connect-<target>}, when
 * {@link #prepare} is first called, or when there is first something to send.
 *
 * <p>What is made here is chosen by {@link Transports}: inside the agent an OkHttp client;
 * elsewhere grpc-java's channel or the JDK's HTTP client. The clients quick to make (OkHttp's, the
 * JDK's: {@link Transports#quickToSetUp}) are prepared as the exporter is built. Against making
 * OkHttp's at the first data (where an application whose only request is its last metric export
 * waited for it at exit), that shortened a do-nothing application's run under every agent
 * measured, by 0.4-0.8 s from 2.20, and brought its {@code main} 0.13-0.43 s sooner from 2.20,
 * level under 2.16.0, 0.2-0.45 s later under 2.10.0 (two cores; docs/design.md, "Connection
 * set-up"). grpc-java's channel loads some 1,200 classes and waits for the first data (made
 * while the agent started, on the agent's thread, it had delayed the application's {@code main}
 * by most of a second, and on a thread of Levee's own still by 0.3 s on two cores).
 *
 * <p>Meanwhile the dispatcher goes on taking and encoding what the application ends (were it
 * building the channel itself, a burst would fill the stage and the application's threads would
 * encode), and a request sent before the sender is ready starts as soon as it is, with what is
 * left of its deadline.
 *
 * <p>Internal, may change. Thread-safe.
 */
public final class LazySender implements Sender {
  private static final Logger logger = Logger.getLogger(LazySender.class.getName());

  private final String target;
  private final Callable<Sender> factory;
  /** The sender being built or built (null: the failure), or null before {@link #prepare}. */
  private volatile CompletableFuture<Sender> building;
  private volatile SendOutcome failure;
  private volatile boolean closed;

  public LazySender(String target, Callable<Sender> factory) {
    this.target = target;
    this.factory = factory;
  }

  /** Starts building the real sender on a thread of its own, once. Any thread; never blocks. */
  public void prepare() {
    if (!closed) {
      start(true);
    }
  }

  private synchronized CompletableFuture<Sender> start(boolean onItsOwnThread) {
    if (building != null) {
      return building;
    }
    CompletableFuture<Sender> started = new CompletableFuture<>();
    building = started;
    if (onItsOwnThread) {
      Thread builder = new Thread(() -> build(started), "levee-connect-" + target);
      builder.setDaemon(true);
      builder.start();
    } else {
      build(started);
    }
    return started;
  }

  private void build(CompletableFuture<Sender> result) {
    Sender sender = null;
    try {
      sender = factory.call();
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
    synchronized (this) {
      if (sender != null && closed) {
        sender.close(0); // closed while it was being built
      }
      result.complete(sender);
    }
  }

  /** The real sender, building it here if nobody has started; null when it cannot be built. */
  private Sender sender() {
    return start(false).join();
  }

  @Override
  public SendOutcome send(List<Chunk> chunks, long timeoutNanos) {
    Sender sender = sender();
    return sender != null ? sender.send(chunks, timeoutNanos) : failure;
  }

  @Override
  public CompletableFuture<SendOutcome> sendAsync(List<Chunk> chunks, long timeoutNanos) {
    CompletableFuture<Sender> ready = start(true);
    if (ready.isDone()) {
      Sender sender = ready.join();
      return sender != null ? sender.sendAsync(chunks, timeoutNanos) : CompletableFuture.completedFuture(failure);
    }
    long deadline = System.nanoTime() + timeoutNanos;
    return ready.thenCompose(
        sender ->
            sender != null
                ? sender.sendAsync(chunks, Math.max(1, deadline - System.nanoTime()))
                : CompletableFuture.completedFuture(failure));
  }

  @Override
  public String target() {
    return target;
  }

  @Override
  public boolean connected() {
    CompletableFuture<Sender> built = building;
    if (built == null || !built.isDone()) {
      return false;
    }
    Sender sender = built.join();
    return sender != null && sender.connected();
  }

  @Override
  public void close(long timeoutNanos) {
    Sender sender;
    synchronized (this) {
      closed = true;
      CompletableFuture<Sender> built = building;
      if (built == null || !built.isDone()) {
        return; // never built, or still being built: the builder closes it when done
      }
      sender = built.join();
    }
    if (sender != null) {
      sender.close(timeoutNanos);
    }
  }
}
