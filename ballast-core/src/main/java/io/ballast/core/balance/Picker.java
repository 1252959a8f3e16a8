package io.ballast.core.balance;

import io.ballast.core.model.Backend;

/**
 * Chooses a backend for one request or connection. Immutable apart from tiny atomics (a cursor, a
 * counter); called concurrently from every event loop, so it never locks, blocks, logs or allocates
 * on the common path.
 */
public interface Picker {

  /**
   * Picks a backend, avoiding those {@link PickContext#tried tried} already for this request when
   * another is available.
   *
   * @return the backend, or {@code null} when the pool has nothing eligible
   */
  Backend pick(PickContext context);

  /**
   * The data plane reports how a request to {@code backend} went. Latency-aware and load-report
   * balancers learn from this; the default ignores it. Called on an event loop: lock-free only.
   *
   * @param backend the backend that served the request
   * @param result the outcome; valid only during this call
   */
  default void onResult(Backend backend, RequestResult result) {}

  /** A picker for a pool with nothing eligible: always {@code null}. */
  Picker EMPTY = context -> null;
}
