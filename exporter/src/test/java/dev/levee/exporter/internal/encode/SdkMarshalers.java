package dev.levee.exporter.internal.encode;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.opentelemetry.exporter.internal.marshal.Marshaler;
import io.opentelemetry.exporter.internal.otlp.logs.LogsRequestMarshaler;
import io.opentelemetry.exporter.internal.otlp.metrics.MetricsRequestMarshaler;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;

/**
 * The bytes the SDK's own OTLP marshalers (of the SDK on the test class path) write, and the
 * comparisons the request writers are held to.
 */
public final class SdkMarshalers {
  private SdkMarshalers() {}

  public static byte[] spans(Collection<SpanData> spans) {
    return bytes(TraceRequestMarshaler.create(spans));
  }

  public static byte[] logs(Collection<LogRecordData> logs) {
    return bytes(LogsRequestMarshaler.create(logs));
  }

  public static byte[] metrics(Collection<MetricData> metrics) {
    return bytes(MetricsRequestMarshaler.create(metrics));
  }

  private static byte[] bytes(Marshaler marshaler) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      marshaler.writeBinaryTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Holds Levee's bytes to SDK 1.44's: the same bytes, except where SDK 1.44 wrote two fields
   * differently from every later SDK, which Levee follows. There, the requests must be equal once
   * SDK 1.44's are read as a later SDK would have written them:
   *
   * <ul>
   *   <li>an empty string value: SDK 1.44 wrote an AnyValue with no field set (which reads as an
   *       empty value, not a string); later SDKs write {@code string_value: ""};
   *   <li>a zero exponential histogram sum: SDK 1.44 left the field out (it has presence, so that
   *       reads as "no sum"); later SDKs write it.
   * </ul>
   */
  public static <M extends Message> void assertSameAsSdk144(
      byte[] ours, byte[] sdk, Parser<M> parser, String description) {
    if (java.util.Arrays.equals(ours, sdk)) {
      return;
    }
    try {
      Message expected = asLaterSdksWriteIt(parser.parseFrom(sdk));
      // Both sides: SDK 1.44 also left out a sum of -0.0, read back here as 0.0.
      Message actual = asLaterSdksWriteIt(parser.parseFrom(ours));
      if (!actual.equals(expected)) {
        throw new AssertionError(
            description + ": Levee wrote\n" + actual + "\nwhere SDK 1.44 wrote\n" + expected);
      }
      assertThat(ours.length).as(description).isEqualTo(expected.getSerializedSize());
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(description + ": not a valid request", e);
    }
  }

  /** SDK 1.44's request as later SDKs write it (see {@link #assertSameAsSdk144}). */
  public static Message asLaterSdksWriteIt(Message message) {
    Message.Builder builder = message.toBuilder();
    normalize(builder);
    return builder.build();
  }

  private static void normalize(Message.Builder builder) {
    Descriptor type = builder.getDescriptorForType();
    switch (type.getFullName()) {
      case "opentelemetry.proto.common.v1.AnyValue" -> {
        if (builder.getOneofFieldDescriptor(type.getOneofs().get(0)) == null) {
          builder.setField(type.findFieldByName("string_value"), "");
        }
      }
      case "opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint" -> {
        FieldDescriptor sum = type.findFieldByName("sum");
        if (!builder.hasField(sum) || (double) builder.getField(sum) == 0.0) {
          builder.setField(sum, 0.0);
        }
      }
      default -> {}
    }
    for (FieldDescriptor field : type.getFields()) {
      if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        continue;
      }
      if (field.isRepeated()) {
        for (int i = 0; i < builder.getRepeatedFieldCount(field); i++) {
          normalize(builder.getRepeatedFieldBuilder(field, i));
        }
      } else if (builder.hasField(field)) {
        normalize(builder.getFieldBuilder(field));
      }
    }
  }
}
