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
 * The JMX view of one {@link Pipeline}: registered from the dispatcher thread once a platform MBean
 * server is running anyway, or {@link #REGISTER_BY_NANOS} after the exporter started (the platform
 * MBean server's first start loads some 190 classes, which would compete with the application's
 * start-up); unregistered when the exporter stops. Registration problems are logged, never thrown:
 * JMX is a convenience.
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
  /** A platform MBean server started by nobody else is started this long after the exporter. */
  public static final long REGISTER_BY_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);

  private volatile ObjectName name;
  /** When to register; dispatcher thread only. */
  private final RegistrationTime registrationTime =
      new RegistrationTime(REGISTER_BY_NANOS, ExporterMXBean::platformServerRunning);

  public ExporterMXBean(Pipeline<?> pipeline, Endpoints endpoints, RateLimiter limiter, Adaptive adaptive, Dispatcher dispatcher) {
    this.pipeline = pipeline;
    this.endpoints = endpoints;
    this.limiter = limiter;
    this.adaptive = adaptive;
    this.dispatcher = dispatcher;
  }

  /**
   * Dispatcher thread, at every tick: registers under {@code componentName} once a platform MBean
   * server is running (the application, {@code -Dcom.sun.management.jmxremote} or {@code jcmd
   * ManagementAgent.start} started it: registering then costs nothing) or {@link
   * #REGISTER_BY_NANOS} after the first tick, whichever comes first.
   */
  public void registerWhenDue(String componentName, long nowNanos) {
    if (registrationTime.due(nowNanos)) {
      register(componentName);
    }
  }

  /** Whether the bean is still to be registered (the ticks look for a running server). */
  boolean registrationPending() {
    return registrationTime.pending();
  }

  /** Whether the platform MBean server was started (it is listed once created); never starts it. */
  private static boolean platformServerRunning() {
    try {
      return !javax.management.MBeanServerFactory.findMBeanServer(null).isEmpty();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  void register(String componentName) {
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

  /** Unregisters if registered; no registration happens after this. Dispatcher thread. */
  public void unregister() {
    registrationTime.cancel();
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
