package io.ballast.core.config;

import java.util.Objects;

/**
 * How a pool judges its backends' health ({@code health:} on a pool): active checks, passive
 * outlier detection, the panic threshold and the state new backends start in.
 *
 * @param active active checks, or {@code null} when the pool has none (backends are then up unless
 *     outlier detection ejects them)
 * @param passive outlier detection; {@link PassiveHealthConfig#OFF} when off
 * @param panicThreshold when the healthy share of the pool falls below this (0..1), the pool
 *     balances across all its backends, healthy or not, rather than overload the few left (Envoy's
 *     panic mode); 0 turns panic mode off (default 0.5)
 * @param initState the state a backend starts in: {@code UP}, or {@code DOWN} until {@code rise}
 *     checks pass (HAProxy {@code init-state}); {@code DOWN} needs active checks
 */
public record HealthConfig(
    ActiveCheckConfig active,
    PassiveHealthConfig passive,
    double panicThreshold,
    InitState initState) {

  /** The state a backend is in before its first checks. */
  public enum InitState {
    /** Up until {@code fall} checks fail (HAProxy {@code fully-up}). */
    UP,
    /** Down until {@code rise} checks pass (HAProxy {@code fully-down}). */
    DOWN
  }

  /** Default panic threshold: 50%. */
  public static final double DEFAULT_PANIC_THRESHOLD = 0.5;

  public HealthConfig {
    Objects.requireNonNull(passive, "passive");
    Objects.requireNonNull(initState, "initState");
    if (!(panicThreshold >= 0 && panicThreshold <= 1)) {
      throw new IllegalArgumentException(
          "panicThreshold " + panicThreshold + " is out of range 0..1");
    }
    if (initState == InitState.DOWN && active == null) {
      throw new IllegalArgumentException("init state DOWN needs active checks");
    }
  }

  /** No active checks, default outlier detection, 50% panic threshold, backends start up. */
  public static HealthConfig defaults() {
    return new HealthConfig(
        null, PassiveHealthConfig.defaults(), DEFAULT_PANIC_THRESHOLD, InitState.UP);
  }

  /** Whether the pool runs active checks. */
  public boolean hasActiveChecks() {
    return active != null;
  }
}
