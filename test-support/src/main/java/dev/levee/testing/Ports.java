package dev.levee.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/** Loopback ports for tests. */
public final class Ports {
  private Ports() {}

  /** Where the kernel's ephemeral ports start when it does not say (Linux's default). */
  private static final int DEFAULT_EPHEMERAL_LOW = 32768;
  /** The lowest port tried for a closed one. */
  private static final int LOWEST = 10000;

  /**
   * A loopback port nothing listens on (it was free a moment ago), below the kernel's ephemeral
   * range. A port from that range (what binding port 0 gives) can be taken before the test uses
   * it: by a server another process binds to port 0, or as the local end of an outgoing
   * connection, including the test's own connection to it (TCP's simultaneous open connects a
   * socket to itself), and then the "closed" port answers.
   */
  public static int closedPort() {
    int below = ephemeralLow();
    for (int attempt = 0; attempt < 200 && below > LOWEST; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(LOWEST, below);
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return socket.getLocalPort();
      } catch (IOException inUse) {
        // try another
      }
    }
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

  private static int ephemeralLow() {
    Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    try {
      if (Files.isReadable(range)) {
        return Integer.parseInt(Files.readString(range).trim().split("\\s+")[0]);
      }
    } catch (IOException | RuntimeException e) {
      // fall back to the usual start
    }
    return DEFAULT_EPHEMERAL_LOW;
  }
}
