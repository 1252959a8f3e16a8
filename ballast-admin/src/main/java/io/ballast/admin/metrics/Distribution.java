package io.ballast.admin.metrics;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import java.util.Arrays;

/**
 * Counts per {@link LatencyHistogram} bucket and the sum, as read at one moment: what scrapes and
 * the dashboard work with. Mutable, for summing several histograms; not thread-safe.
 */
public final class Distribution {
  final long[] counts = new long[LatencyHistogram.BUCKETS];
  long sumNanos;

  /** Observations counted (the sum of the buckets, so it always matches them). */
  public long count() {
    long n = 0;
    for (long c : counts) {
      n += c;
    }
    return n;
  }

  /** The sum of the observations in nanoseconds. */
  public long sumNanos() {
    return sumNanos;
  }

  /** The count in bucket {@code i} (not cumulative). */
  public long bucket(int i) {
    return counts[i];
  }

  /** Adds another distribution to this one. */
  public Distribution add(Distribution other) {
    for (int i = 0; i < counts.length; i++) {
      counts[i] += other.counts[i];
    }
    sumNanos += other.sumNanos;
    return this;
  }

  /** What happened between {@code earlier} and this one (a new distribution). */
  public Distribution since(Distribution earlier) {
    Distribution d = new Distribution();
    for (int i = 0; i < counts.length; i++) {
      d.counts[i] = Math.max(0, counts[i] - earlier.counts[i]);
    }
    d.sumNanos = Math.max(0, sumNanos - earlier.sumNanos);
    return d;
  }

  /**
   * Estimates a quantile in seconds the way Prometheus' {@code histogram_quantile} does: find the
   * bucket holding the rank, interpolate linearly inside it. The {@code +Inf} bucket answers its
   * lower bound (30 s).
   *
   * @return the estimate, or {@code NaN} when there is no observation
   */
  public double quantile(double q) {
    long total = count();
    if (total == 0) {
      return Double.NaN;
    }
    double rank = q * total;
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      long c = counts[i];
      if (c > 0 && seen + c >= rank) {
        double lower = i == 0 ? 0 : LatencyHistogram.upperBound(i - 1);
        double upper = LatencyHistogram.upperBound(i);
        if (Double.isInfinite(upper)) {
          return lower;
        }
        return lower + (upper - lower) * ((rank - seen) / c);
      }
      seen += c;
    }
    return LatencyHistogram.upperBound(counts.length - 2);
  }

  /** The buckets in the Prometheus client's form. */
  ClassicHistogramBuckets toBuckets() {
    double[] bounds = new double[LatencyHistogram.BUCKETS];
    for (int i = 0; i < bounds.length; i++) {
      bounds[i] = LatencyHistogram.upperBound(i);
    }
    return ClassicHistogramBuckets.of(bounds, counts.clone());
  }

  @Override
  public String toString() {
    return "Distribution" + Arrays.toString(counts) + " sum=" + sumNanos + "ns";
  }
}
