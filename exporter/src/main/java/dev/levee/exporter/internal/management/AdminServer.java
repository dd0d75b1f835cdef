package dev.levee.exporter.internal.management;

import dev.levee.exporter.LeveeExporterMXBean;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Levee's admin endpoint: a small HTTP/1.1 server on a loopback address, off by default.
 *
 * <pre>
 * GET  /levee/stats                                   every exporter's counters (JSON)
 * GET  /levee/health                                  every exporter's health, reasons, advice
 * POST /levee/breaker/reset[?signal=traces]           closes the circuit breakers
 * POST /levee/rate-limit?signal=traces&amp;items=N&amp;bytes=N  sets a rate limit (0: none)
 * POST /levee/batch-size?signal=traces&amp;min=N&amp;max=N     sets the adaptive request size bounds
 * </pre>
 *
 * With a token, every request needs {@code Authorization: Bearer <token>} (401 otherwise). Bad
 * input gets 400 with the reason. A non-loopback address is refused when the server is created.
 *
 * <p>Built on a plain {@link ServerSocket} rather than the JDK's {@code HttpServer}: the agent
 * instruments the JDK's HTTP server, so every admin request would have become a span in the
 * application's telemetry. One connection at a time, on one daemon thread; requests are tiny.
 *
 * <p>Internal, may change. Thread-safe.
 */
public final class AdminServer implements AutoCloseable {
  private static final Logger logger = Logger.getLogger(AdminServer.class.getName());
  private static final int MAX_LINE = 8192;

  private final ServerSocket socket;
  private final byte[] token;
  private final Map<String, LeveeExporterMXBean> exporters = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean closed;

  private AdminServer(ServerSocket socket, String token) {
    this.socket = socket;
    this.token = token == null || token.isEmpty() ? null : token.getBytes(StandardCharsets.UTF_8);
    this.thread = new Thread(this::serve, "levee-admin");
    thread.setDaemon(true);
  }

  /**
   * Starts the server on {@code address:port} (port 0: any free port).
   *
   * @throws IllegalArgumentException if the address is not a loopback address
   * @throws IOException if it cannot listen there
   */
  public static AdminServer start(String address, int port, String token) throws IOException {
    InetAddress bind = InetAddress.getByName(address);
    if (!bind.isLoopbackAddress()) {
      throw new IllegalArgumentException(
          "Levee's admin endpoint listens on loopback addresses only (127.0.0.1, ::1); '"
              + address
              + "' is not one. Reach it from elsewhere through a tunnel you control.");
    }
    ServerSocket socket = new ServerSocket();
    socket.bind(new InetSocketAddress(bind, port), 16);
    AdminServer server = new AdminServer(socket, token);
    server.thread.start();
    return server;
  }

  /** Serves an exporter under its signal's name ({@code traces}, {@code metrics}, {@code logs}). */
  public void register(String signal, LeveeExporterMXBean exporter) {
    exporters.put(signal, exporter);
  }

  public void unregister(String signal, LeveeExporterMXBean exporter) {
    exporters.remove(signal, exporter);
  }

  public int port() {
    return socket.getLocalPort();
  }

  private void serve() {
    while (!closed) {
      try (Socket connection = socket.accept()) {
        connection.setSoTimeout(5000);
        handle(connection);
      } catch (SocketException e) {
        if (!closed) {
          logger.log(Level.FINE, "Levee admin endpoint: connection failed", e);
        }
      } catch (IOException | RuntimeException e) {
        logger.log(Level.FINE, "Levee admin endpoint: request failed", e);
      }
    }
  }

  private record Response(int status, String json) {}

  private void handle(Socket connection) throws IOException {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.ISO_8859_1));
    String requestLine = in.readLine();
    if (requestLine == null || requestLine.length() > MAX_LINE) {
      return;
    }
    Map<String, String> headers = new LinkedHashMap<>();
    String line;
    while ((line = in.readLine()) != null && !line.isEmpty()) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
      }
    }
    Response response = respond(requestLine, headers);
    byte[] body = (response.json() + "\n").getBytes(StandardCharsets.UTF_8);
    OutputStream out = connection.getOutputStream();
    out.write(
        ("HTTP/1.1 "
                + response.status()
                + " "
                + reason(response.status())
                + "\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length
                + "\r\nConnection: close\r\n"
                + (response.status() == 401 ? "WWW-Authenticate: Bearer\r\n" : "")
                + "\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
    out.write(body);
    out.flush();
  }

  Response respond(String requestLine, Map<String, String> headers) {
    String[] parts = requestLine.split(" ");
    if (parts.length < 2) {
      return error(400, "malformed request line");
    }
    if (!authorized(headers.get("authorization"))) {
      return error(401, "a valid 'Authorization: Bearer <token>' header is required");
    }
    String method = parts[0];
    String target = parts[1];
    int question = target.indexOf('?');
    String path = question < 0 ? target : target.substring(0, question);
    Map<String, String> query = query(question < 0 ? "" : target.substring(question + 1));
    try {
      return switch (method + " " + path) {
        case "GET /levee/stats" -> new Response(200, AdminJson.stats(exporters));
        case "GET /levee/health" -> new Response(200, AdminJson.health(exporters));
        case "POST /levee/breaker/reset" -> {
          for (LeveeExporterMXBean exporter : select(query)) {
            exporter.resetBreaker();
          }
          yield new Response(200, "{\"reset\":true}");
        }
        case "POST /levee/rate-limit" -> {
          long items = number(query, "items", 0);
          long bytes = number(query, "bytes", 0);
          for (LeveeExporterMXBean exporter : select(query)) {
            exporter.setRateLimit(items, bytes);
          }
          yield new Response(200, "{\"items\":" + items + ",\"bytes\":" + bytes + "}");
        }
        case "POST /levee/batch-size" -> {
          long min = number(query, "min", -1);
          long max = number(query, "max", -1);
          if (min <= 0 || max < min) {
            throw new BadRequest("min and max must be positive with min <= max, were " + min + " and " + max);
          }
          for (LeveeExporterMXBean exporter : select(query)) {
            exporter.setBatchBounds(min, max);
          }
          yield new Response(200, "{\"min\":" + min + ",\"max\":" + max + "}");
        }
        default -> {
          boolean known =
              List.of("/levee/stats", "/levee/health", "/levee/breaker/reset", "/levee/rate-limit", "/levee/batch-size")
                  .contains(path);
          yield known ? error(405, method + " is not allowed on " + path) : error(404, "no such endpoint: " + path);
        }
      };
    } catch (BadRequest e) {
      return error(400, e.getMessage());
    } catch (IllegalArgumentException e) {
      return error(400, e.getMessage());
    }
  }

  private boolean authorized(String header) {
    if (token == null) {
      return true;
    }
    if (header == null || !header.startsWith("Bearer ")) {
      return false;
    }
    byte[] given = header.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, token); // constant time
  }

  private List<LeveeExporterMXBean> select(Map<String, String> query) {
    String signal = query.get("signal");
    if (signal == null) {
      return List.copyOf(exporters.values());
    }
    // With fanout a signal is served once per endpoint, as signal/endpoint.
    List<LeveeExporterMXBean> selected = new java.util.ArrayList<>();
    exporters.forEach(
        (name, exporter) -> {
          if (name.equals(signal) || name.startsWith(signal + "/")) {
            selected.add(exporter);
          }
        });
    if (selected.isEmpty()) {
      throw new BadRequest("unknown signal '" + signal + "'; serving " + exporters.keySet());
    }
    return selected;
  }

  private static long number(Map<String, String> query, String name, long fallback) {
    String value = query.get(name);
    if (value == null) {
      if (fallback < 0) {
        throw new BadRequest("parameter '" + name + "' is required");
      }
      return fallback;
    }
    try {
      long number = Long.parseLong(value);
      if (number < 0) {
        throw new BadRequest("parameter '" + name + "' must not be negative, was " + value);
      }
      return number;
    } catch (NumberFormatException e) {
      throw new BadRequest("parameter '" + name + "' must be a whole number, was '" + value + "'");
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> query = new LinkedHashMap<>();
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String key = equals < 0 ? pair : pair.substring(0, equals);
      String value = equals < 0 ? "" : pair.substring(equals + 1);
      query.put(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return query;
  }

  private static Response error(int status, String message) {
    return new Response(status, "{\"error\":" + AdminJson.quote(message) + "}");
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      default -> "Error";
    };
  }

  /** Bad input from the client. */
  private static final class BadRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadRequest(String message) {
      super(message, null, false, false);
    }
  }

  private static final Map<String, AdminServer> SHARED = new java.util.HashMap<>();
  private static final Map<AdminServer, Integer> USERS = new java.util.HashMap<>();

  /**
   * The process's admin server on {@code address:port}, started by its first user; the three
   * signals' exporters share it. Release it with {@link #release}.
   *
   * @throws IOException if it cannot listen there, or if a server already listens there for
   *     another token: sharing it would serve this exporter under a token it was not given
   */
  public static synchronized AdminServer acquire(String address, int port, String token) throws IOException {
    String key = address + ":" + port;
    AdminServer server = SHARED.get(key);
    if (server != null && !server.closed && !server.hasToken(token)) {
      throw new IOException(
          "the admin endpoint on "
              + key
              + " is already served by another Levee exporter of this process with a different"
              + " admin.token; give every exporter that shares it the same token, or another port");
    }
    if (server == null || server.closed) {
      server = start(address, port, token);
      SHARED.put(key, server);
      logger.info("Levee admin endpoint listening on http://" + address + ":" + server.port() + "/levee/stats");
    }
    USERS.merge(server, 1, Integer::sum);
    return server;
  }

  private boolean hasToken(String other) {
    byte[] given = other == null || other.isEmpty() ? null : other.getBytes(StandardCharsets.UTF_8);
    return given == null || token == null ? given == token : MessageDigest.isEqual(given, token);
  }

  /** Gives up a use of a shared server; the last one closes it. */
  public static synchronized void release(AdminServer server) {
    Integer left = USERS.merge(server, -1, Integer::sum);
    if (left != null && left <= 0) {
      USERS.remove(server);
      SHARED.values().remove(server);
      server.close();
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      socket.close();
    } catch (IOException e) {
      // closing
    }
  }
}
