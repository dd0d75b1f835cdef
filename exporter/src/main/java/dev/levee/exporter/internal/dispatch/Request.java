package dev.levee.exporter.internal.dispatch;

import dev.levee.buffer.Chunk;
import dev.levee.buffer.ChunkBuffer;
import dev.levee.buffer.ChunkJournal;
import dev.levee.exporter.internal.transport.Endpoints;
import dev.levee.exporter.internal.transport.SendOutcome;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One request: its chunks, where they came from, and its outcome once it has one. Confined to the
 * dispatcher thread.
 */
final class Request {
  final List<Chunk> chunks;
  final long items;
  final long bytes;
  /** Non-null when the chunks were read from the journal. */
  final ChunkJournal.Batch journalBatch;
  /** The memory lane the chunks were taken from (their bytes go back to it); null: journal. */
  final ChunkBuffer lane;
  CompletableFuture<SendOutcome> result;
  long startedNanos;
  boolean throttleCounted;
  Endpoints.Endpoint endpoint;
  /** When it was first sent; for the retry limit. */
  long firstSentNanos = Long.MIN_VALUE;
  /**
   * Whether it was filled to the adaptive size: it reached it, or the next chunk did not fit. Only
   * an answer to a full request says the size may grow.
   */
  boolean full;
  /** After a retryable failure: not sent again before this time. */
  long retryDueNanos;

  private Request(List<Chunk> chunks, ChunkJournal.Batch journalBatch, ChunkBuffer lane) {
    this.chunks = chunks;
    this.journalBatch = journalBatch;
    this.lane = lane;
    long i = 0;
    long b = 0;
    for (Chunk chunk : chunks) {
      i += chunk.itemCount();
      b += chunk.sizeBytes();
    }
    this.items = i;
    this.bytes = b;
  }

  /** Chunks taken from a memory lane. */
  static Request fromMemory(List<Chunk> chunks, ChunkBuffer lane) {
    return new Request(chunks, null, lane);
  }

  /** Records read from the journal. */
  static Request fromJournal(ChunkJournal.Batch batch) {
    return new Request(batch.chunks(), batch, null);
  }

  boolean fromJournal() {
    return journalBatch != null;
  }

  /** The outcome of a completed request; a failure to say is a retryable failure without answer. */
  SendOutcome outcome() {
    SendOutcome outcome;
    try {
      outcome = result.getNow(null);
    } catch (RuntimeException e) {
      outcome = SendOutcome.retryable("UNKNOWN", String.valueOf(e));
    }
    return outcome != null ? outcome : SendOutcome.retryable("UNKNOWN", "no outcome");
  }
}
