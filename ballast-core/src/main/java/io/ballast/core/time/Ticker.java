package io.ballast.core.time;

/**
 * A source of monotonic nanoseconds. Policies never read the system clock themselves: they take a
 * ticker, so tests drive them with a fake one and the simulator with virtual time (the same idea as
 * Guava's and grpc-java's {@code Ticker}).
 */
@FunctionalInterface
public interface Ticker {

  /** Monotonic time in nanoseconds; only differences between two readings are meaningful. */
  long nanoTime();

  /** The JVM's monotonic clock. */
  static Ticker system() {
    return SystemTicker.INSTANCE;
  }
}
