package io.ballast.core.config;

import java.time.Duration;

/**
 * Slow start ({@code slow-start:} on a pool): a new or recovered backend's effective weight ramps
 * from {@code minWeight} of its weight to all of it over {@code window}, following Envoy's curve
 * {@code (elapsed / window) ^ (1 / aggression)}; aggression 1 is linear.
 *
 * <p>Written {@code slow-start: 30s} or {@code slow-start: { window: 30s, aggression: 1.5,
 * min-weight: 10% }}.
 *
 * @param window ramp length; zero disables slow start
 * @param aggression curve exponent's inverse, greater than 0; 1 is linear, higher ramps faster
 *     early
 * @param minWeight the fraction of the weight a backend starts at, 0..1
 */
public record SlowStartConfig(Duration window, double aggression, double minWeight) {

  /** Slow start off. */
  public static final SlowStartConfig OFF = new SlowStartConfig(Duration.ZERO, 1.0, 0.1);

  /** Whether slow start is on. */
  public boolean enabled() {
    return !window.isZero();
  }
}
