package dev.levee.exporter;

import dev.levee.buffer.LeveeListener;
import dev.levee.buffer.Signal;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A listener found through ServiceLoader on the test class path; records what it is told. */
public final class RecordingListener implements LeveeListener {
  static final List<String> EVENTS = new CopyOnWriteArrayList<>();
  static volatile boolean fail;

  @Override
  public void onDrop(Signal signal, String reason, long items) {
    EVENTS.add("drop " + signal.configName() + " " + reason + " " + items);
    if (fail) {
      throw new IllegalStateException("a listener that fails");
    }
  }

  @Override
  public void onSpill(Signal signal, long items) {
    EVENTS.add("spill " + signal.configName() + " " + items);
  }

  @Override
  public void onBreakerStateChange(Signal signal, String from, String to) {
    EVENTS.add("breaker " + signal.configName() + " " + from + " -> " + to);
  }

  @Override
  public void onThreshold(Signal signal, String resource, double fraction, boolean above) {
    EVENTS.add("threshold " + signal.configName() + " " + resource + " " + (above ? "above" : "below"));
  }
}
