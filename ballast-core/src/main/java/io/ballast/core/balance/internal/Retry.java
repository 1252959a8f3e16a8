package io.ballast.core.balance.internal;

import io.ballast.core.balance.PickContext;
import io.ballast.core.model.Backend;

/** Helpers for retries: finding a backend this request has not tried yet. */
public final class Retry {
  private Retry() {}

  /**
   * The first backend from {@code start} (cyclically) that {@code context} has not tried, or {@code
   * backends[start]} when all were tried: a retry on a tried backend beats failing the request.
   */
  public static Backend untriedFrom(Backend[] backends, int start, PickContext context) {
    int n = backends.length;
    for (int i = 0; i < n; i++) {
      int j = start + i;
      if (j >= n) {
        j -= n;
      }
      Backend b = backends[j];
      if (!context.tried(b)) {
        return b;
      }
    }
    return backends[start];
  }

  /** Whether every one of {@code backends} was tried, so avoiding them is pointless. */
  public static boolean allTried(Backend[] backends, PickContext context) {
    if (context.triedCount() < backends.length) {
      return false;
    }
    for (Backend b : backends) {
      if (!context.tried(b)) {
        return false;
      }
    }
    return true;
  }
}
