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
 * @param persistence session persistence
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
    PersistenceConfig persistence,
    List<BackendConfig> backends,
    PoolTimeouts timeouts,
    ConnectionPoolConfig connectionPool,
    HealthConfig health,
    RetryConfig retries,
    PoolLimits limits) {

  public PoolConfig {
    backends = List.copyOf(backends);
    Objects.requireNonNull(persistence, "persistence");
    Objects.requireNonNull(health, "health");
    Objects.requireNonNull(retries, "retries");
    Objects.requireNonNull(limits, "limits");
  }

  /** A pool with default persistence (none), health, retries and limits. */
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
        PersistenceConfig.NONE,
        backends,
        timeouts,
        connectionPool,
        HealthConfig.defaults(),
        RetryConfig.defaults(),
        PoolLimits.defaults());
  }

  /** The same pool with other backends (runtime overlays, tests). */
  public PoolConfig withBackends(List<BackendConfig> newBackends) {
    return new PoolConfig(
        name,
        algorithm,
        balancer,
        hashOn,
        slowStart,
        persistence,
        newBackends,
        timeouts,
        connectionPool,
        health,
        retries,
        limits);
  }

  /** The same pool with another algorithm. */
  public PoolConfig withBalancer(String newAlgorithm, BalancerSpec newBalancer) {
    return new PoolConfig(
        name,
        newAlgorithm,
        newBalancer,
        hashOn,
        slowStart,
        persistence,
        backends,
        timeouts,
        connectionPool,
        health,
        retries,
        limits);
  }

  /** The same pool with other session persistence. */
  public PoolConfig withPersistence(PersistenceConfig newPersistence) {
    return new PoolConfig(
        name,
        algorithm,
        balancer,
        hashOn,
        slowStart,
        newPersistence,
        backends,
        timeouts,
        connectionPool,
        health,
        retries,
        limits);
  }

  /** The same pool with other timeouts. */
  public PoolConfig withTimeouts(PoolTimeouts newTimeouts) {
    return new PoolConfig(
        name,
        algorithm,
        balancer,
        hashOn,
        slowStart,
        persistence,
        backends,
        newTimeouts,
        connectionPool,
        health,
        retries,
        limits);
  }

  /** The same pool with other health settings. */
  public PoolConfig withHealth(HealthConfig newHealth) {
    return new PoolConfig(
        name,
        algorithm,
        balancer,
        hashOn,
        slowStart,
        persistence,
        backends,
        timeouts,
        connectionPool,
        newHealth,
        retries,
        limits);
  }

  /** The same pool with other retry settings. */
  public PoolConfig withRetries(RetryConfig newRetries) {
    return new PoolConfig(
        name,
        algorithm,
        balancer,
        hashOn,
        slowStart,
        persistence,
        backends,
        timeouts,
        connectionPool,
        health,
        newRetries,
        limits);
  }

  /** The same pool with other limits. */
  public PoolConfig withLimits(PoolLimits newLimits) {
    return new PoolConfig(
        name,
        algorithm,
        balancer,
        hashOn,
        slowStart,
        persistence,
        backends,
        timeouts,
        connectionPool,
        health,
        retries,
        newLimits);
  }
}
