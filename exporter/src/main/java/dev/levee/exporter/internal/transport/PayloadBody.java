package dev.levee.exporter.internal.transport;

import dev.levee.buffer.Chunk;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.BufferedSink;

/**
 * An OkHttp request body of payloads written end to end as they are, not copied into one array,
 * optionally behind gRPC's five-byte message prefix. Internal, may change; load it only when
 * {@link Transports#okHttp} says so.
 */
final class PayloadBody extends RequestBody {
  private final MediaType type;
  private final List<byte[]> parts;
  private final long length;
  /** With gRPC's prefix: its compressed flag (0 or 1); -1 without a prefix. */
  private final int grpcFlag;

  private PayloadBody(MediaType type, List<byte[]> parts, int grpcFlag) {
    this.type = type;
    this.parts = parts;
    long total = 0;
    for (byte[] part : parts) {
      total += part.length;
    }
    this.length = total;
    this.grpcFlag = grpcFlag;
  }

  /** The chunks' payloads as the whole body. */
  static PayloadBody of(MediaType type, List<Chunk> chunks) {
    return new PayloadBody(type, payloads(chunks), -1);
  }

  /** One array (gzipped payloads) as the whole body. */
  static PayloadBody of(MediaType type, byte[] body) {
    return new PayloadBody(type, List.of(body), -1);
  }

  /** One gRPC message: the prefix, then the chunks' payloads. */
  static PayloadBody grpcMessage(MediaType type, List<Chunk> chunks) {
    return new PayloadBody(type, payloads(chunks), 0);
  }

  /** One gzip-compressed gRPC message: the prefix flagged compressed, then the gzipped payloads. */
  static PayloadBody grpcMessage(MediaType type, byte[] gzipped) {
    return new PayloadBody(type, List.of(gzipped), 1);
  }

  private static List<byte[]> payloads(List<Chunk> chunks) {
    List<byte[]> payloads = new ArrayList<>(chunks.size());
    for (Chunk chunk : chunks) {
      payloads.add(chunk.payload());
    }
    return payloads;
  }

  @Override
  public MediaType contentType() {
    return type;
  }

  @Override
  public long contentLength() {
    return grpcFlag < 0 ? length : 5 + length;
  }

  @Override
  public void writeTo(BufferedSink sink) throws IOException {
    if (grpcFlag >= 0) {
      sink.writeByte(grpcFlag);
      sink.writeInt((int) length);
    }
    for (byte[] part : parts) {
      sink.write(part);
    }
  }
}
