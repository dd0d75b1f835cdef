package dev.levee.exporter.internal.management;

import dev.levee.exporter.internal.Pipeline;
import dev.levee.exporter.internal.dispatch.Dispatcher;
import dev.levee.exporter.internal.flow.Adaptive;
import dev.levee.exporter.internal.flow.RateLimiter;
import dev.levee.exporter.internal.transport.Endpoints;
import dev.levee.exporter.LeveeExporterMXBean;
import dev.levee.exporter.LeveeStats;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The JMX view of one {@link Pipeline}: registered when the exporter is built, unregistered when it
 * stops. Registration problems are logged, never thrown: JMX is a convenience.
 *
 * <p>Internal, may change.
 */
public final class ExporterMXBean implements LeveeExporterMXBean {
  private static final Logger logger = Logger.getLogger(ExporterMXBean.class.getName());

  private final Pipeline<?> pipeline;
  private final Endpoints endpoints;
  private final RateLimiter limiter;
  private final Adaptive adaptive;
  private final Dispatcher dispatcher;
  private ObjectName name;

  public ExporterMXBean(Pipeline<?> pipeline, Endpoints endpoints, RateLimiter limiter, Adaptive adaptive, Dispatcher dispatcher) {
    this.pipeline = pipeline;
    this.endpoints = endpoints;
    this.limiter = limiter;
    this.adaptive = adaptive;
    this.dispatcher = dispatcher;
  }

  public void register(String componentName) {
    try {
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      ObjectName candidate =
          new ObjectName(
              "levee:type=Exporter,signal="
                  + pipeline.signal().configName()
                  + ",name="
                  + ObjectName.quote(componentName));
      server.registerMBean(this, candidate);
      name = candidate;
    } catch (Exception | LinkageError e) {
      logger.log(Level.FINE, "Levee could not register its JMX bean; exporting goes on", e);
    }
  }

  public void unregister() {
    if (name == null) {
      return;
    }
    try {
      ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
    } catch (Exception | LinkageError e) {
      logger.log(Level.FINE, "Levee could not unregister its JMX bean " + name, e);
    }
    name = null;
  }

  public ObjectName name() {
    return name;
  }

  private LeveeStats stats() {
    return pipeline.stats();
  }

  @Override
  public String getSignal() {
    return pipeline.signal().configName();
  }

  @Override
  public long getOffered() {
    return stats().offered();
  }

  @Override
  public long getRecovered() {
    return stats().recovered();
  }

  @Override
  public long getDelivered() {
    return stats().delivered();
  }

  @Override
  public Map<String, Long> getDropped() {
    Map<String, Long> dropped = new TreeMap<>();
    stats().dropped().forEach((reason, count) -> dropped.put(reason.label(), count));
    return dropped;
  }

  @Override
  public long getPending() {
    return stats().pending();
  }

  @Override
  public long getJournaled() {
    return stats().journaled();
  }

  @Override
  public long getRetries() {
    return stats().retries();
  }

  @Override
  public long getThrottled() {
    return stats().throttled();
  }

  @Override
  public long getMemoryUsedBytes() {
    return stats().memoryUsedBytes();
  }

  @Override
  public long getMemoryLimitBytes() {
    return stats().memoryLimitBytes();
  }

  @Override
  public boolean isJournalOpen() {
    return stats().journalOpen();
  }

  @Override
  public String getBreakerState() {
    return endpoints.state().lowerName();
  }

  @Override
  public Map<String, String> getBreakerStates() {
    return endpoints.states();
  }

  @Override
  public long getBatchBytes() {
    return adaptive.batchBytes();
  }

  @Override
  public int getConcurrency() {
    return adaptive.concurrency();
  }

  @Override
  public long getRateLimitItemsPerSecond() {
    return limiter.settings().itemsPerSecond();
  }

  @Override
  public long getRateLimitBytesPerSecond() {
    return limiter.settings().bytesPerSecond();
  }

  @Override
  public boolean isPaused() {
    return dispatcher.isPaused();
  }

  @Override
  public String getHealth() {
    return pipeline.health().state().name();
  }

  @Override
  public String getHealthDetail() {
    return pipeline.health().describe();
  }

  @Override
  public String getSummary() {
    return stats().summary();
  }

  @Override
  public void resetBreaker() {
    endpoints.resetBreakers();
    logger.info("Levee " + getSignal() + " circuit breakers reset over JMX");
  }

  @Override
  public void setRateLimit(long itemsPerSecond, long bytesPerSecond) {
    limiter.setRates(itemsPerSecond, bytesPerSecond);
    logger.info(
        "Levee " + getSignal() + " rate limit set over JMX: " + itemsPerSecond + " items/s, " + bytesPerSecond + " bytes/s");
  }

  @Override
  public void setBatchBounds(long minBytes, long maxBytes) {
    adaptive.setBatchBounds(minBytes, maxBytes);
    logger.info("Levee " + getSignal() + " batch bounds set over JMX: " + minBytes + " to " + maxBytes + " bytes");
  }

  @Override
  public boolean flush() {
    return pipeline.flush().join(pipeline.timeoutNanos(), TimeUnit.NANOSECONDS).isSuccess();
  }

  @Override
  public void pauseDelivery() {
    dispatcher.setPaused(true);
    logger.info("Levee " + getSignal() + " delivery paused over JMX");
  }

  @Override
  public void resumeDelivery() {
    dispatcher.setPaused(false);
    logger.info("Levee " + getSignal() + " delivery resumed over JMX");
  }
}
