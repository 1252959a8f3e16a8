package io.ballast.core.balance.leastconnections;

import io.ballast.core.balance.Balancer;
import io.ballast.core.balance.BalancerContext;
import io.ballast.core.balance.BalancerFactory;
import io.ballast.core.balance.Picker;
import io.ballast.core.balance.internal.Endpoints;
import io.ballast.core.balance.internal.LeastLoadedPicker;
import io.ballast.core.config.OptionReader;

/**
 * {@code least-connections}: the backend with the fewest requests (for TCP: connections) in flight
 * per unit of weight, HAProxy's {@code leastconn}. The right choice for long sessions of uneven
 * length (databases, desktops), where round robin piles up load on whoever got the long ones.
 *
 * <p>Pools up to {@code full-scan-limit} backends are scanned completely from a weighted random
 * start (ties shared by weight); larger pools compare {@code choices} weighted random candidates,
 * which is nearly as good (Mitzenmacher's power of d choices) and keeps picks O(1).
 */
public final class LeastConnectionsBalancerFactory implements BalancerFactory {

  /**
   * Options.
   *
   * @param fullScanLimit pools up to this size are scanned completely ({@code full-scan-limit},
   *     default 64)
   * @param choices candidates compared in larger pools ({@code choices}, default 4)
   */
  public record Options(int fullScanLimit, int choices) {
    /** The defaults. */
    public static final Options DEFAULT = new Options(64, 4);
  }

  @Override
  public String name() {
    return "least-connections";
  }

  @Override
  public String description() {
    return "fewest requests in flight per unit of weight (full scan, or best of k in big pools)";
  }

  @Override
  public Object parseOptions(OptionReader options) {
    int limit = options.integer("full-scan-limit", Options.DEFAULT.fullScanLimit(), 1, 1 << 20);
    int choices = options.integer("choices", Options.DEFAULT.choices(), 2, 64);
    options.finish();
    return new Options(limit, choices);
  }

  @Override
  public Balancer create(Object options, BalancerContext context) {
    Options o = options instanceof Options opts ? opts : Options.DEFAULT;
    return eligible ->
        eligible.isEmpty()
            ? Picker.EMPTY
            : new LeastLoadedPicker(Endpoints.of(eligible), o.fullScanLimit(), o.choices());
  }
}
