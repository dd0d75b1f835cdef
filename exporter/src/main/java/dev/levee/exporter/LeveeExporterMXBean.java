package dev.levee.exporter;

import java.util.Map;

/**
 * One exporter, seen from JMX ({@code jconsole}, {@code jcmd}, any JMX client): its counters and a
 * few operations for an operator on a bad day. Registered as {@code
 * levee:type=Exporter,signal=<spans|metrics|logs>,name=<component name>}.
 */
public interface LeveeExporterMXBean {
  String getSignal();

  long getOffered();

  long getRecovered();

  long getDelivered();

  /** Items dropped, by reason. */
  Map<String, Long> getDropped();

  long getPending();

  long getJournaled();

  long getRetries();

  long getThrottled();

  long getMemoryUsedBytes();

  long getMemoryLimitBytes();

  boolean isJournalOpen();

  /** {@code closed}, {@code open}, {@code half_open} or {@code disabled}. */
  String getBreakerState();

  /** Each endpoint's breaker state. */
  Map<String, String> getBreakerStates();

  long getBatchBytes();

  int getConcurrency();

  long getRateLimitItemsPerSecond();

  long getRateLimitBytesPerSecond();

  boolean isPaused();

  /** {@code OK}, {@code DEGRADED} or {@code FAILING}. */
  String getHealth();

  /** The health with its reasons and advice, in one line. */
  String getHealthDetail();

  /** The exporter's one-line summary, as logged when it stops. */
  String getSummary();

  /** Closes every endpoint's circuit breaker and forgets its window. */
  void resetBreaker();

  /** Changes the rate limit; 0 removes a limit of that kind. */
  void setRateLimit(long itemsPerSecond, long bytesPerSecond);

  /** Changes the bounds the adaptive request size moves between. */
  void setBatchBounds(long minBytes, long maxBytes);

  /** Waits up to the exporter's timeout for what was accepted to be delivered; true if it was. */
  boolean flush();

  /** Stops sending; data waits in memory and spills to the journal. */
  void pauseDelivery();

  void resumeDelivery();
}
