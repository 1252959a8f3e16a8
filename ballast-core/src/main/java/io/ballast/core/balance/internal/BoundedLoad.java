package io.ballast.core.balance.internal;

import io.ballast.core.model.Backend;
import io.ballast.core.time.Ticker;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Consistent hashing with bounded loads (Mirrokni, Thorup, Zadimoghaddam 2016; HAProxy's {@code
 * hash-balance-factor}, Envoy's {@code hash_balance_factor}): a backend may take a new request only
 * while its in-flight count stays within {@code factor} times its weighted share of the pool's
 * total, rounded up. Because the shares sum to at least the total plus one, some backend always has
 * room, so walking the hash's candidate sequence always ends.
 *
 * <p>The pool total is a {@link LongAdder} that pickers raise on every pick and lower on every
 * {@link io.ballast.core.balance.Picker#onResult result}: contention-free, and O(cores) to read,
 * instead of summing every backend per pick. Once a second it is re-synchronized with the sum of
 * the backends' in-flight counters, so a result the data plane never reported cannot skew it for
 * long. One instance lives as long as the balancer, so the count survives picker rebuilds.
 */
public final class BoundedLoad {
  private static final long RESYNC_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final double factor;
  private final Ticker ticker;
  private final LongAdder total = new LongAdder();
  private final AtomicBoolean resyncing = new AtomicBoolean();
  private volatile long nextResync;

  /**
   * Creates the tracker.
   *
   * @param factor the balance factor, above 1 (1.25 for {@code 125%})
   * @param ticker time for re-synchronization
   */
  public BoundedLoad(double factor, Ticker ticker) {
    if (!(factor >= 1.0)) {
      throw new IllegalArgumentException("hash-balance-factor must be at least 100%: " + factor);
    }
    this.factor = factor;
    this.ticker = ticker;
    this.nextResync = ticker.nanoTime();
  }

  /** Per-backend capacity fractions for one picker: {@code factor * w_i / W}. */
  public double[] shares(int[] weights, long totalWeight) {
    double[] shares = new double[weights.length];
    for (int i = 0; i < weights.length; i++) {
      shares[i] = factor * weights[i] / totalWeight;
    }
    return shares;
  }

  /**
   * Whether {@code backend}, whose share is {@code share}, may take one more request now: its
   * in-flight count plus this request stays within {@code ceil(share * (total + 1))}.
   */
  public boolean hasRoom(Backend backend, double share) {
    long t = Math.max(0, total.sum());
    long capacity = (long) Math.ceil(share * (t + 1) - 1e-9);
    return backend.load().inflight() < capacity;
  }

  /** A pick was made: counts it and occasionally re-synchronizes with the real counters. */
  public void picked(Backend[] backends) {
    total.increment();
    long now = ticker.nanoTime();
    if (now - nextResync >= 0 && resyncing.compareAndSet(false, true)) {
      try {
        long sum = 0;
        for (Backend b : backends) {
          sum += b.load().inflight();
        }
        // Adds the difference rather than resetting, so concurrent picks are not lost.
        total.add(sum - total.sum());
        nextResync = now + RESYNC_NANOS;
      } finally {
        resyncing.set(false);
      }
    }
  }

  /** A request ended ({@link io.ballast.core.balance.Picker#onResult}). */
  public void finished() {
    total.decrement();
  }

  /** The tracked pool-wide in-flight count. */
  public long total() {
    return total.sum();
  }
}
