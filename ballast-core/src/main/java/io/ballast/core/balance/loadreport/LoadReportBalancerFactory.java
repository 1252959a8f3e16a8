package io.ballast.core.balance.loadreport;

import io.ballast.core.balance.Balancer;
import io.ballast.core.balance.BalancerContext;
import io.ballast.core.balance.BalancerFactory;
import io.ballast.core.balance.Picker;
import io.ballast.core.config.Durations;
import io.ballast.core.config.OptionReader;
import io.ballast.core.model.Backend;
import io.ballast.core.model.Endpoint;
import io.ballast.core.time.Ticker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code load-report}: weighted round robin with weights the backends report themselves, as gRPC's
 * {@code weighted_round_robin}. Each response may carry ORCA's {@code endpoint-load-metrics} header
 * ({@code TEXT cpu_utilization=0.7, rps_fractional=120, eps=2}); a backend's weight becomes {@code
 * qps / (utilization + error-utilization-penalty × eps / qps)}: the requests it serves per unit of
 * CPU, lowered when it fails. Backends on faster hardware, or with fewer noisy neighbours, get more
 * traffic without anyone setting weights.
 *
 * <p>Backends without a usable report get the mean of the others. Reports are parsed on the event
 * loop; weights are recomputed lazily on a pick every {@code weight-update-period}, by one thread
 * at a time, and published by swapping a volatile schedule. Report state is per backend and
 * survives picker rebuilds.
 */
public final class LoadReportBalancerFactory implements BalancerFactory {

  /**
   * Options.
   *
   * @param header the response header carrying the report ({@code header}, default {@code
   *     endpoint-load-metrics})
   * @param errorUtilizationPenalty how much errors count as utilization ({@code
   *     error-utilization-penalty}, default 1.0)
   * @param blackoutPeriod how long a backend must have been reporting before its weight counts
   *     ({@code blackout-period}, default 10s)
   * @param weightExpirationPeriod how long a report counts without being refreshed ({@code
   *     weight-expiration-period}, default 3m)
   * @param weightUpdatePeriod how often weights are recomputed ({@code weight-update-period},
   *     default 1s, at least 100ms)
   */
  public record Options(
      String header,
      double errorUtilizationPenalty,
      Duration blackoutPeriod,
      Duration weightExpirationPeriod,
      Duration weightUpdatePeriod) {
    /** The defaults. */
    public static final Options DEFAULT =
        new Options(
            "endpoint-load-metrics",
            1.0,
            Duration.ofSeconds(10),
            Duration.ofMinutes(3),
            Duration.ofSeconds(1));
  }

  private static final Duration MIN_UPDATE_PERIOD = Duration.ofMillis(100);

  @Override
  public String name() {
    return "load-report";
  }

  @Override
  public String description() {
    return "weighted round robin on load the backends report (ORCA endpoint-load-metrics)";
  }

  @Override
  public Object parseOptions(OptionReader options) {
    Options d = Options.DEFAULT;
    String header = options.string("header", d.header()).trim();
    if (header.isEmpty()) {
      options.error("header", "must name a response header");
      header = d.header();
    }
    double penalty =
        options.number("error-utilization-penalty", d.errorUtilizationPenalty(), 0, 1000);
    Duration blackout = nonNegative(options, "blackout-period", d.blackoutPeriod());
    Duration expiration =
        nonNegative(options, "weight-expiration-period", d.weightExpirationPeriod());
    if (expiration.isZero()) {
      options.error("weight-expiration-period", "must be positive (example: 3m)");
      expiration = d.weightExpirationPeriod();
    }
    Duration update = nonNegative(options, "weight-update-period", d.weightUpdatePeriod());
    if (update.compareTo(MIN_UPDATE_PERIOD) < 0) {
      options.error(
          "weight-update-period",
          "must be at least "
              + Durations.format(MIN_UPDATE_PERIOD)
              + ", not "
              + Durations.format(update));
      update = MIN_UPDATE_PERIOD;
    }
    options.finish();
    return new Options(header, penalty, blackout, expiration, update);
  }

  private static Duration nonNegative(OptionReader options, String key, Duration def) {
    Duration d = options.duration(key, def);
    if (d.isNegative()) {
      options.error(key, "must not be negative");
      return def;
    }
    return d;
  }

  @Override
  public Balancer create(Object options, BalancerContext context) {
    Options o = options instanceof Options opts ? opts : Options.DEFAULT;
    return new LoadReportBalancer(o, context.ticker());
  }

  /** Keeps each backend's reports across updates. */
  static final class LoadReportBalancer implements Balancer {
    private final Options options;
    private final Ticker ticker;
    // Control-plane thread only; weak keys so a removed backend's reports go with it.
    private final Map<Backend, EndpointWeight> states = new WeakHashMap<>();
    // The schedule's position survives updates, so a rebuild does not restart at backend 0.
    private final AtomicLong sequence = new AtomicLong();

    LoadReportBalancer(Options options, Ticker ticker) {
      this.options = options;
      this.ticker = ticker;
    }

    @Override
    public Picker update(List<Endpoint> eligible) {
      if (eligible.isEmpty()) {
        return Picker.EMPTY;
      }
      int n = eligible.size();
      Backend[] backends = new Backend[n];
      EndpointWeight[] weights = new EndpointWeight[n];
      double[] scale = new double[n];
      for (int i = 0; i < n; i++) {
        Endpoint e = eligible.get(i);
        backends[i] = e.backend();
        weights[i] = states.computeIfAbsent(e.backend(), b -> new EndpointWeight());
        // Slow start and agent scaling still apply on top of the reported weight.
        scale[i] =
            e.configuredWeight() > 0
                ? Math.min(1.0, (double) Math.max(1, e.effectiveWeight()) / e.configuredWeight())
                : 1.0;
      }
      return new LoadReportPicker(backends, weights, scale, options, ticker, sequence);
    }
  }
}
