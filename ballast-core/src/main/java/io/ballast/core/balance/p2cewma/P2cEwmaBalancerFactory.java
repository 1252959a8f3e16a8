package io.ballast.core.balance.p2cewma;

import io.ballast.core.balance.Balancer;
import io.ballast.core.balance.BalancerContext;
import io.ballast.core.balance.BalancerFactory;
import io.ballast.core.balance.Picker;
import io.ballast.core.balance.internal.Endpoints;
import io.ballast.core.config.Durations;
import io.ballast.core.config.OptionReader;
import io.ballast.core.model.Backend;
import io.ballast.core.model.Endpoint;
import io.ballast.core.time.Ticker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * {@code p2c-ewma}: power of two choices over peak-EWMA latency × (requests in flight + 1), as
 * Finagle's and Linkerd's balancers do. Latency-aware: a backend that slows down (a noisy
 * neighbour, CPU steal, a GC pause) is charged for it at once and sheds traffic before its queue
 * grows, and earns it back as the average decays.
 *
 * <p>Latency state lives per {@link Backend} in the balancer and survives picker rebuilds, weight
 * changes and short ineligibility: it is held weakly, so it goes away only with the backend.
 */
public final class P2cEwmaBalancerFactory implements BalancerFactory {

  /**
   * Options.
   *
   * @param decay the EWMA's time constant τ ({@code decay}, default 10s)
   * @param defaultRtt the latency charged to a backend with no samples ({@code default-rtt}); zero
   *     (the default) charges it the latency of the candidate it is compared with, so it gets a
   *     fair chance without being assumed fast
   * @param failurePenalty a failed request (no response, or 503) counts as at least this slow
   *     ({@code failure-penalty}, default 1s), so a backend that fails fast does not attract
   *     traffic
   */
  public record Options(Duration decay, Duration defaultRtt, Duration failurePenalty) {
    /** The defaults. */
    public static final Options DEFAULT =
        new Options(Duration.ofSeconds(10), Duration.ZERO, Duration.ofSeconds(1));
  }

  @Override
  public String name() {
    return "p2c-ewma";
  }

  @Override
  public String description() {
    return "power of two choices on peak-EWMA latency x (in-flight + 1), latency-aware";
  }

  @Override
  public Object parseOptions(OptionReader options) {
    Duration decay = options.duration("decay", Options.DEFAULT.decay());
    if (decay.isNegative() || decay.isZero()) {
      options.error("decay", "must be positive (example: 10s), not " + Durations.format(decay));
      decay = Options.DEFAULT.decay();
    }
    Duration defaultRtt = options.duration("default-rtt", Options.DEFAULT.defaultRtt());
    if (defaultRtt.isNegative()) {
      options.error("default-rtt", "must not be negative");
      defaultRtt = Duration.ZERO;
    }
    Duration penalty = options.duration("failure-penalty", Options.DEFAULT.failurePenalty());
    if (penalty.isNegative()) {
      options.error("failure-penalty", "must not be negative");
      penalty = Options.DEFAULT.failurePenalty();
    }
    options.finish();
    return new Options(decay, defaultRtt, penalty);
  }

  @Override
  public Balancer create(Object options, BalancerContext context) {
    Options o = options instanceof Options opts ? opts : Options.DEFAULT;
    return new EwmaBalancer(o, context.ticker());
  }

  /** Keeps each backend's latency estimate across updates. */
  static final class EwmaBalancer implements Balancer {
    private final Options options;
    private final Ticker ticker;
    // Control-plane thread only. Weak keys: a removed backend's state goes with it, while a backend
    // that is briefly unhealthy comes back with its history.
    private final Map<Backend, PeakEwma> states = new WeakHashMap<>();

    EwmaBalancer(Options options, Ticker ticker) {
      this.options = options;
      this.ticker = ticker;
    }

    @Override
    public Picker update(List<Endpoint> eligible) {
      if (eligible.isEmpty()) {
        return Picker.EMPTY;
      }
      Endpoints e = Endpoints.of(eligible);
      PeakEwma[] ewmas = new PeakEwma[e.size()];
      for (int i = 0; i < ewmas.length; i++) {
        ewmas[i] = states.computeIfAbsent(e.backends()[i], b -> new PeakEwma());
      }
      return new P2cEwmaPicker(e, ewmas, options, ticker);
    }
  }
}
