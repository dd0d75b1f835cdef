package dev.levee.exporter.internal.encode;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The backward writer against protobuf's own forward {@code CodedOutputStream}. */
class BackwardProtoWriterTest {
  private static final int[] INTS = {
    0, 1, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152, 268_435_455, 268_435_456,
    Integer.MAX_VALUE, -1, Integer.MIN_VALUE
  };
  private static final long[] LONGS = {
    0, 1, 127, 128, 16_383, 16_384, 1L << 35, (1L << 49) - 1, 1L << 56, Long.MAX_VALUE, -1,
    Long.MIN_VALUE, -16_384
  };

  private final BackwardProtoWriter writer = new BackwardProtoWriter();

  @Test
  void writesVarintsAndFixedNumbersAsProtobufDoes() throws IOException {
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    CodedOutputStream forward = CodedOutputStream.newInstance(expected);
    for (int value : INTS) {
      forward.writeUInt32NoTag(value);
      forward.writeFixed32NoTag(value);
    }
    for (long value : LONGS) {
      forward.writeUInt64NoTag(value);
      forward.writeFixed64NoTag(value);
    }
    forward.flush();

    for (int i = LONGS.length - 1; i >= 0; i--) {
      writer.writeFixed64(LONGS[i]);
      writer.writeVarint64(LONGS[i]);
    }
    for (int i = INTS.length - 1; i >= 0; i--) {
      writer.writeFixed32(INTS[i]);
      writer.writeVarint32(INTS[i]);
    }

    assertThat(writer.toByteArrayAndReset()).isEqualTo(expected.toByteArray());
    for (int value : INTS) {
      assertThat(BackwardProtoWriter.varint32Size(value))
          .isEqualTo(CodedOutputStream.computeUInt32SizeNoTag(value));
    }
  }

  @Test
  void writesNestedMessagesWithTheirLengthsAndTags() throws IOException {
    // message { 3: "abc", 7: { 1: 5 } } as protobuf writes it, forwards.
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    CodedOutputStream forward = CodedOutputStream.newInstance(expected);
    forward.writeString(3, "abc");
    forward.writeTag(7, 2);
    forward.writeUInt32NoTag(2);
    forward.writeUInt32(1, 5);
    forward.flush();

    int nested = writer.size();
    writer.writeVarint32(5);
    writer.writeTag(1, BackwardProtoWriter.VARINT);
    writer.endMessage(7, nested);
    int string = writer.size();
    writer.writeUtf8("abc");
    writer.endMessage(3, string);

    assertThat(writer.toByteArrayAndReset()).isEqualTo(expected.toByteArray());
  }

  @Test
  void encodesUtf8AsTheJdkDoesLoneSurrogatesIncluded() {
    RandomTelemetry random = new RandomTelemetry(8);
    for (int i = 0; i < 2000; i++) {
      String value = random.string();
      writer.writeUtf8(value);
      assertThat(writer.toByteArrayAndReset())
          .as("%s", value)
          .isEqualTo(value.getBytes(StandardCharsets.UTF_8));
    }
    for (String edge :
        new String[] {"", "\uD800", "\uDC00", "a\uD800", "\uDC00a", "\uD800\uD800\uDC00", "\uD83D\uDCA5"}) {
      writer.writeUtf8(edge);
      assertThat(writer.toByteArrayAndReset()).isEqualTo(edge.getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void writesHexIdsAsTheirBytes() {
    writer.writeHexAsBytes("00ff7fA0");

    assertThat(writer.toByteArrayAndReset()).containsExactly(0x00, 0xff, 0x7f, 0xa0);
  }

  @Test
  void growsPastItsBufferKeepingWhatWasWrittenAndTakesBytesOffTheEnd() {
    byte[] large = new byte[200_000];
    new Random(1).nextBytes(large);
    writer.writeBytes(new byte[] {1, 2, 3});
    int mark = writer.size();
    writer.writeBytes(large);

    byte[] taken = writer.takeSince(mark);

    assertThat(taken).isEqualTo(large);
    assertThat(writer.size()).isEqualTo(mark);
    assertThat(writer.toByteArrayAndReset()).containsExactly(1, 2, 3);
    assertThat(writer.size()).isZero();
  }
}
