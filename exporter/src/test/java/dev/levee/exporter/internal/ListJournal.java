package dev.levee.exporter.internal;

import dev.levee.buffer.Chunk;
import dev.levee.buffer.ChunkJournal;
import java.util.ArrayList;
import java.util.List;

/**
 * A journal in a list: enough to see what the dispatcher reads and commits. Like the real
 * cursor, it takes commits out of order and, after a rewind, reads again only what is not done.
 */
public final class ListJournal implements ChunkJournal {
  public final List<Chunk> records = new ArrayList<>();
  public final java.util.Set<Integer> done = new java.util.HashSet<>();
  public int committed; // every record before this index is done with
  int read;
  /** Appends beyond this many records are refused, as by a full journal. */
  public int limit = Integer.MAX_VALUE;

  @Override
  public boolean append(Chunk chunk) {
    if (records.size() >= limit) {
      return false;
    }
    records.add(chunk);
    return true;
  }

  @Override
  public Cursor cursor(String name, ReadOrder order) {
    return new Cursor() {
      @Override
      public Batch read(int maxRecords, long maxBytes) {
        while (read < records.size() && done.contains(read)) {
          read++;
        }
        if (read >= records.size()) {
          return new Batch(List.of(), -1, -1, 0);
        }
        int index = read++;
        return new Batch(List.of(records.get(index)), index, index, 1);
      }

      @Override
      public void commit(Batch batch) {
        for (long i = batch.firstIndex(); i <= batch.throughIndex(); i++) {
          done.add((int) i);
        }
        while (done.contains(committed)) {
          committed++;
        }
      }

      @Override
      public void rewind() {
        read = committed;
      }

      @Override
      public long lagRecords() {
        return records.size() - done.size();
      }
    };
  }

  @Override
  public void applyRetention() {}

  @Override
  public Stats stats() {
    return new Stats(records.size(), 0, 0, 0, 0, 0);
  }

  @Override
  public void close() {}
}
