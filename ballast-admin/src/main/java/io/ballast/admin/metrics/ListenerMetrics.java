package io.ballast.admin.metrics;

import io.ballast.core.model.Backend;
import io.ballast.proxy.observe.ExchangeRecord;
import io.ballast.proxy.observe.ListenerObserver;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The metrics' observer for one listener. Resolved once per listener by name; after that, every
 * callback is a few field reads and {@link LongAdder} adds. Requests that reached a backend count
 * through the backend's attachment; those that never got one (bad requests, no backend available)
 * through a small per-pool table, which only such failures consult.
 */
final class ListenerMetrics implements ListenerObserver {
  final ProxyMetrics owner;
  final String name;
  final int index;
  final LongAdder opened = new LongAdder();
  final LongAdder closed = new LongAdder();
  final ConcurrentHashMap<String, ExchangeCounters> noBackend = new ConcurrentHashMap<>();
  final ConcurrentHashMap<String, LongAdder> budgetExhausted = new ConcurrentHashMap<>();

  ListenerMetrics(ProxyMetrics owner, String name, int index) {
    this.owner = owner;
    this.name = name;
    this.index = index;
  }

  @Override
  public void connectionOpened() {
    opened.increment();
  }

  @Override
  public void connectionClosed() {
    closed.increment();
  }

  @Override
  public void exchangeCompleted(ExchangeRecord r) {
    Backend b = r.backend;
    if (b == null) {
      noBackend(r.pool).record(r);
      return;
    }
    BackendMetrics m = owner.backend(b);
    m.forListener(this).record(r);
    if (r.connectNanos > 0) {
      m.connect.observe(r.connectNanos);
    }
  }

  @Override
  public void retried(Backend from, String reason) {
    if (from != null) {
      owner.backend(from).forListener(this).retried(reason);
    }
  }

  @Override
  public void retryBudgetExhausted(String pool) {
    budgetExhausted.computeIfAbsent(pool == null ? "" : pool, p -> new LongAdder()).increment();
  }

  private ExchangeCounters noBackend(String pool) {
    String p = pool == null ? "" : pool;
    ExchangeCounters c = noBackend.get(p);
    return c != null ? c : noBackend.computeIfAbsent(p, k -> new ExchangeCounters(name, k, ""));
  }

  /** Client connections open now. */
  long open() {
    return Math.max(0, opened.sum() - closed.sum());
  }
}
