package io.ballast.core.balance.internal;

import io.ballast.core.balance.PickContext;
import io.ballast.core.model.Backend;
import java.util.random.RandomGenerator;

/** Drawing distinct, untried candidates for power-of-k-choices pickers. */
public final class Candidates {
  /** Weighted draws before falling back to a scan. */
  private static final int DRAWS = 4;

  private Candidates() {}

  /**
   * A weighted random index other than {@code not} whose backend was not tried, or -1 if there is
   * none. A few weighted draws usually find one; in tiny or lopsided pools (where the heaviest
   * backend keeps coming up) a scan from a random start finishes the job, so the comparison is
   * never skipped.
   */
  public static int draw(
      AliasTable alias, Backend[] backends, RandomGenerator random, PickContext context, int not) {
    boolean avoid = context.triedCount() > 0;
    for (int d = 0; d < DRAWS; d++) {
      int j = alias.sample(random);
      if (j != not && !(avoid && context.tried(backends[j]))) {
        return j;
      }
    }
    int n = backends.length;
    int start = random.nextInt(n);
    for (int k = 0; k < n; k++) {
      int j = start + k < n ? start + k : start + k - n;
      if (j != not && !(avoid && context.tried(backends[j]))) {
        return j;
      }
    }
    return -1;
  }
}
