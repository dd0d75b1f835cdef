package dev.levee.exporter.internal.management;

/**
 * Where the admin endpoint listens, and the token it asks for. Internal, may change.
 *
 * @param address a loopback address
 * @param port the port; -1: no admin endpoint, 0: any free port
 * @param token the bearer token requests must carry, or null
 */
public record AdminSettings(String address, int port, String token) {
  public boolean enabled() {
    return port >= 0;
  }

  @Override
  public String toString() {
    return enabled() ? address + ":" + port + (token != null ? " (token set)" : "") : "off";
  }
}
