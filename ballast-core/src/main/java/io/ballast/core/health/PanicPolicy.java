package io.ballast.core.health;

/**
 * Envoy's panic threshold: when the healthy share of a pool falls below {@code threshold}, the pool
 * balances across all its backends, healthy or not, instead of piling every request on the few left
 * and overloading them too. A pool with no healthy backend at all is in panic whenever the
 * threshold is above 0. Immutable and thread-safe.
 *
 * <p>The control plane evaluates it when building a pool's snapshot (so the data plane just uses
 * the snapshot's picker) and logs and counts each entry into and exit from panic.
 *
 * @param threshold the healthy share below which the pool panics, 0..1; 0 means never
 */
public record PanicPolicy(double threshold) {

  /** Panic mode off. */
  public static final PanicPolicy OFF = new PanicPolicy(0);

  public PanicPolicy {
    if (!(threshold >= 0 && threshold <= 1)) {
      throw new IllegalArgumentException("threshold " + threshold + " is out of range 0..1");
    }
  }

  /**
   * Whether a pool with {@code healthy} of {@code total} backends healthy is in panic: {@code
   * healthy / total < threshold}. An empty pool is not in panic (there is nothing to spread over).
   */
  public boolean inPanic(int healthy, int total) {
    if (total <= 0 || threshold <= 0) {
      return false;
    }
    // Whole basis points keep 3 of 10 at a 30% threshold out of panic (0.3 × 10 is
    // 3.0000000000000004).
    long thresholdBasisPoints = Math.round(threshold * 10_000);
    return (long) healthy * 10_000 < thresholdBasisPoints * total;
  }

  /**
   * A log line for a pool in panic: {@code pool 'web' in panic: 1 of 4 backends healthy (25%),
   * below the 50% threshold; balancing across all 4}.
   */
  public String describe(String pool, int healthy, int total) {
    return "pool '"
        + pool
        + "' in panic: "
        + healthy
        + " of "
        + total
        + " backends healthy ("
        + Percent.format(total == 0 ? 0 : (double) healthy / total)
        + "), below the "
        + Percent.format(threshold)
        + " threshold; balancing across all "
        + total;
  }
}
