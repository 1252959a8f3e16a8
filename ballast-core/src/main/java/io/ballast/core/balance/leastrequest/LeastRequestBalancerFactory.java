package io.ballast.core.balance.leastrequest;

import io.ballast.core.balance.Balancer;
import io.ballast.core.balance.BalancerContext;
import io.ballast.core.balance.BalancerFactory;
import io.ballast.core.balance.Picker;
import io.ballast.core.balance.internal.Endpoints;
import io.ballast.core.balance.internal.LeastLoadedPicker;
import io.ballast.core.config.OptionReader;

/**
 * {@code least-request}: power of two choices over requests in flight (Envoy's {@code
 * LEAST_REQUEST}). Two candidates are drawn by weight and the one with fewer requests in flight per
 * unit of weight wins. O(1) per pick at any pool size, and because every node draws its own
 * candidates, several Ballast nodes do not all stampede to the same idle backend the way a full
 * least-connections scan can.
 *
 * <p>Unlike Envoy's weighted variant, weighted shares are exact in small pools too: see {@link
 * LeastLoadedPicker}.
 */
public final class LeastRequestBalancerFactory implements BalancerFactory {

  /**
   * Options.
   *
   * @param choiceCount candidates compared per pick ({@code choice-count}, default 2)
   */
  public record Options(int choiceCount) {
    /** The defaults. */
    public static final Options DEFAULT = new Options(2);
  }

  @Override
  public String name() {
    return "least-request";
  }

  @Override
  public String description() {
    return "power of two choices over in-flight requests, weighted";
  }

  @Override
  public Object parseOptions(OptionReader options) {
    int choices = options.integer("choice-count", Options.DEFAULT.choiceCount(), 2, 64);
    options.finish();
    return new Options(choices);
  }

  @Override
  public Balancer create(Object options, BalancerContext context) {
    Options o = options instanceof Options opts ? opts : Options.DEFAULT;
    return eligible ->
        eligible.isEmpty()
            ? Picker.EMPTY
            : new LeastLoadedPicker(Endpoints.of(eligible), 0, o.choiceCount());
  }
}
