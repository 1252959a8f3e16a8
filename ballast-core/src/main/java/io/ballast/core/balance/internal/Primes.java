package io.ballast.core.balance.internal;

/** Primality for table sizes (Maglev needs a prime table). */
public final class Primes {
  private Primes() {}

  /** Whether {@code n} is prime (trial division: table sizes are small). */
  public static boolean isPrime(long n) {
    if (n < 2) {
      return false;
    }
    if (n % 2 == 0) {
      return n == 2;
    }
    for (long d = 3; d * d <= n; d += 2) {
      if (n % d == 0) {
        return false;
      }
    }
    return true;
  }

  /** The smallest prime at least {@code n}. */
  public static long nextPrime(long n) {
    long p = Math.max(2, n);
    while (!isPrime(p)) {
      p++;
    }
    return p;
  }
}
