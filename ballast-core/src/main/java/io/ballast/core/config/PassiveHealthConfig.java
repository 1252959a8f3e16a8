package io.ballast.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Passive health, or outlier detection ({@code health.passive}, Envoy semantics): the data plane
 * reports how each request went, and backends that keep failing are ejected for a while.
 *
 * <p>A backend is ejected at once after {@code consecutiveErrors} failed requests in a row (any
 * error) or {@code consecutiveGatewayErrors} in a row (502, 503, 504 and connection failures,
 * resets and timeouts). Every {@code interval}, success-rate and failure-percentage ejection judge
 * the pool as a whole, and ejected backends whose time is up return. An ejection lasts {@code
 * ejection × times ejected before}, at most {@code maxEjection}. At most {@code maxEjected} of the
 * pool is ejected at once, and never its last backend.
 *
 * @param consecutiveErrors failed requests in a row that eject; 0 turns this off (default 5)
 * @param consecutiveGatewayErrors gateway errors in a row that eject; 0 turns this off (default 0)
 * @param errorStatuses response statuses that count as failed requests (default 500-599);
 *     connection failures, resets and timeouts always count
 * @param interval how often the pool is evaluated (default 10 s)
 * @param ejection base ejection time (default 30 s)
 * @param maxEjection longest ejection (default 300 s)
 * @param maxEjected the largest share of the pool ejected at once, 0..1 (default 0.5); a pool of
 *     two or more may always eject one backend while this is above 0
 * @param successRate success-rate ejection, or {@code null} when off
 * @param failurePercentage failure-percentage ejection, or {@code null} when off
 */
public record PassiveHealthConfig(
    int consecutiveErrors,
    int consecutiveGatewayErrors,
    StatusSet errorStatuses,
    Duration interval,
    Duration ejection,
    Duration maxEjection,
    double maxEjected,
    SuccessRateConfig successRate,
    FailurePercentageConfig failurePercentage) {

  /** Default error statuses: 500-599. */
  public static final StatusSet DEFAULT_ERROR_STATUSES = StatusSet.range(500, 599);

  /** Outlier detection off. */
  public static final PassiveHealthConfig OFF =
      new PassiveHealthConfig(
          0,
          0,
          DEFAULT_ERROR_STATUSES,
          Duration.ofSeconds(10),
          Duration.ofSeconds(30),
          Duration.ofSeconds(300),
          0.5,
          null,
          null);

  public PassiveHealthConfig {
    Objects.requireNonNull(errorStatuses, "errorStatuses");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(ejection, "ejection");
    Objects.requireNonNull(maxEjection, "maxEjection");
    if (consecutiveErrors < 0 || consecutiveGatewayErrors < 0) {
      throw new IllegalArgumentException("consecutive error counts must be at least 0");
    }
    if (!(maxEjected >= 0 && maxEjected <= 1)) {
      throw new IllegalArgumentException("maxEjected " + maxEjected + " is out of range 0..1");
    }
    if (interval.isZero() || interval.isNegative() || ejection.isNegative()) {
      throw new IllegalArgumentException("interval must be positive, ejection not negative");
    }
  }

  /** 5 consecutive errors, 10 s interval, 30 s ejection up to 300 s, at most half the pool. */
  public static PassiveHealthConfig defaults() {
    return new PassiveHealthConfig(
        5,
        0,
        DEFAULT_ERROR_STATUSES,
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        Duration.ofSeconds(300),
        0.5,
        null,
        null);
  }

  /** Whether anything can eject a backend. */
  public boolean enabled() {
    return maxEjected > 0
        && (consecutiveErrors > 0
            || consecutiveGatewayErrors > 0
            || successRate != null
            || failurePercentage != null);
  }
}
