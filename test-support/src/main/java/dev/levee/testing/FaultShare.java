package dev.levee.testing;

import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One share of a fault mix: {@code percent} of export calls fail with {@code status}, with a
 * {@code RetryInfo} of {@code retryAfter} unless it is null.
 */
public record FaultShare(int percent, Status status, Duration retryAfter) {
  public FaultShare {
    if (percent < 0 || percent > 100) {
      throw new IllegalArgumentException("a share is 0 to 100 percent, was " + percent);
    }
  }

  /**
   * Parses {@code UNAVAILABLE:20%,RESOURCE_EXHAUSTED:10%:200ms}: a gRPC code, a percentage and
   * optionally a RetryInfo delay ({@code 200ms}, {@code 2s}) per share.
   */
  public static List<FaultShare> parseMix(String text) {
    List<FaultShare> mix = new ArrayList<>();
    for (String part : text.split(",")) {
      String[] fields = part.trim().split(":");
      if (fields.length < 2 || !fields[1].endsWith("%")) {
        throw new IllegalArgumentException(
            "a fault share is CODE:PERCENT%[:RETRY_AFTER], e.g. UNAVAILABLE:20% or"
                + " RESOURCE_EXHAUSTED:10%:200ms; was '" + part + "'");
      }
      Status status =
          Status.fromCode(Status.Code.valueOf(fields[0].trim()))
              .withDescription("injected by the fault-injecting receiver");
      int percent = Integer.parseInt(fields[1].substring(0, fields[1].length() - 1).trim());
      mix.add(new FaultShare(percent, status, fields.length > 2 ? parseDuration(fields[2]) : null));
    }
    int total = mix.stream().mapToInt(FaultShare::percent).sum();
    if (total > 100) {
      throw new IllegalArgumentException("the fault shares add up to " + total + "%, over 100%");
    }
    return mix;
  }

  /** {@code UNAVAILABLE 20%, RESOURCE_EXHAUSTED 10% (RetryInfo 200 ms)}. */
  public static String describe(List<FaultShare> mix) {
    List<String> parts = new ArrayList<>();
    for (FaultShare share : mix) {
      parts.add(
          share.status().getCode()
              + " "
              + share.percent()
              + "%"
              + (share.retryAfter() == null ? "" : " (RetryInfo " + share.retryAfter().toMillis() + " ms)"));
    }
    return String.join(", ", parts);
  }

  private static Duration parseDuration(String text) {
    String value = text.trim();
    if (value.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
    }
    if (value.endsWith("s")) {
      return Duration.ofMillis(Math.round(Double.parseDouble(value.substring(0, value.length() - 1)) * 1000));
    }
    return Duration.ofMillis(Long.parseLong(value));
  }
}
