package io.ballast.core.balance.internal;

import io.ballast.core.balance.PickContext;
import io.ballast.core.balance.Picker;
import io.ballast.core.balance.RequestResult;
import io.ballast.core.balance.hash.RequestHasher;
import io.ballast.core.model.Backend;

/**
 * What the consistent-hash pickers share: hashing the request, the bounded-load check, and falling
 * back along the key's own candidate sequence when the first choice is tried or full.
 *
 * <p>Subclasses give the key's candidates in order ({@link #candidate}); the first acceptable one
 * wins. Because the sequence depends only on the key, every node sends an overflowing key to the
 * same second choice.
 */
public abstract class HashPicker implements Picker {
  protected final Backend[] backends;
  private final RequestHasher hasher;
  private final BoundedLoad bound;
  private final double[] shares;
  private final int maxCandidates;

  /**
   * Creates the picker.
   *
   * @param endpoints the pool
   * @param hasher hashes requests
   * @param bound the pool's bounded-load tracker, or {@code null} when off
   * @param maxCandidates how many candidates to walk before scanning the pool
   */
  protected HashPicker(
      Endpoints endpoints, RequestHasher hasher, BoundedLoad bound, int maxCandidates) {
    this.backends = endpoints.backends();
    this.hasher = hasher;
    this.bound = bound;
    this.shares = bound == null ? null : bound.shares(endpoints.weights(), endpoints.totalWeight());
    this.maxCandidates = maxCandidates;
  }

  /**
   * The key's {@code attempt}-th candidate (attempt 0 is its home), as a backend index.
   *
   * @param hash the key's hash
   * @param attempt 0, 1, 2, ...
   */
  protected abstract int candidate(long hash, int attempt);

  @Override
  public final Backend pick(PickContext context) {
    long hash = hasher.hash(context.request(), context.random());
    int home = candidate(hash, 0);
    boolean avoid = context.triedCount() > 0;
    if (bound == null && !avoid) {
      return backends[home];
    }
    int chosen = -1;
    for (int a = 0; a < maxCandidates; a++) {
      int i = a == 0 ? home : candidate(hash, a);
      if (acceptable(i, context, avoid)) {
        chosen = i;
        break;
      }
    }
    if (chosen < 0) {
      chosen = scan(home, context, avoid);
    }
    if (bound != null) {
      bound.picked(backends);
    }
    return backends[chosen];
  }

  private boolean acceptable(int i, PickContext context, boolean avoid) {
    Backend b = backends[i];
    return !(avoid && context.tried(b)) && (bound == null || bound.hasRoom(b, shares[i]));
  }

  /** Rare: no candidate fit. Untried with room, then untried, then the home backend. */
  private int scan(int home, PickContext context, boolean avoid) {
    int n = backends.length;
    int untried = -1;
    for (int k = 0; k < n; k++) {
      int i = (home + k) % n;
      if (avoid && context.tried(backends[i])) {
        continue;
      }
      if (bound == null || bound.hasRoom(backends[i], shares[i])) {
        return i;
      }
      if (untried < 0) {
        untried = i;
      }
    }
    return untried >= 0 ? untried : home;
  }

  @Override
  public void onResult(Backend backend, RequestResult result) {
    if (bound != null) {
      bound.finished();
    }
  }
}
