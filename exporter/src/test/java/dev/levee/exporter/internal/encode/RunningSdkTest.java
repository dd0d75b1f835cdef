package dev.levee.exporter.internal.encode;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.logs.TestLogRecordData;
import org.junit.jupiter.api.Test;

/** On the SDK this module is compiled and tested against, the oldest Levee supports. */
class RunningSdkTest {
  @Test
  void readsTheRunningSdksVersion() {
    assertThat(RunningSdk.version()).isEqualTo("1.44.1");
    assertThat(RunningSdk.olderThanSupported()).isFalse();
  }

  @Test
  void sdk144HasNeitherEventNamesNorEntities() {
    assertThat(RunningSdk.hasLogEventNames()).isFalse();
    assertThat(RunningSdk.hasResourceEntities()).isFalse();
    assertThat(RunningSdk.featuresOff())
        .containsExactly("log event names (SDK 1.50+)", "resource entity references (SDK 1.67+)");
    assertThat(RunningSdk.eventName(TestLogRecordData.builder().build())).isNull();
    assertThat(
            RunningSdk.entities(
                Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "x"))))
        .isEmpty();
  }

  @Test
  void theApiShortcutsWorkOnThisApi() {
    assertThat(ApiInternals.AVAILABLE).isTrue();
  }

  @Test
  void comparesVersionsByMajorAndMinor() {
    assertThat(RunningSdk.isOlder("1.43.0", "1.44")).isTrue();
    assertThat(RunningSdk.isOlder("1.44.1", "1.44")).isFalse();
    assertThat(RunningSdk.isOlder("1.100.0", "1.44")).isFalse();
    assertThat(RunningSdk.isOlder("0.99.9", "1.44")).isTrue();
    assertThat(RunningSdk.isOlder("2.0.0-alpha", "1.44")).isFalse();
    // An SDK whose version cannot be read is not turned away.
    assertThat(RunningSdk.isOlder("unknown", "1.44")).isFalse();
  }
}
