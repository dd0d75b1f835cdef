package dev.levee.exporter.internal.admission;

import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

import dev.levee.buffer.Chunk;

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
  private volatile Thread dispatcher;
  /** With a Levee processor in front, the memory its stage holds; else none. */
  private volatile LongSupplier staged = () -> 0;
  /** With a Levee processor in front, the most its stage holds; else 0. */
  private volatile long stageCapBytes;

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

  /**
   * A Levee processor's stage is in front: what it holds counts against {@code memory.limit}, and
   * memory keeps room for the most it holds ({@code capBytes}), since the stage fills while memory
   * is full too.
   */
  public void stageInFront(LongSupplier stagedBytes, long capBytes) {
    this.staged = stagedBytes;
    this.stageCapBytes = capBytes;
  }

  /**
   * The room memory keeps for the stage in front: the most it holds, or what it holds now if that
   * is more (its bound is by the encoded size of recent items); 0 without a stage.
   */
  public long stageReserveBytes() {
    long cap = stageCapBytes;
    return cap <= 0 ? 0 : Math.max(cap, staged.getAsLong());
  }

  /** The memory a Levee processor's stage holds for this pipeline, by encoded size. */
  public long stagedBytes() {
    return staged.getAsLong();
  }

  /** The dispatcher thread, which never waits for memory: it is what frees memory. */
  public void dispatcherThread(Thread thread) {
    this.dispatcher = thread;
  }

  public boolean onTheDispatcherThread() {
    return Thread.currentThread() == dispatcher;
  }

  private volatile Runnable journalWanted = () -> {};
  private volatile BooleanSupplier journalOpening = () -> false;

  /**
   * What {@link #wantJournal} runs: the dispatcher thread's request to open the journal; and
   * whether an opening is under way.
   */
  public void onJournalWanted(Runnable wanted, BooleanSupplier opening) {
    this.journalWanted = wanted;
    this.journalOpening = opening;
  }

  /** Whether the journal is being opened and does not take data yet. */
  public boolean journalOpening() {
    return journal == null && journalOpening.getAsBoolean();
  }

  /**
   * The journal is needed (memory filling, a request failing, data left at the end) and is not
   * open: it is opened, on its own thread. Any thread; cheap; never blocks.
   */
  public void wantJournal() {
    if (journal == null) {
      journalWanted.run();
    }
  }

  /** Takes what memory cannot while the journal opens; false when it cannot. */
  private volatile Predicate<Chunk> spill = chunk -> false;

  /**
   * While the journal opens, {@code spill} takes what memory cannot (a file in its directory, moved
   * into the journal once it is open); reset to nothing once the journal is open or has failed.
   */
  public void spillWith(Predicate<Chunk> spill) {
    this.spill = spill != null ? spill : chunk -> false;
  }

  /** Any thread: whether the spill of an opening journal took the chunk. */
  public boolean spilled(Chunk chunk) {
    return journal == null && spill.test(chunk);
  }

  /** The open journal, or null (memory-only, or not open yet). */
  public ChunkJournal journal() {
    return journal;
  }
}
