package io.ballast.core.balance.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SmoothScheduleTest {

  @Test
  void nginxOrderForFiveOneOne() {
    assertThat(SmoothSchedule.build(new int[] {5, 1, 1})).containsExactly(0, 0, 1, 0, 2, 0, 0);
    // Reduced by the gcd: same order, same length.
    assertThat(SmoothSchedule.build(new int[] {500, 100, 100}))
        .containsExactly(0, 0, 1, 0, 2, 0, 0);
  }

  @Test
  void groupedGeneratorMatchesNaiveNginx() {
    int[][] cases = {{3, 3, 1, 7, 3}, {1, 1, 1}, {4, 2, 4, 2, 9, 1}, {10, 7, 7, 7, 2}};
    for (int[] w : cases) {
      assertThat(SmoothSchedule.build(w)).isEqualTo(naiveNginx(w));
    }
  }

  @Test
  void earliestDeadlineIsExactAndInterleaved() {
    int[] w = {5, 1, 1, 3};
    int[] order = SmoothSchedule.earliestDeadline(w, 10);
    int[] counts = new int[4];
    for (int i : order) {
      counts[i]++;
    }
    assertThat(counts).containsExactly(5, 1, 1, 3);
    assertThat(maxRun(order)).isLessThanOrEqualTo(2);
  }

  @Test
  void hugeWeightSumsStayBounded() {
    int n = 5000;
    int[] w = new int[n];
    for (int i = 0; i < n; i++) {
      w[i] = 1 + (i * 7919) % 10000;
    }
    int[] order = SmoothSchedule.build(w);
    assertThat(order.length).isLessThanOrEqualTo(SmoothSchedule.MAX_LENGTH);
    int[] counts = new int[n];
    for (int i : order) {
      counts[i]++;
    }
    long total = 0;
    for (int x : w) {
      total += x;
    }
    for (int i = 0; i < n; i++) {
      double expected = (double) w[i] / total * order.length;
      assertThat(counts[i]).isGreaterThanOrEqualTo(1);
      assertThat((double) counts[i]).isBetween(expected - 1.5, expected + 1.5);
    }
  }

  static int maxRun(int[] order) {
    int best = 1;
    int run = 1;
    for (int i = 1; i < order.length * 2; i++) {
      if (order[i % order.length] == order[(i - 1) % order.length]) {
        best = Math.max(best, ++run);
      } else {
        run = 1;
      }
    }
    return best;
  }

  private static int[] naiveNginx(int[] w) {
    long g = 0;
    for (int x : w) {
      g = SmoothSchedule.gcd(g, x);
    }
    int total = 0;
    for (int x : w) {
      total += (int) (x / g);
    }
    long[] current = new long[w.length];
    int[] out = new int[total];
    for (int k = 0; k < total; k++) {
      int best = -1;
      for (int i = 0; i < w.length; i++) {
        current[i] += w[i] / g;
        if (best < 0 || current[i] > current[best]) {
          best = i;
        }
      }
      current[best] -= total;
      out[k] = best;
    }
    return out;
  }
}
