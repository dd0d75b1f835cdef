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
 * <p>No {@code CompletableFuture} is made until a request has to wait for the sender: the first
 * one made initialises that class, which loads {@code ForkJoinPool} and one or two more classes
 * the agent instruments. Loaded while the agent builds its SDK, before its transformer is
 * installed, they are retransformed by the agent on the application's {@code main} thread
 * (docs/design.md, "No class for the agent to retransform").
 *
 * <p>Internal, may change. Thread-safe.
 */
public final class LazySender implements Sender {
  private static final Logger logger = Logger.getLogger(LazySender.class.getName());

  private final String target;
  private final Callable<Sender> factory;
  /** Whether building has started; guarded by this. */
  private boolean started;
  /** Whether building has ended; {@link #built} and {@link #failure} are set before. */
  private volatile boolean done;
  /** The sender built, or null when it could not be. */
  private Sender built;
  private volatile SendOutcome failure;
  /** Completed with the sender once built, for requests sent before; made on demand; guarded. */
  private CompletableFuture<Sender> waiting;
  /** Guarded by this. */
  private boolean closed;

  public LazySender(String target, Callable<Sender> factory) {
    this.target = target;
    this.factory = factory;
  }

  /** Starts building the real sender on a thread of its own, once. Any thread; never blocks. */
  public void prepare() {
    synchronized (this) {
      if (closed) {
        return;
      }
    }
    start(true);
  }

  private void start(boolean onItsOwnThread) {
    synchronized (this) {
      if (started) {
        return;
      }
      started = true;
    }
    if (onItsOwnThread) {
      Thread builder = new Thread(this::build, "levee-connect-" + target);
      builder.setDaemon(true);
      builder.start();
    } else {
      build();
    }
  }

  private void build() {
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
    CompletableFuture<Sender> toComplete;
    synchronized (this) {
      if (sender != null && closed) {
        sender.close(0); // closed while it was being built
      }
      built = sender;
      done = true;
      toComplete = waiting;
      notifyAll();
    }
    if (toComplete != null) {
      toComplete.complete(sender);
    }
  }

  /** The real sender, building it here if nobody has started; null when it cannot be built. */
  private Sender sender() {
    start(false);
    if (done) {
      return built;
    }
    boolean interrupted = false;
    synchronized (this) {
      while (!done) {
        try {
          wait();
        } catch (InterruptedException e) {
          interrupted = true; // the send goes on, as the rest of the call would
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return built;
  }

  @Override
  public SendOutcome send(List<Chunk> chunks, long timeoutNanos) {
    Sender sender = sender();
    return sender != null ? sender.send(chunks, timeoutNanos) : failure;
  }

  @Override
  public CompletableFuture<SendOutcome> sendAsync(List<Chunk> chunks, long timeoutNanos) {
    start(true);
    CompletableFuture<Sender> ready;
    synchronized (this) {
      if (done) {
        ready = null;
      } else {
        if (waiting == null) {
          waiting = new CompletableFuture<>();
        }
        ready = waiting;
      }
    }
    if (ready == null) {
      return sendOn(built, chunks, timeoutNanos);
    }
    long deadline = System.nanoTime() + timeoutNanos;
    return ready.thenCompose(
        sender -> sendOn(sender, chunks, Math.max(1, deadline - System.nanoTime())));
  }

  private CompletableFuture<SendOutcome> sendOn(Sender sender, List<Chunk> chunks, long nanos) {
    return sender != null
        ? sender.sendAsync(chunks, nanos)
        : CompletableFuture.completedFuture(failure);
  }

  @Override
  public String target() {
    return target;
  }

  @Override
  public boolean connected() {
    if (!done) {
      return false;
    }
    Sender sender = built;
    return sender != null && sender.connected();
  }

  @Override
  public void close(long timeoutNanos) {
    Sender sender;
    synchronized (this) {
      closed = true;
      if (!done) {
        return; // never built, or still being built: the builder closes it when done
      }
      sender = built;
    }
    if (sender != null) {
      sender.close(timeoutNanos);
    }
  }
}
