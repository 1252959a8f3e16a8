package io.ballast.core.balance.ringhash;

import io.ballast.core.balance.Balancer;
import io.ballast.core.balance.BalancerContext;
import io.ballast.core.balance.BalancerFactory;
import io.ballast.core.balance.Picker;
import io.ballast.core.balance.hash.RequestHasher;
import io.ballast.core.balance.internal.BoundedLoad;
import io.ballast.core.balance.internal.Endpoints;
import io.ballast.core.balance.internal.HashOptions;
import io.ballast.core.config.OptionReader;

/**
 * {@code ring-hash}: ketama-style consistent hashing. Each backend owns points on a 64-bit ring in
 * proportion to its weight; a request goes to the first point at or after its key's hash (O(log
 * points)). Adding or removing a backend moves only the keys between its points and their
 * neighbours, about 1/N of them. The ring has between {@code min-ring-size} and twice that many
 * points (a power of two per unit of weight, so that pool changes do not resize it), each backend
 * at least one, and at most about {@code max-ring-size}.
 *
 * <p>With {@code hash-balance-factor}, a key whose backend is over its bound walks on to the next
 * points of the ring (HAProxy's behaviour) until a backend has room.
 */
public final class RingHashBalancerFactory implements BalancerFactory {

  /**
   * Options.
   *
   * @param minRingSize the fewest points ({@code min-ring-size}, default 1024); more points, better
   *     balance, slower rebuilds
   * @param maxRingSize the most points ({@code max-ring-size}, default 8388608)
   * @param balanceFactor bounded-load factor ({@code hash-balance-factor}); 0 is off (default)
   */
  public record Options(int minRingSize, int maxRingSize, double balanceFactor) {
    /** The defaults. */
    public static final Options DEFAULT = new Options(1024, 8 * 1024 * 1024, 0);
  }

  @Override
  public String name() {
    return "ring-hash";
  }

  @Override
  public String description() {
    return "ketama consistent hash ring over hash-on, optional bounded load";
  }

  @Override
  public Object parseOptions(OptionReader options) {
    int max = options.integer("max-ring-size", Options.DEFAULT.maxRingSize(), 1, 1 << 26);
    int min = options.integer("min-ring-size", Options.DEFAULT.minRingSize(), 1, 1 << 26);
    if (min > max) {
      options.error("min-ring-size", "must not exceed max-ring-size (" + max + ")");
      min = max;
    }
    double factor = HashOptions.balanceFactor(options);
    options.finish();
    return new Options(min, max, factor);
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
            : new RingHashPicker(Endpoints.of(eligible), o, hasher, bound);
  }
}
