package io.ballast.admin.metrics;

/**
 * One backend's counters, attached to its {@code Backend} (so the request path finds them with a
 * field read) and kept by pool and id (so a backend re-created with the same id keeps counting into
 * the same series). Per-listener counters sit in an array indexed by the listener's number.
 */
final class BackendMetrics {
  final ProxyMetrics owner;
  final String pool;
  final String id;
  final LatencyHistogram connect = new LatencyHistogram();
  private volatile ExchangeCounters[] byListener = new ExchangeCounters[0];

  /** When the backend was last seen missing from the snapshot ({@code System.nanoTime}), or 0. */
  volatile long goneSinceNanos;

  BackendMetrics(ProxyMetrics owner, String pool, String id) {
    this.owner = owner;
    this.pool = pool;
    this.id = id;
  }

  ExchangeCounters forListener(ListenerMetrics listener) {
    ExchangeCounters[] a = byListener;
    int i = listener.index;
    if (i < a.length) {
      ExchangeCounters c = a[i];
      if (c != null) {
        return c;
      }
    }
    return create(listener);
  }

  // Once per listener and backend: copy-on-write keeps the read side lock-free.
  private synchronized ExchangeCounters create(ListenerMetrics listener) {
    ExchangeCounters[] a = byListener;
    int i = listener.index;
    if (i < a.length && a[i] != null) {
      return a[i];
    }
    ExchangeCounters[] grown = java.util.Arrays.copyOf(a, Math.max(a.length, i + 1));
    ExchangeCounters c = new ExchangeCounters(listener.name, pool, id);
    grown[i] = c;
    byListener = grown;
    return c;
  }

  /** The per-listener counters that exist, in listener order. */
  ExchangeCounters[] counters() {
    return byListener;
  }
}
