package dev.levee.exporter.internal.encode;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.internal.ImmutableKeyValuePairs;
import io.opentelemetry.api.internal.InternalAttributeKeyImpl;

/**
 * Two read-only shortcuts into the OpenTelemetry API's internal classes that make encoding
 * cheaper: the array an SDK attribute set keeps its keys and values in, and the UTF-8 bytes an
 * attribute key keeps. Both are in every API from 1.44 to today; should a later API drop them, the
 * writers use the public API instead ({@link #AVAILABLE} is false, and this class is never touched
 * again). Only this class names them; the jar scan in the tests holds every other class to public
 * API.
 *
 * <p>Internal, may change. Thread-safe: stateless.
 */
final class ApiInternals {
  /** Whether both shortcuts work with the running API, tried once. */
  static final boolean AVAILABLE = detect();

  private ApiInternals() {}

  /** The attributes' alternating keys and values, or null when they are not the SDK's own. */
  static Object[] keysAndValues(Attributes attributes) {
    return attributes instanceof ImmutableKeyValuePairs<?, ?> pairs ? pairs.getData() : null;
  }

  /** The key's UTF-8 bytes as the key keeps them, or null when it keeps none. */
  static byte[] keyUtf8(AttributeKey<?> key) {
    return key instanceof InternalAttributeKeyImpl<?> internal ? internal.getKeyUtf8() : null;
  }

  private static boolean detect() {
    try {
      AttributeKey<String> key = AttributeKey.stringKey("levee.probe");
      Object[] data = keysAndValues(Attributes.of(key, "v"));
      byte[] utf8 = keyUtf8(key);
      return data != null
          && data.length == 2
          && data[0] == key
          && "v".equals(data[1])
          && utf8 != null
          && utf8.length == "levee.probe".length();
    } catch (LinkageError | RuntimeException e) {
      return false;
    }
  }
}
