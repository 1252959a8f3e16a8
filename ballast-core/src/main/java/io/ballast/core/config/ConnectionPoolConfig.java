package io.ballast.core.config;

import java.time.Duration;

/**
 * Upstream keep-alive pooling ({@code connection-pool:} on a pool). Pools are per event loop and
 * per backend.
 *
 * @param maxIdlePerBackend idle connections kept per backend on each event loop
 * @param idleTimeout an idle pooled connection is closed after this long
 */
public record ConnectionPoolConfig(int maxIdlePerBackend, Duration idleTimeout) {

  /** 64 idle connections per backend per loop, closed after 60 s idle. */
  public static ConnectionPoolConfig defaults() {
    return new ConnectionPoolConfig(64, Duration.ofSeconds(60));
  }
}
