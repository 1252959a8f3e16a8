package io.ballast.core.balance.loadreport;

import java.util.concurrent.atomic.AtomicLong;

/**
 * gRPC's static stride scheduler: O(n) to build, so it can be rebuilt every second on an event
 * loop, and lock-free to pick from. Weights are scaled to 16 bits (the largest capped at ten times
 * the mean, so a pick takes about ten steps at worst); the shared sequence number walks backends in
 * rounds, and backend {@code i} takes its turn in round {@code g} when {@code (w_i·g + offset_i)
 * mod 65535 ≥ 65535 − w_i}, which happens exactly {@code w_i} times in 65535 rounds, spread evenly.
 */
final class StrideSchedule {
  private static final int MAX_WEIGHT = 0xFFFF;
  private static final double MAX_RATIO = 10.0;
  private static final double MIN_RATIO = 0.01;

  /** Safety bound on steps per pick; expected steps are at most {@code MAX_RATIO}. */
  private static final int MAX_STEPS = 1024;

  private final int[] scaled;
  private final AtomicLong sequence;

  private StrideSchedule(int[] scaled, AtomicLong sequence) {
    this.scaled = scaled;
    this.sequence = sequence;
  }

  /** Builds a schedule over positive weights. */
  static StrideSchedule of(double[] weights, AtomicLong sequence) {
    int n = weights.length;
    double sum = 0;
    double max = 0;
    for (double w : weights) {
      sum += w;
      max = Math.max(max, w);
    }
    double mean = sum / n;
    double cap = Math.min(max, MAX_RATIO * mean);
    double scale = MAX_WEIGHT / cap;
    int floor = (int) Math.ceil(scale * mean * MIN_RATIO);
    int[] scaled = new int[n];
    for (int i = 0; i < n; i++) {
      double w = Math.min(weights[i], cap);
      scaled[i] = (int) Math.max(floor, Math.max(1, Math.min(MAX_WEIGHT, Math.round(scale * w))));
    }
    return new StrideSchedule(scaled, sequence);
  }

  /** The next backend index. */
  int pick() {
    int n = scaled.length;
    for (int step = 0; ; step++) {
      long seq = sequence.getAndIncrement() & Long.MAX_VALUE;
      int i = (int) (seq % n);
      long generation = seq / n;
      int w = scaled[i];
      long offset = (long) (MAX_WEIGHT / 2) * i;
      if ((w * (generation % MAX_WEIGHT) + offset) % MAX_WEIGHT >= MAX_WEIGHT - w
          || step >= MAX_STEPS) {
        return i;
      }
    }
  }

  /** Scaled weights (for tests). */
  int[] scaled() {
    return scaled;
  }
}
