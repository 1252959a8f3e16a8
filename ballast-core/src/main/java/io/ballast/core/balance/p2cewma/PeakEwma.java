package io.ballast.core.balance.p2cewma;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One backend's peak-sensitive moving average of latency (Finagle's {@code PeakEwma}): a sample
 * above the current value replaces it at once, so a slowdown is felt on the first slow response;
 * otherwise the value moves towards the sample by {@code 1 - exp(-Δt/τ)}, and with no samples it
 * decays towards zero, so a backend that was slow is eventually tried again.
 *
 * <p>Updated lock-free from every event loop: the value is CAS'd as double bits; the timestamp is
 * written after it. Two racing updates may decay over a slightly longer interval than strictly due,
 * which only makes the estimate a little more forgiving.
 */
final class PeakEwma {
  private static final long NONE = Double.doubleToRawLongBits(Double.NaN);

  private final AtomicLong bits = new AtomicLong(NONE);
  private volatile long stamp;

  /** Records a latency sample (nanoseconds) observed at {@code now}. */
  void observe(double rtt, long now, double tauNanos) {
    while (true) {
      long old = bits.get();
      double cost = Double.longBitsToDouble(old);
      double next;
      if (Double.isNaN(cost) || rtt > cost) {
        next = rtt;
      } else {
        double w = Math.exp(-Math.max(0L, now - stamp) / tauNanos);
        next = cost * w + rtt * (1.0 - w);
      }
      if (bits.compareAndSet(old, Double.doubleToRawLongBits(next))) {
        stamp = now;
        return;
      }
    }
  }

  /** The estimate decayed to {@code now}, or NaN when there has never been a sample. */
  double current(long now, double tauNanos) {
    double cost = Double.longBitsToDouble(bits.get());
    if (Double.isNaN(cost)) {
      return cost;
    }
    long elapsed = now - stamp;
    return elapsed <= 0 ? cost : cost * Math.exp(-elapsed / tauNanos);
  }
}
