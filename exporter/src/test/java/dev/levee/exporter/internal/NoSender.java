package dev.levee.exporter.internal;

import dev.levee.buffer.Chunk;
import dev.levee.exporter.internal.transport.SendOutcome;
import dev.levee.exporter.internal.transport.Sender;
import java.util.List;

/** A sender for tests that never send: each call to {@link #send} fails the test. */
public final class NoSender implements Sender {
  private final String target;

  public NoSender(String target) {
    this.target = target;
  }

  @Override
  public SendOutcome send(List<Chunk> chunks, long timeoutNanos) {
    throw new AssertionError("nothing is sent in this test");
  }

  @Override
  public String target() {
    return target;
  }

  @Override
  public void close(long timeoutNanos) {}
}
