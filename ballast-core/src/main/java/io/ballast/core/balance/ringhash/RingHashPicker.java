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
    double total = e.totalWeight();
    double minShare = 1.0;
    for (int w : e.weights()) {
      minShare = Math.min(minShare, w / total);
    }
    // Envoy's sizing: the lightest backend gets ceil(minShare * min) points; capped at max.
    double scale = Math.min(Math.ceil(minShare * minRingSize) / minShare, maxRingSize);
    int points = (int) Math.max(n, Math.ceil(scale));
    long[] ring = new long[points + n];
    int count = 0;
    double target = 0;
    long current = 0;
    for (int i = 0; i < n; i++) {
      String id = e.backends()[i].id();
      target += scale * e.weights()[i] / total;
      // Every eligible backend keeps at least one point.
      long upto = Math.max(current + 1, (long) Math.floor(target + 1e-9));
      for (long k = 0; current < upto && count < ring.length; k++, current++) {
        long h = XxHash64.hash(id, k);
        ring[count++] = position(h) | i;
      }
    }
    long[] sorted = Arrays.copyOf(ring, count);
    Arrays.sort(sorted);
    return sorted;
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
