package io.ballast.core.balance.internal;

import io.ballast.core.model.Backend;
import io.ballast.core.model.Endpoint;
import java.util.List;

/**
 * The eligible endpoints of one update as flat arrays, which is what pickers index on the hot path.
 *
 * @param backends backends in configuration order
 * @param weights their effective weights, each at least 1
 * @param totalWeight the sum of {@code weights}
 */
public record Endpoints(Backend[] backends, int[] weights, long totalWeight) {

  /** Flattens {@code eligible}; weights below 1 count as 1 (eligible endpoints take traffic). */
  public static Endpoints of(List<Endpoint> eligible) {
    int n = eligible.size();
    Backend[] backends = new Backend[n];
    int[] weights = new int[n];
    long total = 0;
    for (int i = 0; i < n; i++) {
      Endpoint e = eligible.get(i);
      backends[i] = e.backend();
      weights[i] = Math.max(1, e.effectiveWeight());
      total += weights[i];
    }
    return new Endpoints(backends, weights, total);
  }

  /** How many endpoints. */
  public int size() {
    return backends.length;
  }

  /** Whether all weights are equal. */
  public boolean uniform() {
    for (int w : weights) {
      if (w != weights[0]) {
        return false;
      }
    }
    return true;
  }

  /** The largest weight, or 0 when empty. */
  public int maxWeight() {
    int max = 0;
    for (int w : weights) {
      max = Math.max(max, w);
    }
    return max;
  }
}
