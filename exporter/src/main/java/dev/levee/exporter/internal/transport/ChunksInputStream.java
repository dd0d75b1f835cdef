package dev.levee.exporter.internal.transport;

import dev.levee.buffer.Chunk;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * The request body. grpc-java asks {@link Drainable} streams to write themselves, so the
 * payloads go to the transport without an intermediate copy.
 */
final class ChunksInputStream extends InputStream implements Drainable, KnownLength {
  private final List<Chunk> chunks;
  private int index;
  private int offset;
  private int remaining;

  ChunksInputStream(List<Chunk> chunks) {
    this.chunks = chunks;
    for (Chunk chunk : chunks) {
      remaining += chunk.sizeBytes();
    }
  }

  @Override
  public int drainTo(OutputStream target) throws IOException {
    int written = 0;
    while (index < chunks.size()) {
      byte[] payload = chunks.get(index).payload();
      target.write(payload, offset, payload.length - offset);
      written += payload.length - offset;
      index++;
      offset = 0;
    }
    remaining = 0;
    return written;
  }

  @Override
  public int read() {
    while (index < chunks.size()) {
      byte[] payload = chunks.get(index).payload();
      if (offset < payload.length) {
        remaining--;
        return payload[offset++] & 0xff;
      }
      index++;
      offset = 0;
    }
    return -1;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (len == 0) {
      return 0;
    }
    int read = 0;
    while (read < len && index < chunks.size()) {
      byte[] payload = chunks.get(index).payload();
      int n = Math.min(len - read, payload.length - offset);
      System.arraycopy(payload, offset, b, off + read, n);
      read += n;
      offset += n;
      if (offset == payload.length) {
        index++;
        offset = 0;
      }
    }
    remaining -= read;
    return read == 0 ? -1 : read;
  }

  @Override
  public int available() {
    return remaining;
  }
}
