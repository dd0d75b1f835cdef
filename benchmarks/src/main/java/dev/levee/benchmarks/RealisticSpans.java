package dev.levee.benchmarks;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.logs.TestLogRecordData;
import io.opentelemetry.sdk.testing.trace.TestSpanData;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Spans shaped like a busy HTTP service's: 10 attributes, 2 events with attributes, 1 link, a
 * resource with the usual service, host and process attributes.
 */
public final class RealisticSpans {
  static final Resource RESOURCE =
      Resource.create(
          Attributes.builder()
              .put("service.name", "checkout")
              .put("service.version", "1.42.0")
              .put("host.name", "checkout-7d9f8b6c5-x2x9q")
              .put("process.runtime.name", "OpenJDK Runtime Environment")
              .put("telemetry.sdk.language", "java")
              .build());
  static final InstrumentationScopeInfo SCOPE =
      InstrumentationScopeInfo.builder("io.opentelemetry.servlet-5.0").setVersion("2.33.1").build();

  private RealisticSpans() {}

  /** {@code count} distinct spans, deterministic for a given seed. */
  public static List<SpanData> create(int count, long seed) {
    Random random = new Random(seed);
    List<SpanData> spans = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String traceId = hex(random.nextLong()) + hex(random.nextLong());
      spans.add(
          TestSpanData.builder()
              .setResource(RESOURCE)
              .setInstrumentationScopeInfo(SCOPE)
              .setSpanContext(
                  SpanContext.create(
                      traceId, hex(random.nextLong()), TraceFlags.getSampled(), TraceState.getDefault()))
              .setParentSpanContext(
                  SpanContext.create(
                      traceId, hex(random.nextLong()), TraceFlags.getSampled(), TraceState.getDefault()))
              .setName("POST /api/v1/orders/{orderId}/items")
              .setKind(SpanKind.SERVER)
              .setStartEpochNanos(1_700_000_000_000_000_000L + i * 1000L)
              .setEndEpochNanos(1_700_000_000_000_000_000L + i * 1000L + 12_345_678L)
              .setAttributes(
                  Attributes.builder()
                      .put("http.request.method", "POST")
                      .put("http.route", "/api/v1/orders/{orderId}/items")
                      .put("url.path", "/api/v1/orders/" + random.nextInt(100_000) + "/items")
                      .put("url.scheme", "https")
                      .put("http.response.status_code", 201L)
                      .put("server.address", "checkout.internal")
                      .put("server.port", 8443L)
                      .put("client.address", "10.12.4." + random.nextInt(255))
                      .put("user_agent.original", "okhttp/4.12.0")
                      .put("app.cart.items", (long) random.nextInt(20))
                      .build())
              .setEvents(
                  List.of(
                      EventData.create(
                          1_700_000_000_000_000_000L + i * 1000L + 1_000_000L,
                          "cache.miss",
                          Attributes.of(
                              AttributeKey.stringKey("cache.key"), "cart:" + random.nextInt(1000),
                              AttributeKey.longKey("cache.shard"), 3L)),
                      EventData.create(
                          1_700_000_000_000_000_000L + i * 1000L + 9_000_000L,
                          "order.validated",
                          Attributes.of(AttributeKey.booleanKey("order.priority"), random.nextBoolean()))))
              .setLinks(
                  List.of(
                      LinkData.create(
                          SpanContext.create(
                              hex(random.nextLong()) + hex(random.nextLong()),
                              hex(random.nextLong()),
                              TraceFlags.getSampled(),
                              TraceState.getDefault()))))
              .setStatus(StatusData.ok())
              .setHasEnded(true)
              .setTotalRecordedEvents(2)
              .setTotalRecordedLinks(1)
              .setTotalAttributeCount(10)
              .build());
    }
    return spans;
  }

  /**
   * {@code count} distinct log records shaped like an application's log lines through the agent's
   * Logback bridge: a message of about 90 characters, 5 attributes, in a span's context.
   */
  public static List<LogRecordData> logRecords(int count, long seed) {
    Random random = new Random(seed);
    InstrumentationScopeInfo scope = InstrumentationScopeInfo.create("com.example.checkout.OrderService");
    List<LogRecordData> logs = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      long time = 1_700_000_000_000_000_000L + i * 1000L;
      logs.add(
          TestLogRecordData.builder()
              .setResource(RESOURCE)
              .setInstrumentationScopeInfo(scope)
              .setTimestamp(time, java.util.concurrent.TimeUnit.NANOSECONDS)
              .setObservedTimestamp(time + 20_000L, java.util.concurrent.TimeUnit.NANOSECONDS)
              .setSpanContext(
                  SpanContext.create(
                      hex(random.nextLong()) + hex(random.nextLong()),
                      hex(random.nextLong()),
                      TraceFlags.getSampled(),
                      TraceState.getDefault()))
              .setSeverity(Severity.INFO)
              .setSeverityText("INFO")
              .setBody(
                  "Order " + random.nextInt(1_000_000) + " validated for customer "
                      + random.nextInt(100_000) + ": 3 items, total 127.40 EUR, shipping standard")
              .setAttributes(
                  Attributes.builder()
                      .put("thread.name", "http-nio-8443-exec-" + random.nextInt(200))
                      .put("thread.id", (long) random.nextInt(300))
                      .put("code.namespace", "com.example.checkout.OrderService")
                      .put("code.function", "validate")
                      .put("app.order.items", 3L)
                      .build())
              .setTotalAttributeCount(5)
              .build());
    }
    return logs;
  }

  private static String hex(long value) {
    return String.format("%016x", value);
  }
}
