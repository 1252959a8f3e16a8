package io.ballast.core.balance.maglev;

import io.ballast.core.balance.hash.RequestHasher;
import io.ballast.core.balance.internal.BoundedLoad;
import io.ballast.core.balance.internal.Endpoints;
import io.ballast.core.balance.internal.HashPicker;

/** Looks the key up in a Maglev table; further candidates are rehashes into the table. */
final class MaglevPicker extends HashPicker {
  private static final int PROBES = 16;

  private final int[] table;
  private final int size;

  MaglevPicker(Endpoints endpoints, int size, RequestHasher hasher, BoundedLoad bound) {
    super(endpoints, hasher, bound, PROBES);
    this.table = MaglevTable.build(endpoints.backends(), endpoints.weights(), size);
    this.size = size;
  }

  @Override
  protected int candidate(long hash, int attempt) {
    // Random jumps rather than the next slot: neighbours of a hot slot do not all overflow onto
    // the same backend (Envoy, after Mirrokni et al.).
    long h = attempt == 0 ? hash : RequestHasher.mix(hash + attempt * 0x9E3779B97F4A7C15L);
    return table[(int) Long.remainderUnsigned(h, size)];
  }

  /** The table (for tests). */
  int[] table() {
    return table;
  }
}
