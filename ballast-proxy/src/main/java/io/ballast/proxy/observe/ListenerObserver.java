package io.ballast.proxy.observe;

import io.ballast.core.model.Backend;

/**
 * Hot-path callbacks for one listener, resolved once per client connection so the data plane never
 * looks anything up per request. Called on event loops: lock-free and allocation-free in the
 * implementation, please.
 */
public interface ListenerObserver {

  /** Whether {@link ExchangeRecord#referer} and {@link ExchangeRecord#userAgent} are wanted. */
  default boolean wantsRequestHeaders() {
    return false;
  }

  /** A client connection was accepted. */
  default void connectionOpened() {}

  /** A client connection closed. */
  default void connectionClosed() {}

  /** A request finished (answered, failed or cut). */
  default void exchangeCompleted(ExchangeRecord record) {}

  /** A request was retried away from {@code from} for {@code reason}. */
  default void retried(Backend from, String reason) {}

  /** A retry was refused because the pool's retry budget was exhausted. */
  default void retryBudgetExhausted(String pool) {}

  /** Nothing observed. */
  ListenerObserver NONE = new ListenerObserver() {};
}
