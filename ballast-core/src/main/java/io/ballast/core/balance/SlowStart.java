package io.ballast.core.balance;

import io.ballast.core.config.SlowStartConfig;

/**
 * Slow start's ramp as a pure function (Envoy's {@code slow_start_config}): a backend that just
 * became eligible gets {@code max(minWeight, (elapsed / window) ^ (1 / aggression))} of its weight,
 * reaching all of it once {@code window} has passed. Aggression 1 is a straight line; above 1 the
 * ramp rises faster early on.
 *
 * <p>The control plane calls {@link #effectiveWeight} when it builds endpoints and re-publishes
 * while any backend is still ramping ({@link #ramping}). Time is whatever ticker the caller uses,
 * so tests and the simulator drive it with a fake clock.
 */
public final class SlowStart {
  private SlowStart() {}

  /**
   * The fraction of its weight a backend gets now.
   *
   * @param config the pool's slow start
   * @param eligibleSinceNanos when the backend became eligible (ticker time)
   * @param nowNanos the ticker's time now
   * @return a factor in {@code [minWeight, 1]}; 1 when slow start is off or over
   */
  public static double factor(SlowStartConfig config, long eligibleSinceNanos, long nowNanos) {
    if (config == null || !config.enabled()) {
      return 1.0;
    }
    long window = config.window().toNanos();
    long elapsed = nowNanos - eligibleSinceNanos;
    if (elapsed >= window) {
      return 1.0;
    }
    double min = Math.min(1.0, Math.max(0.0, config.minWeight()));
    if (elapsed <= 0) {
      return min;
    }
    double aggression = config.aggression() > 0 ? config.aggression() : 1.0;
    double ramp = Math.pow((double) elapsed / window, 1.0 / aggression);
    return Math.max(min, Math.min(1.0, ramp));
  }

  /**
   * The weight to publish for a backend: {@code weight × factor}, rounded, at least 1 while {@code
   * weight > 0} so a ramping backend is never ineligible.
   */
  public static int effectiveWeight(
      int weight, SlowStartConfig config, long eligibleSinceNanos, long nowNanos) {
    if (weight <= 0) {
      return 0;
    }
    double f = factor(config, eligibleSinceNanos, nowNanos);
    return (int) Math.max(1, Math.round(weight * f));
  }

  /** Whether the backend is still ramping, so its weight must be recomputed later. */
  public static boolean ramping(SlowStartConfig config, long eligibleSinceNanos, long nowNanos) {
    return config != null
        && config.enabled()
        && nowNanos - eligibleSinceNanos < config.window().toNanos();
  }
}
