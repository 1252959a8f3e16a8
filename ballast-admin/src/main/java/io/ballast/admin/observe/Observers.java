package io.ballast.admin.observe;

import io.ballast.core.model.Backend;
import io.ballast.proxy.observe.ExchangeRecord;
import io.ballast.proxy.observe.ListenerObserver;
import io.ballast.proxy.observe.TrafficObserver;

/** Puts several traffic observers (metrics, access log) behind the data plane's one seam. */
public final class Observers {
  private Observers() {}

  /** Both observers, in order; a missing one ({@code null}) is skipped. */
  public static TrafficObserver both(TrafficObserver first, TrafficObserver second) {
    if (first == null) {
      return second == null ? TrafficObserver.NONE : second;
    }
    if (second == null) {
      return first;
    }
    return name -> {
      ListenerObserver a = first.listener(name);
      ListenerObserver b = second.listener(name);
      if (a == ListenerObserver.NONE) {
        return b;
      }
      return b == ListenerObserver.NONE ? a : new Both(a, b);
    };
  }

  /** Two listener observers called in turn (a final class, so calls stay cheap). */
  private static final class Both implements ListenerObserver {
    private final ListenerObserver a;
    private final ListenerObserver b;

    Both(ListenerObserver a, ListenerObserver b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public boolean wantsRequestHeaders() {
      return a.wantsRequestHeaders() || b.wantsRequestHeaders();
    }

    @Override
    public void connectionOpened() {
      a.connectionOpened();
      b.connectionOpened();
    }

    @Override
    public void connectionClosed() {
      a.connectionClosed();
      b.connectionClosed();
    }

    @Override
    public void exchangeCompleted(ExchangeRecord record) {
      a.exchangeCompleted(record);
      b.exchangeCompleted(record);
    }

    @Override
    public void retried(Backend from, String reason) {
      a.retried(from, reason);
      b.retried(from, reason);
    }

    @Override
    public void retryBudgetExhausted(String pool) {
      a.retryBudgetExhausted(pool);
      b.retryBudgetExhausted(pool);
    }
  }
}
