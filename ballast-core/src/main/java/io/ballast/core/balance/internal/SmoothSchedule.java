package io.ballast.core.balance.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Precomputes a weighted round-robin order that pickers walk with an atomic cursor, so picking is
 * one {@code getAndIncrement} and an array read however many threads pick.
 *
 * <p>Which order:
 *
 * <ul>
 *   <li>Weights are first divided by their greatest common divisor, so {@code 100,100,100} is a
 *       cycle of 3, not 300.
 *   <li>When the cycle fits in {@link #MAX_LENGTH} and is cheap to generate, the order is exactly
 *       NGINX's smooth weighted round robin ({@code 5,1,1} gives {@code a a b a c a a}). NGINX's
 *       step scans every backend; backends of equal weight are always chosen in list order, so we
 *       scan one leader per distinct weight instead: O(cycle × distinct weights).
 *   <li>Otherwise the order comes from earliest-deadline-first with a half-step offset (stride
 *       scheduling), O(cycle × log n): just as interleaved, runs at most one longer than NGINX's.
 *   <li>When the reduced weights sum to more than {@link #MAX_LENGTH} (thousands of backends with
 *       unequal weights), weights are scaled down to fit, each keeping at least one slot. The table
 *       stays bounded (at most 1 MiB of indexes) and proportions are then exact to within half a
 *       slot per backend per cycle.
 * </ul>
 */
public final class SmoothSchedule {
  /** Longest table built. */
  public static final int MAX_LENGTH = 1 << 18;

  /** Work budget (steps × distinct weights) for the exact NGINX order. */
  private static final long NGINX_BUDGET = 1L << 24;

  private SmoothSchedule() {}

  /** The order of backend indexes for one cycle. {@code weights} must be positive. */
  public static int[] build(int[] weights) {
    int n = weights.length;
    if (n == 0) {
      return new int[0];
    }
    long g = 0;
    for (int w : weights) {
      g = gcd(g, w);
    }
    long total = 0;
    int[] reduced = new int[n];
    for (int i = 0; i < n; i++) {
      reduced[i] = (int) (weights[i] / g);
      total += reduced[i];
    }
    if (total > MAX_LENGTH) {
      total = 0;
      double scale = (double) (MAX_LENGTH - n) / sumOf(reduced);
      for (int i = 0; i < n; i++) {
        reduced[i] = (int) Math.max(1, Math.round(reduced[i] * scale));
        total += reduced[i];
      }
    }
    int length = (int) total;
    int distinct = distinctWeights(reduced);
    if ((long) length * distinct <= NGINX_BUDGET) {
      return nginx(reduced, length);
    }
    return earliestDeadline(reduced, length);
  }

  static long gcd(long a, long b) {
    while (b != 0) {
      long t = a % b;
      a = b;
      b = t;
    }
    return a;
  }

  private static long sumOf(int[] w) {
    long s = 0;
    for (int x : w) {
      s += x;
    }
    return s;
  }

  private static int distinctWeights(int[] w) {
    return (int) java.util.Arrays.stream(w).distinct().count();
  }

  /** NGINX's smooth weighted round robin, one leader per distinct weight. */
  static int[] nginx(int[] w, int length) {
    Map<Integer, List<Integer>> byWeight = new LinkedHashMap<>();
    for (int i = 0; i < w.length; i++) {
      byWeight.computeIfAbsent(w[i], k -> new ArrayList<>()).add(i);
    }
    int d = byWeight.size();
    long[] groupWeight = new long[d];
    int[][] members = new int[d][];
    int gi = 0;
    for (Map.Entry<Integer, List<Integer>> e : byWeight.entrySet()) {
      groupWeight[gi] = e.getKey();
      members[gi] = e.getValue().stream().mapToInt(Integer::intValue).toArray();
      gi++;
    }
    long[] picks = new long[d];
    int[] out = new int[length];
    long total = length;
    for (int k = 1; k <= length; k++) {
      int best = -1;
      long bestValue = Long.MIN_VALUE;
      int bestIndex = Integer.MAX_VALUE;
      for (int g = 0; g < d; g++) {
        int size = members[g].length;
        // current_weight of the group's leader: k*w minus total for each time it was chosen.
        long value = k * groupWeight[g] - total * (picks[g] / size);
        int leader = members[g][(int) (picks[g] % size)];
        if (value > bestValue || (value == bestValue && leader < bestIndex)) {
          best = g;
          bestValue = value;
          bestIndex = leader;
        }
      }
      out[k - 1] = bestIndex;
      picks[best]++;
    }
    return out;
  }

  /** Earliest deadline first: backend i's c-th turn is due at (c + 1/2) / w_i. */
  static int[] earliestDeadline(int[] w, int length) {
    int n = w.length;
    long[] count = new long[n];
    int[] heap = new int[n];
    for (int i = 0; i < n; i++) {
      heap[i] = i;
    }
    for (int i = n / 2 - 1; i >= 0; i--) {
      siftDown(heap, n, i, count, w);
    }
    int[] out = new int[length];
    for (int k = 0; k < length; k++) {
      int top = heap[0];
      out[k] = top;
      count[top]++;
      siftDown(heap, n, 0, count, w);
    }
    return out;
  }

  private static boolean before(int a, int b, long[] count, int[] w) {
    // (2c_a + 1) / w_a < (2c_b + 1) / w_b, ties by index.
    long l = (2 * count[a] + 1) * w[b];
    long r = (2 * count[b] + 1) * w[a];
    return l < r || (l == r && a < b);
  }

  private static void siftDown(int[] heap, int size, int i, long[] count, int[] w) {
    int x = heap[i];
    while (true) {
      int c = 2 * i + 1;
      if (c >= size) {
        break;
      }
      if (c + 1 < size && before(heap[c + 1], heap[c], count, w)) {
        c++;
      }
      if (!before(heap[c], x, count, w)) {
        break;
      }
      heap[i] = heap[c];
      i = c;
    }
    heap[i] = x;
  }
}
