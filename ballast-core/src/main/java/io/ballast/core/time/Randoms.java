package io.ballast.core.time;

import io.ballast.core.util.SuppressForbidden;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * Sources of randomness for policies. Production code uses {@link #threadLocal()}, which is
 * contention-free on event loops; tests and the simulator pass {@link #seeded(long)} so a run can
 * be repeated exactly.
 */
public final class Randoms {
  private Randoms() {}

  /**
   * A generator that delegates to {@link ThreadLocalRandom} of the calling thread: safe to share
   * between event loops, no contention.
   */
  public static RandomGenerator threadLocal() {
    return ThreadLocalGenerator.INSTANCE;
  }

  /** A deterministic generator for tests and simulations. Not thread-safe. */
  public static RandomGenerator seeded(long seed) {
    return RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
  }

  private static final class ThreadLocalGenerator implements RandomGenerator {
    static final ThreadLocalGenerator INSTANCE = new ThreadLocalGenerator();

    @Override
    @SuppressForbidden(reason = "the production random source")
    public long nextLong() {
      return ThreadLocalRandom.current().nextLong();
    }

    @Override
    @SuppressForbidden(reason = "the production random source")
    public int nextInt(int bound) {
      return ThreadLocalRandom.current().nextInt(bound);
    }

    @Override
    @SuppressForbidden(reason = "the production random source")
    public double nextDouble() {
      return ThreadLocalRandom.current().nextDouble();
    }
  }
}
