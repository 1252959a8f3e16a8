package io.ballast.core.balance.internal;

import java.util.random.RandomGenerator;

/**
 * Walker's alias method (Vose's construction): samples an index with probability proportional to
 * its weight in O(1) from one random {@code long}, after an O(n) build.
 */
public final class AliasTable {
  private static final double TWO_32 = 0x1p32;

  private final int n;
  // Acceptance threshold per column, scaled to 32 bits so sampling needs no floating point.
  private final long[] threshold;
  private final int[] alias;

  private AliasTable(int n, long[] threshold, int[] alias) {
    this.n = n;
    this.threshold = threshold;
    this.alias = alias;
  }

  /** Builds a table over positive weights. */
  public static AliasTable of(int[] weights) {
    double[] w = new double[weights.length];
    for (int i = 0; i < w.length; i++) {
      w[i] = weights[i];
    }
    return of(w);
  }

  /** Builds a table over non-negative weights with a positive sum. */
  public static AliasTable of(double[] weights) {
    int n = weights.length;
    if (n == 0) {
      throw new IllegalArgumentException("no weights");
    }
    double sum = 0;
    for (double w : weights) {
      sum += w;
    }
    double[] scaled = new double[n];
    int[] small = new int[n];
    int[] large = new int[n];
    int ns = 0;
    int nl = 0;
    for (int i = 0; i < n; i++) {
      scaled[i] = weights[i] * n / sum;
      if (scaled[i] < 1.0) {
        small[ns++] = i;
      } else {
        large[nl++] = i;
      }
    }
    long[] threshold = new long[n];
    int[] alias = new int[n];
    while (ns > 0 && nl > 0) {
      int s = small[--ns];
      int l = large[--nl];
      threshold[s] = (long) (scaled[s] * TWO_32);
      alias[s] = l;
      scaled[l] = (scaled[l] + scaled[s]) - 1.0;
      if (scaled[l] < 1.0) {
        small[ns++] = l;
      } else {
        large[nl++] = l;
      }
    }
    // Leftovers are 1 up to rounding: always accept them.
    while (nl > 0) {
      int l = large[--nl];
      threshold[l] = 1L << 32;
      alias[l] = l;
    }
    while (ns > 0) {
      int s = small[--ns];
      threshold[s] = 1L << 32;
      alias[s] = s;
    }
    return new AliasTable(n, threshold, alias);
  }

  /** How many indexes. */
  public int size() {
    return n;
  }

  /** An index drawn with probability proportional to its weight. */
  public int sample(RandomGenerator random) {
    long bits = random.nextLong();
    int column = (int) (((bits >>> 32) * n) >>> 32);
    return (bits & 0xFFFFFFFFL) < threshold[column] ? column : alias[column];
  }
}
