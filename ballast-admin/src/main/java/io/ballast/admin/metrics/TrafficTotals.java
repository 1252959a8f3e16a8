package io.ballast.admin.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Cumulative traffic read at one moment, summed per backend, per pool, per listener and overall:
 * what the dashboard differences once a second into rates and percentiles.
 */
public final class TrafficTotals {
  /** Cumulative counts for one group of requests. */
  public static final class Counts {
    long requests;
    long clientErrors;
    long serverErrors;
    final Distribution latency = new Distribution();

    /** Nothing counted. */
    public Counts() {}

    /** Requests finished. */
    public long requests() {
      return requests;
    }

    /** Answered 4xx. */
    public long clientErrors() {
      return clientErrors;
    }

    /** Answered 5xx, or cut before any status. */
    public long serverErrors() {
      return serverErrors;
    }

    /** Total latency of the requests. */
    public Distribution latency() {
      return latency;
    }

    void add(ExchangeCounters c, Distribution total) {
      long[] byClass = new long[ExchangeCounters.CLASSES.length];
      for (int i = 0; i < byClass.length; i++) {
        byClass[i] = c.byClass[i].sum();
        requests += byClass[i];
      }
      clientErrors += byClass[4];
      serverErrors += byClass[5] + byClass[0];
      latency.add(total);
    }
  }

  private final Map<String, Counts> backends = new LinkedHashMap<>();
  private final Map<String, Counts> pools = new LinkedHashMap<>();
  private final Map<String, Counts> listeners = new LinkedHashMap<>();
  private final Map<String, Long> connections = new LinkedHashMap<>();
  private final Counts all = new Counts();

  TrafficTotals() {}

  /** The key of a backend in {@link #backend}: {@code pool/id}. */
  public static String key(String pool, String id) {
    return pool + "/" + id;
  }

  void add(ExchangeCounters c) {
    Distribution total = c.total.snapshot();
    if (!c.backend.isEmpty()) {
      backends.computeIfAbsent(key(c.pool, c.backend), k -> new Counts()).add(c, total);
    }
    if (!c.pool.isEmpty()) {
      pools.computeIfAbsent(c.pool, k -> new Counts()).add(c, total);
    }
    listeners.computeIfAbsent(c.listener, k -> new Counts()).add(c, total);
    all.add(c, total);
  }

  void connections(String listener, long open) {
    connections.put(listener, open);
    listeners.computeIfAbsent(listener, k -> new Counts());
  }

  /** A backend's counts ({@link #key}), or {@code null} if it has served nothing. */
  public Counts backend(String key) {
    return backends.get(key);
  }

  /** A pool's counts, or {@code null}. */
  public Counts pool(String name) {
    return pools.get(name);
  }

  /** A listener's counts, or {@code null}. */
  public Counts listener(String name) {
    return listeners.get(name);
  }

  /** Open client connections of a listener. */
  public long connections(String listener) {
    return connections.getOrDefault(listener, 0L);
  }

  /** Everything. */
  public Counts all() {
    return all;
  }
}
