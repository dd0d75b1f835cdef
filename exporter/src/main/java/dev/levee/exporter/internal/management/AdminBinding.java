package dev.levee.exporter.internal.management;

import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One exporter's place on the shared admin endpoint: served under a name from start until stop.
 * An endpoint that cannot be served is logged once and exporting goes on without it.
 *
 * <p>Internal, may change.
 */
public final class AdminBinding {
  private static final Logger logger = Logger.getLogger(AdminBinding.class.getName());

  private final AdminServer server;
  private final String name;
  private final ExporterMXBean mxBean;

  private AdminBinding(AdminServer server, String name, ExporterMXBean mxBean) {
    this.server = server;
    this.name = name;
    this.mxBean = mxBean;
  }

  /**
   * Serves {@code mxBean} under {@code name}, or returns null when the admin endpoint is off or
   * cannot be served.
   */
  public static AdminBinding start(AdminSettings settings, String name, ExporterMXBean mxBean) {
    if (!settings.enabled()) {
      return null;
    }
    try {
      AdminServer server = AdminServer.acquire(settings.address(), settings.port(), settings.token());
      server.register(name, mxBean);
      return new AdminBinding(server, name, mxBean);
    } catch (IOException | RuntimeException e) {
      logger.log(
          Level.SEVERE,
          "Levee cannot serve its admin endpoint on "
              + settings.address()
              + ":"
              + settings.port()
              + "; exporting goes on without it. Cause: "
              + e);
      return null;
    }
  }

  /** The port the admin endpoint listens on. */
  public int port() {
    return server.port();
  }

  /** Stops serving this exporter; the endpoint closes with its last exporter. */
  public void stop() {
    server.unregister(name, mxBean);
    AdminServer.release(server);
  }
}
