package dev.levee.examples;

import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sees every {@code connect(2)} a child JVM makes, with {@code strace}: the proof that Levee (and
 * Chronicle Queue inside it) opens no connection but the ones it is configured for. CI installs
 * strace; without it the test that uses this is reported as skipped, saying why.
 */
final class Connects {
  private static final Pattern INET =
      Pattern.compile("sa_family=AF_INET6?, sin6?_port=htons\\((\\d+)\\).*?(?:inet_addr|inet_pton\\(AF_INET6?, )\\(?\"([^\"]+)\"");

  private Connects() {}

  /** The command prefix that records the child's connects into {@code file}. */
  static List<String> tracer(Path file) {
    assumeThat(strace())
        .as("strace is needed to see the child's connections (CI installs it: apt-get install strace)")
        .isTrue();
    return List.of("strace", "-f", "-qq", "-e", "trace=connect", "-o", file.toString());
  }

  private static boolean strace() {
    try {
      Process probe = new ProcessBuilder("strace", "-V").redirectErrorStream(true).start();
      probe.getInputStream().readAllBytes();
      return probe.waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The traced connects to {@code port} on any address. */
  static List<String> toPort(Path file, int port) throws IOException {
    return Files.readAllLines(file).stream()
        .filter(line -> line.contains("connect(") && line.contains("htons(" + port + ")"))
        .toList();
  }

  /**
   * The traced IPv4/IPv6 connects to an address that is not loopback, leaving out DNS queries
   * (port 53: the system resolver, asked by the JDK when something looks up a name).
   */
  static List<String> offMachine(Path file) throws IOException {
    return Files.readAllLines(file).stream()
        .filter(line -> line.contains("connect(") && line.contains("AF_INET"))
        .filter(
            line -> {
              Matcher m = INET.matcher(line);
              if (!m.find()) {
                return true; // unparsed: show it
              }
              String address = m.group(2);
              boolean loopback =
                  address.startsWith("127.") || address.equals("::1") || address.startsWith("::ffff:127.");
              return !loopback && !m.group(1).equals("53");
            })
        .toList();
  }
}
