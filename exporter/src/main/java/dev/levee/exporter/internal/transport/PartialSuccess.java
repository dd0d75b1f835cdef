package dev.levee.exporter.internal.transport;

import java.nio.charset.StandardCharsets;

/**
 * Reads {@code partial_success} from an OTLP {@code Export*ServiceResponse}.
 *
 * <p>All three responses share one layout: field 1 is the partial success message, whose field 1
 * is the rejected item count (int64) and field 2 the error message (string). Reading it by hand
 * keeps protobuf-java out of the extension for the sake of two fields. Unknown fields are skipped
 * as the protobuf rules require.
 *
 * <p>Internal, may change.
 */
public record PartialSuccess(long rejectedItems, String errorMessage) {
  static final PartialSuccess NONE = new PartialSuccess(0, "");

  /** The outcome of a delivered request that answered with this. */
  SendOutcome outcome() {
    return rejectedItems == 0 && errorMessage.isEmpty()
        ? SendOutcome.success()
        : SendOutcome.partialSuccess(rejectedItems, errorMessage);
  }

  /** Parses a response; an empty response means full success. */
  public static PartialSuccess parse(byte[] response) {
    ProtoReader reader = new ProtoReader(response, 0, response.length);
    PartialSuccess result = NONE;
    while (reader.hasMore()) {
      long tag = reader.varint();
      if (tag == ((1 << 3) | 2)) {
        result = parseInner(reader.sub((int) reader.varint()));
      } else {
        reader.skipField(tag);
      }
    }
    return result;
  }

  private static PartialSuccess parseInner(ProtoReader reader) {
    long rejected = 0;
    String message = "";
    while (reader.hasMore()) {
      long tag = reader.varint();
      if (tag == (1 << 3)) {
        rejected = reader.varint();
      } else if (tag == ((2 << 3) | 2)) {
        int length = (int) reader.varint();
        message = new String(reader.bytes, reader.position, length, StandardCharsets.UTF_8);
        reader.skipBytes(length);
      } else {
        reader.skipField(tag);
      }
    }
    return new PartialSuccess(rejected, message);
  }
}
