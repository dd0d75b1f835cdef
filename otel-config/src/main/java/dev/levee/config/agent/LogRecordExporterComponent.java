package dev.levee.config.agent;

/** Inside the agent, the log record exporter {@code levee} of a declarative configuration file. */
public final class LogRecordExporterComponent extends Component {
  public LogRecordExporterComponent() {
    super("dev.levee.config.LeveeLogRecordExporterComponentProvider");
  }
}
