package dev.levee.testing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the accounting line each Levee exporter logs when it stops, from a child JVM's output:
 * {@code Levee spans exporter stopped: offered=.. recovered=.. delivered=.. dropped=..
 * (memory_full=.. ...) pending=.. journaled=.. retries=..}.
 */
public final class LeveeAccounting {
  private static final Pattern LINE =
      Pattern.compile(
          "Levee (\\w+) exporter stopped: offered=(\\d+) recovered=(\\d+) delivered=(\\d+)"
              + " dropped=(\\d+) \\(([^)]*)\\) pending=(\\d+) journaled=(\\d+) retries=(\\d+)");

  private LeveeAccounting() {}

  /** One exporter's final counters. */
  public record Counts(
      long offered,
      long recovered,
      long delivered,
      long dropped,
      Map<String, Long> droppedBy,
      long pending,
      long journaled) {
    public long dropped(String reason) {
      return droppedBy.getOrDefault(reason, 0L);
    }
  }

  /** The counts per signal ({@code spans}, {@code metrics}, {@code logs}) found in the output. */
  public static Map<String, Counts> parse(String output) {
    Map<String, Counts> result = new LinkedHashMap<>();
    Matcher matcher = LINE.matcher(output);
    while (matcher.find()) {
      Map<String, Long> reasons = new LinkedHashMap<>();
      for (String pair : matcher.group(6).split(" ")) {
        String[] kv = pair.split("=");
        reasons.put(kv[0], Long.parseLong(kv[1]));
      }
      result.put(
          matcher.group(1),
          new Counts(
              Long.parseLong(matcher.group(2)),
              Long.parseLong(matcher.group(3)),
              Long.parseLong(matcher.group(4)),
              Long.parseLong(matcher.group(5)),
              reasons,
              Long.parseLong(matcher.group(7)),
              Long.parseLong(matcher.group(8))));
    }
    return result;
  }
}
