package dev.levee.journal.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.levee.buffer.Chunk;
import dev.levee.buffer.Signal;
import dev.levee.journal.FsyncPolicy;
import dev.levee.journal.Journal;
import dev.levee.journal.JournalCursor;
import dev.levee.journal.JournalException;
import dev.levee.journal.JournalSettings;
import dev.levee.journal.JournalStats;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The journal tool.
 *
 * <pre>
 * java -jar levee-journal-tool.jar journal stats|dump|verify DIR [--signal S] [--from T] [--to T] [--limit N]
 * </pre>
 *
 * DIR is a service's journal directory (holding {@code traces}, {@code metrics}, {@code logs}) or
 * one signal's. {@code stats}: records, bytes, items, oldest and newest, and each cursor's lag
 * (records, bytes, oldest pending).
 * {@code dump}: records as JSON lines, the OTLP request in OTLP/JSON. {@code verify}: every
 * checksum; exit status 1 if any record is damaged. T is an ISO-8601 instant
 * (2026-11-23T10:00:00Z) compared with when Levee accepted the data. Exit status 2: bad usage.
 */
public final class JournalTool {
  private static final String USAGE =
      "usage: journal stats|dump|verify DIR [--signal traces|metrics|logs] [--from T] [--to T]"
          + " [--limit N]";

  private JournalTool() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the tool; returns the exit status. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    List<String> words = new ArrayList<>();
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].startsWith("--")) {
        if (i + 1 >= args.length) {
          err.println("Option " + args[i] + " needs a value. " + USAGE);
          return 2;
        }
        options.put(args[i].substring(2), args[++i]);
      } else {
        words.add(args[i]);
      }
    }
    if (words.size() != 3 || !words.get(0).equals("journal")) {
      err.println(USAGE);
      return 2;
    }
    String command = words.get(1);
    Path dir = Path.of(words.get(2));
    Instant from;
    Instant to;
    long limit;
    try {
      from = options.containsKey("from") ? Instant.parse(options.get("from")) : Instant.MIN;
      to = options.containsKey("to") ? Instant.parse(options.get("to")) : Instant.MAX;
      limit = Long.parseLong(options.getOrDefault("limit", String.valueOf(Long.MAX_VALUE)));
    } catch (DateTimeParseException | NumberFormatException e) {
      err.println("Bad option value: " + e.getMessage() + ". " + USAGE);
      return 2;
    }
    Map<Signal, Path> journals = journals(dir, options.get("signal"));
    if (journals.isEmpty()) {
      err.println("No journal found in " + dir + ". " + USAGE);
      return 2;
    }
    int status = 0;
    for (Map.Entry<Signal, Path> journal : journals.entrySet()) {
      try (Journal opened =
          Journal.open(
              JournalSettings.defaults(journal.getValue(), journal.getKey())
                  .withFsync(FsyncPolicy.NONE)
                  .withLimitBytes(Long.MAX_VALUE))) {
        switch (command) {
          case "stats" -> stats(journal.getKey(), opened, journal.getValue(), out);
          case "verify" -> status = Math.max(status, verify(journal.getKey(), opened, out));
          case "dump" -> dump(journal.getKey(), opened, from, to, limit, out);
          default -> {
            err.println("Unknown command '" + command + "'. " + USAGE);
            return 2;
          }
        }
      } catch (JournalException e) {
        err.println(e.getMessage());
        status = Math.max(status, 1);
      }
    }
    return status;
  }

  private static Map<Signal, Path> journals(Path dir, String signal) {
    Map<Signal, Path> found = new LinkedHashMap<>();
    for (Signal s : Signal.values()) {
      if (signal != null && !signal.equals(s.configName())) {
        continue;
      }
      if (Files.isDirectory(dir.resolve(s.configName()))) {
        found.put(s, dir.resolve(s.configName()));
      } else if (dir.getFileName() != null && dir.getFileName().toString().equals(s.configName())) {
        found.put(s, dir);
      }
    }
    return found;
  }

  private static void stats(Signal signal, Journal journal, Path directory, PrintStream out) {
    JournalStats stats = journal.stats();
    out.printf(
        Locale.ROOT,
        "%s: records=%d bytes=%d %s=%d files=%d oldest=%s newest=%s corrupt_records=%d%n",
        signal.configName(),
        stats.records(),
        stats.bytes(),
        signal.itemNoun().replace(' ', '_'),
        stats.items(),
        stats.cycles(),
        instant(stats.oldestAcceptedEpochNanos()),
        instant(stats.newestAcceptedEpochNanos()),
        stats.corruptRecords());
    for (String name : journal.cursorNames()) {
      JournalCursor.Lag lag = journal.cursor(name).lag();
      out.printf(
          Locale.ROOT,
          "  cursor %s: lag_records=%d lag_bytes=%d oldest_pending=%s%n",
          name,
          lag.records(),
          lag.bytes(),
          instant(lag.oldestAcceptedEpochNanos()));
    }
    spillFiles(directory, out);
  }

  /**
   * Spill files beside the journal: what a run took while its journal was opening and could not
   * move in (the journal failed to open, or was still opening at the stop). The next start of
   * the exporter moves them into the journal.
   */
  private static void spillFiles(Path directory, PrintStream out) {
    try (java.util.stream.Stream<Path> files = Files.list(directory)) {
      for (Path file :
          files
              .filter(f -> f.getFileName().toString().startsWith("levee-spill-"))
              .filter(f -> f.getFileName().toString().endsWith(".spill"))
              .sorted()
              .toList()) {
        out.printf(
            Locale.ROOT,
            "  spill file %s: bytes=%d (moved into the journal at the exporter's next start)%n",
            file.getFileName(),
            Files.size(file));
      }
    } catch (java.io.IOException e) {
      out.println("  spill files: cannot list " + directory + ": " + e);
    }
  }

  private static int verify(Signal signal, Journal journal, PrintStream out) {
    JournalCursor reader = journal.cursor("verify-" + System.nanoTime());
    long intact = 0;
    while (true) {
      JournalCursor.Batch batch = reader.read(10_000, Long.MAX_VALUE);
      if (batch.isEmpty()) {
        break;
      }
      intact += batch.entries().size();
    }
    long damaged = journal.stats().corruptRecords();
    out.printf(
        Locale.ROOT,
        "%s: %d records intact, %d damaged%s%n",
        signal.configName(),
        intact,
        damaged,
        damaged > 0 ? " (copies of the damaged files are in quarantine/)" : "");
    return damaged > 0 ? 1 : 0;
  }

  private static void dump(
      Signal signal, Journal journal, Instant from, Instant to, long limit, PrintStream out) {
    JsonFormat.Printer printer = JsonFormat.printer().omittingInsignificantWhitespace();
    JournalCursor reader = journal.cursor("dump-" + System.nanoTime());
    long written = 0;
    while (written < limit) {
      JournalCursor.Batch batch = reader.read(1000, Long.MAX_VALUE);
      if (batch.isEmpty()) {
        break;
      }
      for (JournalCursor.Entry entry : batch.entries()) {
        Chunk chunk = entry.chunk();
        Instant accepted = instantOf(chunk.acceptedAtEpochNanos());
        if (accepted.isBefore(from) || accepted.isAfter(to) || written >= limit) {
          continue;
        }
        String request;
        try {
          request = printer.print(parse(signal, chunk.payload()));
        } catch (InvalidProtocolBufferException e) {
          request = "{\"undecodable\":\"" + e.getMessage().replace("\"", "'") + "\"}";
        }
        out.println(
            "{\"signal\":\""
                + signal.configName()
                + "\",\"index\":"
                + entry.index()
                + ",\"acceptedAt\":\""
                + accepted
                + "\",\"items\":"
                + chunk.itemCount()
                + ",\"priority\":"
                + chunk.isPriority()
                + ",\"request\":"
                + request
                + "}");
        written++;
      }
    }
  }

  private static Message parse(Signal signal, byte[] payload) throws InvalidProtocolBufferException {
    return switch (signal) {
      case SPANS -> ExportTraceServiceRequest.parseFrom(payload);
      case METRICS -> ExportMetricsServiceRequest.parseFrom(payload);
      case LOGS -> ExportLogsServiceRequest.parseFrom(payload);
    };
  }

  private static Instant instantOf(long epochNanos) {
    return Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L));
  }

  private static String instant(long epochNanos) {
    return epochNanos == 0 || epochNanos == Long.MAX_VALUE || epochNanos == Long.MIN_VALUE
        ? "-"
        : instantOf(epochNanos).toString();
  }
}
