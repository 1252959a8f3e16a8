package io.ballast.core.config;

import io.ballast.core.balance.BalancerSpec;
import io.ballast.core.balance.HashOn;
import java.util.List;
import java.util.Objects;

/**
 * A pool of backends that serve the same thing ({@code pools[]}).
 *
 * @param name unique name
 * @param algorithm the balancing algorithm's registered name (see {@link
 *     io.ballast.core.balance.BalancerRegistry})
 * @param balancer the algorithm's factory with its parsed {@code algorithm-options:}
 * @param hashOn what hash-based algorithms hash ({@code hash-on:}, default {@code source-ip})
 * @param slowStart how a new or recovered backend's weight ramps up
 * @param backends statically declared backends
 * @param timeouts upstream timeouts
 * @param connectionPool upstream keep-alive connection pooling
 * @param health active checks, outlier detection, panic threshold and initial state ({@code
 *     health:})
 * @param retries retries on another backend and the retry budget ({@code retries:})
 * @param limits per-backend limits and the pool's wait queue ({@code limits:})
 */
public record PoolConfig(
    String name,
    String algorithm,
    BalancerSpec balancer,
    HashOn hashOn,
    SlowStartConfig slowStart,
    List<BackendConfig> backends,
    PoolTimeouts timeouts,
    ConnectionPoolConfig connectionPool,
    HealthConfig health,
    RetryConfig retries,
    PoolLimits limits) {

  public PoolConfig {
    backends = List.copyOf(backends);
    Objects.requireNonNull(health, "health");
    Objects.requireNonNull(retries, "retries");
    Objects.requireNonNull(limits, "limits");
  }

  /** A pool with default health, retry and limit settings. */
  public PoolConfig(
      String name,
      String algorithm,
      BalancerSpec balancer,
      HashOn hashOn,
      SlowStartConfig slowStart,
      List<BackendConfig> backends,
      PoolTimeouts timeouts,
      ConnectionPoolConfig connectionPool) {
    this(
        name,
        algorithm,
        balancer,
        hashOn,
        slowStart,
        backends,
        timeouts,
        connectionPool,
        HealthConfig.defaults(),
        RetryConfig.defaults(),
        PoolLimits.defaults());
  }
}
