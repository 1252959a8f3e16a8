package io.ballast.core.balance;

import io.ballast.core.model.Backend;
import java.util.random.RandomGenerator;

/**
 * Per-request input to {@link Picker#pick}: the request, the backends already tried for it, and
 * randomness. The data plane keeps one per connection and {@link #reset resets} it per request, so
 * picking allocates nothing.
 */
public final class PickContext {
  private static final int MAX_TRIED = 8;

  private final RandomGenerator random;
  private RequestInfo request;
  private final Backend[] tried = new Backend[MAX_TRIED];
  private int triedCount;

  /** Creates a context drawing randomness from {@code random}. */
  public PickContext(RandomGenerator random) {
    this.random = random;
  }

  /** Starts a new request. */
  public PickContext reset(RequestInfo request) {
    this.request = request;
    for (int i = 0; i < triedCount; i++) {
      tried[i] = null;
    }
    triedCount = 0;
    return this;
  }

  /** The request being routed. */
  public RequestInfo request() {
    return request;
  }

  /** Randomness for this pick. */
  public RandomGenerator random() {
    return random;
  }

  /** Records that {@code backend} was tried (and failed) for this request. */
  public void markTried(Backend backend) {
    if (triedCount < MAX_TRIED) {
      tried[triedCount++] = backend;
    }
  }

  /** Whether {@code backend} was already tried for this request. */
  public boolean tried(Backend backend) {
    for (int i = 0; i < triedCount; i++) {
      if (tried[i] == backend) {
        return true;
      }
    }
    return false;
  }

  /** How many backends were tried. */
  public int triedCount() {
    return triedCount;
  }
}
