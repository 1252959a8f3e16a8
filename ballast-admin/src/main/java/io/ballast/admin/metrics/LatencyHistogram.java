package io.ballast.admin.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * A fixed-bucket latency histogram for the hot path: one {@link LongAdder} per bucket and one for
 * the sum, so recording is two uncontended adds and a few comparisons — no lock, no allocation.
 * Buckets follow Prometheus: bucket {@code i} counts observations {@code <=} {@link
 * #BOUNDS_SECONDS}{@code [i]}; the last one is {@code +Inf}.
 */
public final class LatencyHistogram {

  /** Upper bounds in seconds, from 0.5 ms to 30 s (the last bucket, +Inf, is implicit). */
  private static final double[] BOUNDS = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30
  };

  private static final long[] BOUNDS_NANOS = new long[BOUNDS.length];

  static {
    for (int i = 0; i < BOUNDS.length; i++) {
      BOUNDS_NANOS[i] = Math.round(BOUNDS[i] * 1e9);
    }
  }

  /** Number of buckets, {@code +Inf} included. */
  public static final int BUCKETS = BOUNDS.length + 1;

  private final LongAdder[] buckets = new LongAdder[BUCKETS];
  private final LongAdder sumNanos = new LongAdder();

  /** An empty histogram. */
  public LatencyHistogram() {
    for (int i = 0; i < BUCKETS; i++) {
      buckets[i] = new LongAdder();
    }
  }

  /** The finite upper bounds in seconds, smallest first (a copy). */
  public static double[] boundsSeconds() {
    return BOUNDS.clone();
  }

  /** The upper bound of bucket {@code i} in seconds; {@code +Inf} for the last. */
  public static double upperBound(int i) {
    return i < BOUNDS.length ? BOUNDS[i] : Double.POSITIVE_INFINITY;
  }

  /** Records one observation; negative values count as 0. */
  public void observe(long nanos) {
    buckets[index(nanos)].increment();
    sumNanos.add(Math.max(0, nanos));
  }

  /** The bucket for a value: the first bound it does not exceed. */
  static int index(long nanos) {
    // 15 bounds: a linear scan beats a binary search for the short latencies that dominate.
    long[] b = BOUNDS_NANOS;
    for (int i = 0; i < b.length; i++) {
      if (nanos <= b[i]) {
        return i;
      }
    }
    return b.length;
  }

  /** Adds this histogram's current counts and sum to {@code into}. */
  public void addTo(Distribution into) {
    for (int i = 0; i < BUCKETS; i++) {
      into.counts[i] += buckets[i].sum();
    }
    into.sumNanos += sumNanos.sum();
  }

  /** A copy of the current counts and sum. */
  public Distribution snapshot() {
    Distribution d = new Distribution();
    addTo(d);
    return d;
  }
}
