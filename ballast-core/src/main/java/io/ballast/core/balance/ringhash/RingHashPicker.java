package io.ballast.core.balance.ringhash;

import io.ballast.core.balance.hash.RequestHasher;
import io.ballast.core.balance.hash.XxHash64;
import io.ballast.core.balance.internal.BoundedLoad;
import io.ballast.core.balance.internal.Endpoints;
import io.ballast.core.balance.internal.HashPicker;
import java.util.Arrays;

/**
 * A sorted ring of points. Each point is one {@code long}: the top 40 bits of its hash (sign bit
 * flipped so signed order is ring order) and the backend index in the low 24 bits, so the ring is
 * one primitive array, sorted with {@link Arrays#sort(long[])} and searched without boxing.
 */
final class RingHashPicker extends HashPicker {
  private static final int INDEX_BITS = 24;
  private static final long INDEX_MASK = (1L << INDEX_BITS) - 1;

  private final long[] ring;

  RingHashPicker(
      Endpoints endpoints,
      RingHashBalancerFactory.Options options,
      RequestHasher hasher,
      BoundedLoad bound) {
    // Walks up to 64 points, then the pool scan in HashPicker finishes the search.
    super(endpoints, hasher, bound, 64);
    this.ring = build(endpoints, options.minRingSize(), options.maxRingSize());
  }

  static long[] build(Endpoints e, int minRingSize, int maxRingSize) {
    int n = e.size();
    if (n >= (1 << INDEX_BITS)) {
      throw new IllegalArgumentException("too many backends for a hash ring: " + n);
    }
    double perWeight = pointsPerWeight(e.totalWeight(), minRingSize, maxRingSize);
    long[] counts = new long[n];
    long points = 0;
    for (int i = 0; i < n; i++) {
      counts[i] = Math.max(1, Math.round(e.weights()[i] * perWeight));
      points += counts[i];
    }
    long[] ring = new long[(int) points];
    int at = 0;
    for (int i = 0; i < n; i++) {
      String id = e.backends()[i].id();
      // A backend's k-th point is the same whatever else is in the pool.
      for (long k = 0; k < counts[i]; k++) {
        ring[at++] = position(XxHash64.hash(id, k)) | i;
      }
    }
    Arrays.sort(ring);
    return ring;
  }

  /**
   * Points per unit of weight: the smallest power of two that gives at least {@code minRingSize}
   * points, halved while the ring would exceed {@code maxRingSize}. A power of two, because then it
   * depends on the pool only coarsely: adding or removing a backend almost never changes it, so
   * every other backend keeps exactly its points and only the changed backend's keys move. (Envoy
   * rescales the ring on every change, which moves keys between unchanged backends too.)
   */
  static double pointsPerWeight(long totalWeight, int minRingSize, int maxRingSize) {
    double need = (double) minRingSize / totalWeight;
    int exponent = Math.getExponent(need);
    if (Math.scalb(1.0, exponent) < need) {
      exponent++;
    }
    double perWeight = Math.scalb(1.0, exponent);
    while (perWeight * totalWeight > maxRingSize && perWeight > 0x1p-30) {
      perWeight /= 2;
    }
    return perWeight;
  }

  private static long position(long hash) {
    return (hash ^ Long.MIN_VALUE) & ~INDEX_MASK;
  }

  @Override
  protected int candidate(long hash, int attempt) {
    int at = Arrays.binarySearch(ring, position(hash));
    if (at < 0) {
      at = -at - 1;
    }
    // attempt 0 is the first point at or after the key; later attempts walk clockwise.
    long idx = ((long) at + attempt) % ring.length;
    return (int) (ring[(int) idx] & INDEX_MASK);
  }

  /** Points per backend index (for tests). */
  int[] pointCounts(int backends) {
    int[] c = new int[backends];
    for (long p : ring) {
      c[(int) (p & INDEX_MASK)]++;
    }
    return c;
  }
}
