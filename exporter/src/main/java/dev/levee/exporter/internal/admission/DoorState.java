package dev.levee.exporter.internal.admission;

import dev.levee.buffer.ChunkJournal;

/**
 * What the door shares with the rest of the pipeline: whether shutdown has begun, and the journal
 * once the dispatcher thread has opened it. Written by the pipeline, read on the SDK's threads.
 *
 * <p>Internal, may change.
 */
public final class DoorState {
  private volatile boolean closed;
  private volatile ChunkJournal journal;

  /** Shutdown has begun: from now on the door takes nothing (counted {@code shutdown}). */
  public void close() {
    closed = true;
  }

  public boolean closed() {
    return closed;
  }

  /** Called once by the dispatcher thread when the journal is open. */
  public void journalOpened(ChunkJournal opened) {
    journal = opened;
  }

  /** The open journal, or null (memory-only, or not open yet). */
  public ChunkJournal journal() {
    return journal;
  }
}
