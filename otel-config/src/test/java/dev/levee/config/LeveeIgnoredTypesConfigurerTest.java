package dev.levee.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.javaagent.extension.ignore.IgnoredTypesBuilder;
import io.opentelemetry.javaagent.extension.ignore.IgnoredTypesConfigurer;
import io.opentelemetry.sdk.autoconfigure.spi.internal.DefaultConfigProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class LeveeIgnoredTypesConfigurerTest {

  @Test
  void theAgentIsToldToLeaveTheJournalsLoaderAloneAndNothingElse() {
    Recorder recorder = new Recorder();
    new LeveeIgnoredTypesConfigurer()
        .configure(recorder, DefaultConfigProperties.createFromMap(Map.of()));
    assertThat(recorder.calls)
        .containsExactly("ignoreClassLoader dev.levee.exporter.internal.JournalLoader$JournalClassLoader");

    Recorder newerForm = new Recorder();
    new LeveeIgnoredTypesConfigurer().configure(newerForm);
    assertThat(newerForm.calls).isEqualTo(recorder.calls);
  }

  @Test
  void theAgentFindsItAsAService() {
    assertThat(ServiceLoader.load(IgnoredTypesConfigurer.class))
        .anySatisfy(found -> assertThat(found).isInstanceOf(LeveeIgnoredTypesConfigurer.class));
  }

  private static final class Recorder implements IgnoredTypesBuilder {
    final List<String> calls = new ArrayList<>();

    private IgnoredTypesBuilder record(String what, String name) {
      calls.add(what + " " + name);
      return this;
    }

    @Override
    public IgnoredTypesBuilder ignoreClass(String name) {
      return record("ignoreClass", name);
    }

    @Override
    public IgnoredTypesBuilder allowClass(String name) {
      return record("allowClass", name);
    }

    @Override
    public IgnoredTypesBuilder ignoreClassLoader(String name) {
      return record("ignoreClassLoader", name);
    }

    @Override
    public IgnoredTypesBuilder allowClassLoader(String name) {
      return record("allowClassLoader", name);
    }

    @Override
    public IgnoredTypesBuilder ignoreTaskClass(String name) {
      return record("ignoreTaskClass", name);
    }
  }
}
