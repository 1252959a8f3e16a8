package io.ballast.core.time;

import io.ballast.core.util.SuppressForbidden;

/** The one place in policy code that reads {@link System#nanoTime()}. */
final class SystemTicker implements Ticker {
  static final SystemTicker INSTANCE = new SystemTicker();

  private SystemTicker() {}

  @Override
  @SuppressForbidden(reason = "the production ticker is the system clock")
  public long nanoTime() {
    return System.nanoTime();
  }
}
