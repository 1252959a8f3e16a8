package io.ballast.core.balance.maglev;

import io.ballast.core.balance.Balancer;
import io.ballast.core.balance.BalancerContext;
import io.ballast.core.balance.BalancerFactory;
import io.ballast.core.balance.Picker;
import io.ballast.core.balance.hash.RequestHasher;
import io.ballast.core.balance.internal.BoundedLoad;
import io.ballast.core.balance.internal.Endpoints;
import io.ballast.core.balance.internal.HashOptions;
import io.ballast.core.balance.internal.Primes;
import io.ballast.core.config.OptionReader;

/**
 * {@code maglev}: Google's Maglev consistent hashing (Eisenbud et al., NSDI 2016). Each backend
 * fills slots of a prime-sized lookup table in its own pseudo-random order, in turns proportional
 * to its weight (Envoy's weighted population); a request's key hash indexes the table in O(1).
 * Near-perfect balance (table shares differ by at most one slot at equal weights) and, with the
 * table much larger than the pool, removing one backend moves little more than that backend's keys.
 * Every node builds the same table from the same backend ids, so all nodes agree.
 *
 * <p>With {@code hash-balance-factor} a key whose backend is over its bound is sent along its own
 * probe sequence (rehashes into the table) to the next backend with room.
 */
public final class MaglevBalancerFactory implements BalancerFactory {
  /** Largest accepted table. */
  static final int MAX_TABLE_SIZE = 1 << 24;

  /**
   * Options.
   *
   * @param tableSize lookup table size, prime ({@code table-size}, default 65537); keep it at least
   *     100 times the pool for even balance
   * @param balanceFactor bounded-load factor ({@code hash-balance-factor}, e.g. {@code 125%}); 0 is
   *     off (default)
   */
  public record Options(int tableSize, double balanceFactor) {
    /** The defaults. */
    public static final Options DEFAULT = new Options(65537, 0);
  }

  @Override
  public String name() {
    return "maglev";
  }

  @Override
  public String description() {
    return "Maglev consistent hashing over hash-on, O(1) lookup, optional bounded load";
  }

  @Override
  public Object parseOptions(OptionReader options) {
    int size = options.integer("table-size", Options.DEFAULT.tableSize(), 3, MAX_TABLE_SIZE);
    if (!Primes.isPrime(size)) {
      options.error(
          "table-size",
          "must be a prime number; "
              + size
              + " is not (the next prime is "
              + Primes.nextPrime(size)
              + ")");
      size = Options.DEFAULT.tableSize();
    }
    double factor = HashOptions.balanceFactor(options);
    options.finish();
    return new Options(size, factor);
  }

  @Override
  public Balancer create(Object options, BalancerContext context) {
    Options o = options instanceof Options opts ? opts : Options.DEFAULT;
    RequestHasher hasher = new RequestHasher(context.hashOn());
    BoundedLoad bound =
        o.balanceFactor() > 0 ? new BoundedLoad(o.balanceFactor(), context.ticker()) : null;
    return eligible ->
        eligible.isEmpty()
            ? Picker.EMPTY
            : new MaglevPicker(Endpoints.of(eligible), o.tableSize(), hasher, bound);
  }
}
