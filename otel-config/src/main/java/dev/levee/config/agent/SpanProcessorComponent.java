package dev.levee.config.agent;

/** Inside the agent, the span processor {@code levee} of a declarative configuration file. */
public final class SpanProcessorComponent extends Component {
  public SpanProcessorComponent() {
    super("dev.levee.config.LeveeSpanProcessorComponentProvider");
  }
}
