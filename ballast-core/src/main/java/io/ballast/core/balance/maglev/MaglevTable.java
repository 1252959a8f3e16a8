package io.ballast.core.balance.maglev;

import io.ballast.core.balance.hash.XxHash64;
import io.ballast.core.model.Backend;
import java.util.Arrays;

/**
 * Builds a Maglev lookup table: slot → backend index.
 *
 * <p>Backend {@code i} visits slots in the order {@code offset_i + j·skip_i (mod M)}, both derived
 * from its id. Backends take turns claiming their next free slot; in Envoy's weighted population a
 * backend takes a turn in round {@code r} when {@code r·w_i ≥ target_i}, and its target grows by
 * the largest weight per claim, so turns are proportional to weight. Turns are processed in (round,
 * index) order from a heap, which gives exactly Envoy's order in O(M log n) even when one backend's
 * weight dwarfs the rest (Envoy's nested loop would spin through mostly empty rounds).
 */
final class MaglevTable {
  private static final long OFFSET_SEED = 0x6d61676c65762d6fL;
  private static final long SKIP_SEED = 0x6d61676c65762d73L;
  private static final int INDEX_BITS = 24;
  private static final long INDEX_MASK = (1L << INDEX_BITS) - 1;

  private MaglevTable() {}

  static int[] build(Backend[] backends, int[] weights, int size) {
    int n = backends.length;
    if (n >= (1 << INDEX_BITS)) {
      throw new IllegalArgumentException("too many backends for a Maglev table: " + n);
    }
    long[] position = new long[n];
    long[] skip = new long[n];
    long[] target = new long[n];
    int maxWeight = 0;
    for (int i = 0; i < n; i++) {
      String id = backends[i].id();
      position[i] = Long.remainderUnsigned(XxHash64.hash(id, OFFSET_SEED), size);
      skip[i] = Long.remainderUnsigned(XxHash64.hash(id, SKIP_SEED), size - 1) + 1;
      maxWeight = Math.max(maxWeight, weights[i]);
    }
    int[] table = new int[size];
    Arrays.fill(table, -1);
    // Heap of (round << INDEX_BITS | index): the next backend to take a turn.
    long[] heap = new long[n];
    for (int i = 0; i < n; i++) {
      heap[i] = i;
    }
    int filled = 0;
    while (filled < size) {
      long top = heap[0];
      int i = (int) (top & INDEX_MASK);
      int slot = (int) position[i];
      while (table[slot] >= 0) {
        slot = next(slot, skip[i], size);
      }
      table[slot] = i;
      position[i] = next(slot, skip[i], size);
      filled++;
      target[i] += maxWeight;
      long round = (target[i] + weights[i] - 1) / weights[i];
      heap[0] = (round << INDEX_BITS) | i;
      siftDown(heap, n);
    }
    return table;
  }

  private static int next(int slot, long skip, int size) {
    long s = slot + skip;
    return (int) (s >= size ? s - size : s);
  }

  private static void siftDown(long[] heap, int size) {
    int i = 0;
    long x = heap[0];
    while (true) {
      int c = 2 * i + 1;
      if (c >= size) {
        break;
      }
      if (c + 1 < size && heap[c + 1] < heap[c]) {
        c++;
      }
      if (heap[c] >= x) {
        break;
      }
      heap[i] = heap[c];
      i = c;
    }
    heap[i] = x;
  }
}
