package dev.levee.exporter.internal;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import java.util.List;
import java.util.Random;

/** Random telemetry parts for holding the request writers to the SDK's marshalers. */
final class RandomTelemetry {
  private RandomTelemetry() {}

  static SpanContext context(Random random, boolean remote) {
    String traceId = String.format("%016x%016x", random.nextLong(), random.nextLong() | 1);
    String spanId = String.format("%016x", random.nextLong() | 1);
    TraceFlags flags = random.nextBoolean() ? TraceFlags.getSampled() : TraceFlags.getDefault();
    TraceState state =
        random.nextInt(4) == 0
            ? TraceState.builder().put("vendor", "v" + random.nextInt(100)).put("x", "y").build()
            : TraceState.getDefault();
    return remote
        ? SpanContext.createFromRemoteParent(traceId, spanId, flags, state)
        : SpanContext.create(traceId, spanId, flags, state);
  }

  static Attributes randomAttributes(Random random) {
    AttributesBuilder builder = Attributes.builder();
    for (int i = random.nextInt(12); i > 0; i--) {
      String key = random.nextInt(20) == 0 ? randomString(random) : "key." + random.nextInt(30);
      switch (random.nextInt(9)) {
        case 0 -> builder.put(AttributeKey.stringKey(key), randomString(random));
        case 1 -> builder.put(AttributeKey.longKey(key), random.nextLong() >> random.nextInt(64));
        case 2 -> builder.put(AttributeKey.booleanKey(key), random.nextBoolean());
        case 3 -> builder.put(AttributeKey.doubleKey(key), random.nextGaussian() * 1e6);
        case 4 ->
            builder.put(
                AttributeKey.stringArrayKey(key), List.of(randomString(random), randomString(random)));
        case 5 -> builder.put(AttributeKey.longArrayKey(key), List.of(random.nextLong(), -1L));
        case 6 -> builder.put(AttributeKey.booleanArrayKey(key), List.of(true, false, true));
        case 7 -> builder.put(AttributeKey.doubleArrayKey(key), List.of(random.nextDouble(), -0.0));
        default -> builder.put(AttributeKey.valueKey(key), randomValue(random, 2));
      }
    }
    return builder.build();
  }

  static Value<?> randomValue(Random random, int depth) {
    int kind = random.nextInt(depth > 0 ? 8 : 6);
    return switch (kind) {
      case 0 -> Value.of(randomString(random));
      case 1 -> Value.of(random.nextBoolean());
      case 2 -> Value.of(random.nextLong());
      case 3 -> Value.of(random.nextDouble());
      case 4 -> {
        byte[] bytes = new byte[random.nextInt(6)];
        random.nextBytes(bytes);
        yield Value.of(bytes);
      }
      case 5 -> Value.empty();
      case 6 -> Value.of(randomValue(random, depth - 1), randomValue(random, depth - 1));
      default ->
          Value.of(
              KeyValue.of(randomString(random), randomValue(random, depth - 1)),
              KeyValue.of("", randomValue(random, depth - 1)));
    };
  }

  /** ASCII mostly; now and then two- and three-byte characters, emoji and lone surrogates. */
  static String randomString(Random random) {
    StringBuilder builder = new StringBuilder();
    int length = random.nextInt(40);
    boolean ascii = random.nextInt(3) > 0;
    for (int i = 0; i < length; i++) {
      if (ascii) {
        builder.append((char) (' ' + random.nextInt(95)));
        continue;
      }
      switch (random.nextInt(6)) {
        case 0 -> builder.append((char) (0x80 + random.nextInt(0x780)));
        case 1 -> builder.append((char) (0x800 + random.nextInt(0xD000)));
        case 2 -> builder.appendCodePoint(0x10000 + random.nextInt(0xFFFFF));
        case 3 -> builder.append((char) (0xD800 + random.nextInt(0x800)));
        default -> builder.append((char) ('a' + random.nextInt(26)));
      }
    }
    return builder.toString();
  }
}
