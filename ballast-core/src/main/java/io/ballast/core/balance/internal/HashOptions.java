package io.ballast.core.balance.internal;

import io.ballast.core.config.OptionReader;

/** Options shared by the consistent-hash algorithms. */
public final class HashOptions {
  private HashOptions() {}

  /**
   * Reads {@code hash-balance-factor} ({@code 125%} or {@code 1.25}): 0 when absent, meaning
   * bounded loads are off.
   */
  public static double balanceFactor(OptionReader options) {
    if (!options.has("hash-balance-factor")) {
      return 0;
    }
    return options.percent("hash-balance-factor", 0, 1.0, 100.0);
  }
}
