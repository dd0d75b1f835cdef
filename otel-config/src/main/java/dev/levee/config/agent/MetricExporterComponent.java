package dev.levee.config.agent;

/** Inside the agent, the metric exporter {@code levee} of a declarative configuration file. */
public final class MetricExporterComponent extends Component {
  public MetricExporterComponent() {
    super("dev.levee.config.LeveeMetricExporterComponentProvider");
  }
}
