package dev.levee.config.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** On the SDK this module is tested against, the newest, without the agent. */
class CompatibilityTest {
  @Test
  void theNewestSdkOffersEverythingAndIsNamedWithoutAnAgent() {
    assertThat(Compatibility.agentVersion()).isNull();
    assertThat(Compatibility.host()).isEqualTo("OpenTelemetry SDK 1.67.0");
    assertThat(Compatibility.declarativeComponents()).isTrue();
    assertThat(Compatibility.featuresOff()).isEmpty();
    assertThat(SelfMetrics.registersFromDeclarativeFiles()).isTrue();
  }

  @Test
  void saysWhereItRunsInOneLine() {
    assertThat(Compatibility.supported()).isTrue();
    assertThat(Compatibility.line(true)).isEqualTo("Levee on OpenTelemetry SDK 1.67.0: every feature on.");
    assertThat(Compatibility.line(false))
        .isEqualTo(
            "Levee does not support OpenTelemetry SDK 1.67.0; it supports OpenTelemetry Java agent"
                + " 2.10.0 and later (SDK 1.44 and later). Levee's exporters will discard (and count)"
                + " everything until the agent or SDK is upgraded.");
  }
}
