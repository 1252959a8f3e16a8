package io.ballast.core.balance.loadreport;

/**
 * One backend's reported weight with gRPC's timing rules: a backend that starts reporting is
 * ignored for the blackout period (its first reports are often from a cold start), and a weight not
 * refreshed within the expiration period stops counting (and the blackout applies afresh when
 * reports resume).
 *
 * <p>Written from event loops on every response and read by whichever thread recomputes the
 * schedule; plain volatiles, since racing reports from the same backend are equally valid.
 */
final class EndpointWeight {
  private static final long NEVER = Long.MIN_VALUE;

  private volatile double weight;
  private volatile long lastUpdate = NEVER;
  private volatile long nonEmptySince = NEVER;

  /** Records a valid (positive) reported weight at {@code now}. */
  void report(double w, long now) {
    if (nonEmptySince == NEVER) {
      nonEmptySince = now;
    }
    weight = w;
    lastUpdate = now;
  }

  /** The weight to use at {@code now}, or 0 when there is none usable. */
  double weight(long now, long expirationNanos, long blackoutNanos) {
    long last = lastUpdate;
    if (last == NEVER) {
      return 0;
    }
    if (now - last >= expirationNanos) {
      nonEmptySince = NEVER;
      return 0;
    }
    long since = nonEmptySince;
    if (since == NEVER || (blackoutNanos > 0 && now - since < blackoutNanos)) {
      return 0;
    }
    return weight;
  }
}
