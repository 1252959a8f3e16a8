package io.ballast.core.config;

import io.ballast.core.balance.BalancerSpec;
import io.ballast.core.balance.HashOn;
import java.util.List;

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
    ConnectionPoolConfig connectionPool) {

  public PoolConfig {
    backends = List.copyOf(backends);
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
        connectionPool);
  }
}
