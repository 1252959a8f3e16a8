package io.ballast.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Per-backend limits and the pool's wait queue ({@code limits:} on a pool; HAProxy's {@code
 * maxconn} and {@code timeout queue}). When every eligible backend is at its limit, a request waits
 * in the pool's queue (at most {@code maxPending} requests) for up to {@code queueTimeout}, then
 * gets 503 with {@code Retry-After}.
 *
 * @param maxConnectionsPerBackend concurrent upstream connections per backend; 0 means unlimited. A
 *     backend's own {@code max-connections} wins when set
 * @param maxPending requests that may wait in the pool's queue; 0 means none wait (503 at once)
 * @param maxRequestsPerBackend concurrent requests per backend; 0 means unlimited
 * @param queueTimeout longest wait in the queue; 0 means no limit (until the client gives up)
 */
public record PoolLimits(
    int maxConnectionsPerBackend,
    int maxPending,
    int maxRequestsPerBackend,
    Duration queueTimeout) {

  public PoolLimits {
    Objects.requireNonNull(queueTimeout, "queueTimeout");
    if (maxConnectionsPerBackend < 0
        || maxPending < 0
        || maxRequestsPerBackend < 0
        || queueTimeout.isNegative()) {
      throw new IllegalArgumentException("limits must not be negative");
    }
  }

  /** No per-backend limits; up to 1024 requests wait up to 5 s when limits are set. */
  public static PoolLimits defaults() {
    return new PoolLimits(0, 1024, 0, Duration.ofSeconds(5));
  }

  /** The connection limit for a backend whose own {@code max-connections} is {@code own}. */
  public int maxConnectionsFor(int own) {
    return own > 0 ? own : maxConnectionsPerBackend;
  }

  /**
   * Whether a pool-wide per-backend limit is set. (A backend's own {@code max-connections} can also
   * fill it up and make requests queue.)
   */
  public boolean limited() {
    return maxConnectionsPerBackend > 0 || maxRequestsPerBackend > 0;
  }
}
