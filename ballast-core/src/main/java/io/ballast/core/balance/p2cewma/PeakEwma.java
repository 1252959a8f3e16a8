package io.ballast.core.balance.p2cewma;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One backend's peak-sensitive moving average of latency (Finagle's {@code PeakEwma}): a sample
 * above the current value replaces it at once, so a slowdown is felt on the first slow response;
 * otherwise the value moves towards the sample by {@code 1 - exp(-Δt/τ)}, but at least by the
 * sample weight, and with no samples it decays towards zero, so a backend that was slow is
 * eventually tried again.
 *
 * <p>The sample weight is Ballast's departure from Finagle. With time-only decay, a backend serving
 * a thousand requests a second that has one 8 ms hiccup (a GC pause, a burst queued behind it)
 * stays charged for seconds, and multiplied by its in-flight count it looks worse than a neighbour
 * that is always 50 ms slower: traffic moves to the slow one exactly when it hurts (measured: 0.5 %
 * of requests in the noisy-neighbour bench). With the weight, a few dozen fast responses bring the
 * estimate back, while a backend that sends no responses keeps its estimate, decaying by time.
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
  void observe(double rtt, long now, double tauNanos, double sampleWeight) {
    while (true) {
      long old = bits.get();
      double cost = Double.longBitsToDouble(old);
      double next;
      if (Double.isNaN(cost) || rtt > cost) {
        next = rtt;
      } else {
        double w = Math.min(1.0 - sampleWeight, Math.exp(-Math.max(0L, now - stamp) / tauNanos));
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
    if (elapsed <= 0) {
      return cost;
    }
    double x = elapsed / tauNanos;
    // A busy backend was sampled a moment ago: exp(-x) is 1 - x to within x²/2, and Math.exp is
    // most of a pick's cost.
    return x < 1e-3 ? cost * (1.0 - x) : cost * Math.exp(-x);
  }
}
