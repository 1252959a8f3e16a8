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
 * {@code p2c-ewma}: power of two choices over peak-EWMA latency × (requests in flight + 1)^bias, as
 * Finagle's and Linkerd's balancers do (they use a bias of 1, see {@link Options}). Latency-aware:
 * a backend that slows down (a noisy neighbour, CPU steal, a GC pause) is charged for it at once
 * and sheds traffic before its queue grows, and earns it back as the average decays.
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
   * @param sampleWeight the least share of the way a faster response pulls the estimate down
   *     ({@code sample-weight}, default 10%): a brief spike on a busy backend is forgotten after a
   *     few dozen fast responses instead of after τ, while a backend that gets no responses still
   *     decays by time alone; 0 is Finagle's time-only decay
   * @param inFlightBias the exponent on {@code (in flight + 1)} ({@code in-flight-bias}, default
   *     0.5; Finagle's and Linkerd's is 1, Envoy's {@code active_request_bias} plays the same part
   *     for its least-request). The latency estimate already contains the queueing that requests in
   *     flight cause, so a linear factor counts it twice: a fast backend with a burst in flight
   *     then looks slower than a neighbour that is always 50 ms slower, and the burst goes there
   *     (measured in the noisy-neighbour bench: about 1 in 1,000 requests to the slow backend with
   *     1, a few in 10,000 with 0.5). Between backends of equal latency the order is the same
   *     either way: fewer in flight wins.
   */
  public record Options(
      Duration decay,
      Duration defaultRtt,
      Duration failurePenalty,
      double sampleWeight,
      double inFlightBias) {
    /** The defaults. */
    public static final Options DEFAULT =
        new Options(Duration.ofSeconds(10), Duration.ZERO, Duration.ofSeconds(1), 0.1, 0.5);
  }

  @Override
  public String name() {
    return "p2c-ewma";
  }

  @Override
  public String description() {
    return "power of two choices on peak-EWMA latency x (in-flight + 1)^bias, latency-aware";
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
    double sampleWeight = options.percent("sample-weight", Options.DEFAULT.sampleWeight(), 0, 1);
    double bias = options.number("in-flight-bias", Options.DEFAULT.inFlightBias(), 0, 4);
    options.finish();
    return new Options(decay, defaultRtt, penalty, sampleWeight, bias);
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
