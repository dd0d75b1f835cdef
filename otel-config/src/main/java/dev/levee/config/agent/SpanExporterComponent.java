package dev.levee.config.agent;

/** Inside the agent, the span exporter {@code levee} of a declarative configuration file. */
public final class SpanExporterComponent extends Component {
  public SpanExporterComponent() {
    super("dev.levee.config.LeveeSpanExporterComponentProvider");
  }
}
