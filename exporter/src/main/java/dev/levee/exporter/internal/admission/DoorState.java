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
  private volatile boolean writeAhead;

  /** Shutdown has begun: from now on the door takes nothing (counted {@code shutdown}). */
  public void close() {
    closed = true;
  }

  public boolean closed() {
    return closed;
  }

  /**
   * Called once by the dispatcher thread when the journal is open; {@code writeAhead} with {@code
   * journal.mode=write_ahead}: from now on it takes every chunk.
   */
  public void journalOpened(ChunkJournal opened, boolean writeAhead) {
    this.writeAhead = writeAhead;
    this.journal = opened;
  }

  /** The open journal when it takes every chunk ({@code write_ahead}), else null. */
  public ChunkJournal writeAheadJournal() {
    ChunkJournal open = journal;
    return open != null && writeAhead ? open : null;
  }

  /** The open journal, or null (memory-only, or not open yet). */
  public ChunkJournal journal() {
    return journal;
  }
}
