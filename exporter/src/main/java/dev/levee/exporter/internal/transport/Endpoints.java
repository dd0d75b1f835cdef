package dev.levee.exporter.internal.transport;

import dev.levee.exporter.internal.flow.Breaker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The backends one signal sends to, each with its own sender and circuit breaker, and how a
 * request picks one: {@code failover} (the first, in order, whose breaker lets it through) or
 * {@code round_robin} (the next in turn whose breaker lets it through).
 *
 * <p>Internal, may change. Used by the dispatcher thread; the read-only views from any thread.
 */
public final class Endpoints {

  /** How requests are spread over the endpoints. */
  public enum Mode {
    FAILOVER,
    ROUND_ROBIN,
    /**
     * Every endpoint gets everything: each has a pipeline of its own (memory, journal, breaker),
     * whose {@code Endpoints} holds that one endpoint.
     */
    FANOUT
  }

  /** One backend. */
  public record Endpoint(Sender sender, Breaker breaker) {
    public Endpoint {
      Objects.requireNonNull(sender, "sender");
      Objects.requireNonNull(breaker, "breaker");
    }

    public String target() {
      return sender.target();
    }
  }

  private final List<Endpoint> endpoints;
  private final Mode mode;
  private int next;
  /** Per endpoint: seen unreachable while its breaker was open (so a reconnect means it is back). */
  private final boolean[] unreachableWhileOpen;
  private long lastReachabilityCheckNanos = Long.MIN_VALUE;

  /** How often {@link #probeEarlyIfReconnected} looks at connections while a breaker is open. */
  static final long REACHABILITY_CHECK_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(500);

  public Endpoints(List<Endpoint> endpoints, Mode mode) {
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("at least one endpoint is needed");
    }
    this.endpoints = List.copyOf(endpoints);
    this.mode = mode;
    this.unreachableWhileOpen = new boolean[endpoints.size()];
  }

  /**
   * For each endpoint whose breaker is open: if its backend could not be reached at some point
   * since, and now accepts connections again, lets the breaker probe at once rather than wait out
   * its open wait (a collector restart otherwise costs up to {@code breaker.open.wait} of delivery
   * after it is back). A breaker opened by a backend that stays connected (answering with errors,
   * or slowly) waits its full time. Looks at most every {@link #REACHABILITY_CHECK_NANOS}; each look
   * may start one connection attempt, nothing more. Dispatcher thread only.
   */
  public void probeEarlyIfReconnected(long nowNanos) {
    if (lastReachabilityCheckNanos != Long.MIN_VALUE
        && nowNanos - lastReachabilityCheckNanos < REACHABILITY_CHECK_NANOS) {
      return;
    }
    lastReachabilityCheckNanos = nowNanos;
    for (int i = 0; i < endpoints.size(); i++) {
      Endpoint endpoint = endpoints.get(i);
      if (endpoint.breaker().state() != Breaker.State.OPEN) {
        unreachableWhileOpen[i] = false;
        continue;
      }
      boolean connected;
      try {
        connected = endpoint.sender().connected();
      } catch (RuntimeException e) {
        continue;
      }
      if (!connected) {
        unreachableWhileOpen[i] = true;
      } else if (unreachableWhileOpen[i]) {
        unreachableWhileOpen[i] = false;
        endpoint.breaker().probeNow();
      }
    }
  }

  /** One endpoint, failover: what a single {@code endpoint} setting makes. */
  public static Endpoints of(Sender sender, Breaker breaker) {
    return new Endpoints(List.of(new Endpoint(sender, breaker)), Mode.FAILOVER);
  }

  /**
   * The endpoint the next request goes to, having taken a permit from its breaker; null when every
   * breaker refuses.
   */
  public Endpoint acquire() {
    int count = endpoints.size();
    int start = mode == Mode.ROUND_ROBIN ? Math.floorMod(next++, count) : 0;
    for (int i = 0; i < count; i++) {
      Endpoint candidate = endpoints.get((start + i) % count);
      if (candidate.breaker().tryAcquire()) {
        return candidate;
      }
    }
    return null;
  }

  /**
   * There is data to send: each endpoint's connection starts being set up, off the calling thread
   * (see {@link LazySender}). Once; any thread; never blocks.
   */
  public void prepare() {
    if (prepared) {
      return;
    }
    prepared = true;
    for (Endpoint endpoint : endpoints) {
      if (endpoint.sender() instanceof LazySender lazy) {
        lazy.prepare();
      }
    }
  }

  private volatile boolean prepared;

  /** The endpoint a request goes to without asking the breakers (at shutdown): the first. */
  public Endpoint first() {
    return endpoints.get(0);
  }

  /** Whether every breaker is open and still waiting out its open state. */
  public boolean allOpen() {
    for (Endpoint endpoint : endpoints) {
      if (endpoint.breaker().state() != Breaker.State.OPEN || endpoint.breaker().remainingOpenNanos() == 0) {
        return false;
      }
    }
    return true;
  }

  /** Whether some breaker is open or half-open (its endpoint is watched, see {@link #probeEarlyIfReconnected}). */
  public boolean anyOpen() {
    for (Endpoint endpoint : endpoints) {
      Breaker.State state = endpoint.breaker().state();
      if (state == Breaker.State.OPEN || state == Breaker.State.HALF_OPEN) {
        return true;
      }
    }
    return false;
  }

  /** How long until some breaker lets a probe through. */
  public long remainingOpenNanos() {
    long least = Long.MAX_VALUE;
    for (Endpoint endpoint : endpoints) {
      least = Math.min(least, endpoint.breaker().remainingOpenNanos());
    }
    return least == Long.MAX_VALUE ? 0 : least;
  }

  public List<Endpoint> all() {
    return endpoints;
  }

  public Mode mode() {
    return mode;
  }

  /** The targets, comma-separated, for messages. */
  public String targets() {
    List<String> targets = new ArrayList<>();
    for (Endpoint endpoint : endpoints) {
      targets.add(endpoint.target());
    }
    return String.join(",", targets);
  }

  /**
   * One state for all: {@code closed} when some endpoint takes requests normally, {@code
   * half_open} when the best is probing, {@code open} when every breaker is open, {@code disabled}
   * when there are none.
   */
  public Breaker.State state() {
    Breaker.State best = Breaker.State.OPEN;
    for (Endpoint endpoint : endpoints) {
      Breaker.State state = endpoint.breaker().state();
      if (state == Breaker.State.CLOSED || state == Breaker.State.DISABLED) {
        return state;
      }
      if (state == Breaker.State.HALF_OPEN) {
        best = state;
      }
    }
    return best;
  }

  /** Each endpoint's breaker state, in order. */
  public Map<String, String> states() {
    Map<String, String> states = new LinkedHashMap<>();
    for (Endpoint endpoint : endpoints) {
      states.put(endpoint.target(), endpoint.breaker().state().lowerName());
    }
    return states;
  }

  /** Times any breaker has opened. */
  public long openings() {
    long total = 0;
    for (Endpoint endpoint : endpoints) {
      total += endpoint.breaker().openings();
    }
    return total;
  }

  /** Closes every breaker. */
  public void resetBreakers() {
    for (Endpoint endpoint : endpoints) {
      endpoint.breaker().reset();
    }
  }

  /** Closes every sender, within {@code timeoutNanos} in all. */
  public void close(long timeoutNanos) {
    long deadline = System.nanoTime() + timeoutNanos;
    for (Endpoint endpoint : endpoints) {
      endpoint.sender().close(Math.max(0, deadline - System.nanoTime()));
    }
  }
}
