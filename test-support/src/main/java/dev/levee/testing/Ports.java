package dev.levee.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** Loopback ports for tests. */
public final class Ports {
  private Ports() {}

  /** A loopback port nothing listens on (it was free a moment ago). */
  public static int closedPort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An endpoint that refuses connections: a backend that is down. */
  public static String closedPortEndpoint() {
    return "http://127.0.0.1:" + closedPort();
  }
}
