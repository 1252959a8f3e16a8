package io.ballast.core.balance.internal;

import io.ballast.core.balance.PickContext;
import io.ballast.core.balance.Picker;
import io.ballast.core.model.Backend;
import java.util.random.RandomGenerator;

/**
 * Picks the backend with the fewest requests in flight per unit of weight, either over the whole
 * pool (small pools) or over {@code choices} candidates drawn by weight (power of k choices, for
 * large pools or when herd behaviour across nodes matters).
 *
 * <p>Why candidates are drawn <em>by weight</em> and compared by {@code inflight / weight}: the
 * comparison drives every backend towards the same in-flight count per unit of weight, which is the
 * weighted share, and ties (an idle pool) fall to the first candidate, which is itself a weighted
 * draw. Envoy's weighted least-request draws uniformly and adjusts weights by load instead, which
 * is bursty and unfair in small pools (envoy#3284, #11004). The full scan starts at a weighted
 * random position for the same reason: equal backends share evenly, and an idle pool still splits
 * by weight.
 */
public final class LeastLoadedPicker implements Picker {
  private final Backend[] backends;
  private final int[] weights;
  private final AliasTable alias;
  private final boolean fullScan;
  private final int choices;

  /**
   * Creates a picker.
   *
   * @param endpoints the pool
   * @param fullScanLimit pools up to this size are scanned completely
   * @param choices how many weighted candidates to compare in larger pools, at least 2
   */
  public LeastLoadedPicker(Endpoints endpoints, int fullScanLimit, int choices) {
    this.backends = endpoints.backends();
    this.weights = endpoints.weights();
    this.alias = AliasTable.of(weights);
    this.fullScan = backends.length <= fullScanLimit;
    this.choices = Math.max(2, choices);
  }

  @Override
  public Backend pick(PickContext context) {
    RandomGenerator random = context.random();
    int n = backends.length;
    if (n == 1) {
      return backends[0];
    }
    return fullScan ? scan(random, context) : sample(random, context);
  }

  private Backend scan(RandomGenerator random, PickContext context) {
    int n = backends.length;
    int start = alias.sample(random);
    boolean avoid = context.triedCount() > 0;
    int best = -1;
    long bestLoad = 0;
    for (int i = 0; i < n; i++) {
      int j = start + i;
      if (j >= n) {
        j -= n;
      }
      Backend b = backends[j];
      if (avoid && context.tried(b)) {
        continue;
      }
      long load = b.load().inflight();
      if (best < 0 || load * weights[best] < bestLoad * weights[j]) {
        best = j;
        bestLoad = load;
      }
    }
    return best < 0 ? backends[start] : backends[best];
  }

  private Backend sample(RandomGenerator random, PickContext context) {
    int best = Candidates.draw(alias, backends, random, context, -1);
    if (best < 0) {
      return Retry.untriedFrom(backends, alias.sample(random), context);
    }
    long bestLoad = backends[best].load().inflight();
    for (int c = 1; c < choices; c++) {
      int j = Candidates.draw(alias, backends, random, context, best);
      if (j < 0) {
        continue;
      }
      long load = backends[j].load().inflight();
      if (load * weights[best] < bestLoad * weights[j]) {
        best = j;
        bestLoad = load;
      }
    }
    return backends[best];
  }
}
