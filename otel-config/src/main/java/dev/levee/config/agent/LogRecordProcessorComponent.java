package dev.levee.config.agent;

/** Inside the agent, the log record processor {@code levee} of a declarative configuration file. */
public final class LogRecordProcessorComponent extends Component {
  public LogRecordProcessorComponent() {
    super("dev.levee.config.LeveeLogRecordProcessorComponentProvider");
  }
}
