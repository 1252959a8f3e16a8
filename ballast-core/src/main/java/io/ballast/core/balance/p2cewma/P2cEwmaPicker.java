package io.ballast.core.balance.p2cewma;

import io.ballast.core.balance.PickContext;
import io.ballast.core.balance.Picker;
import io.ballast.core.balance.RequestResult;
import io.ballast.core.balance.internal.AliasTable;
import io.ballast.core.balance.internal.Candidates;
import io.ballast.core.balance.internal.Endpoints;
import io.ballast.core.balance.internal.Retry;
import io.ballast.core.model.Backend;
import io.ballast.core.time.Ticker;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.random.RandomGenerator;

/** Compares two weighted candidates on {@code latency × (inflight + 1)^bias / weight}. */
final class P2cEwmaPicker implements Picker {
  private final Backend[] backends;
  private final int[] weights;
  private final PeakEwma[] ewmas;
  private final Map<Backend, PeakEwma> byBackend;
  private final AliasTable alias;
  private final Ticker ticker;
  private final double tau;
  private final double defaultRtt;
  private final double failurePenalty;
  private final double sampleWeight;
  private final double bias;

  P2cEwmaPicker(
      Endpoints endpoints,
      PeakEwma[] ewmas,
      P2cEwmaBalancerFactory.Options options,
      Ticker ticker) {
    this.backends = endpoints.backends();
    this.weights = endpoints.weights();
    this.ewmas = ewmas;
    this.alias = AliasTable.of(weights);
    this.ticker = ticker;
    this.tau = options.decay().toNanos();
    this.defaultRtt = options.defaultRtt().toNanos();
    this.failurePenalty = options.failurePenalty().toNanos();
    this.sampleWeight = options.sampleWeight();
    this.bias = options.inFlightBias();
    // Read-only after construction, published with the picker: safe to read from any thread.
    this.byBackend = new IdentityHashMap<>(backends.length * 2);
    for (int i = 0; i < backends.length; i++) {
      byBackend.put(backends[i], ewmas[i]);
    }
  }

  @Override
  public Backend pick(PickContext context) {
    int n = backends.length;
    if (n == 1) {
      return backends[0];
    }
    RandomGenerator random = context.random();
    int a = Candidates.draw(alias, backends, random, context, -1);
    if (a < 0) {
      return Retry.untriedFrom(backends, alias.sample(random), context);
    }
    int b = Candidates.draw(alias, backends, random, context, a);
    if (b < 0) {
      return backends[a];
    }
    long now = ticker.nanoTime();
    double la = ewmas[a].current(now, tau);
    double lb = ewmas[b].current(now, tau);
    if (Double.isNaN(la) || Double.isNaN(lb)) {
      // No samples yet: charge default-rtt, or else the other candidate's latency (a fair cost,
      // neither zero nor infinite), so the new backend competes on in-flight load alone.
      if (defaultRtt > 0) {
        la = Double.isNaN(la) ? defaultRtt : la;
        lb = Double.isNaN(lb) ? defaultRtt : lb;
      } else if (Double.isNaN(la)) {
        la = Double.isNaN(lb) ? 1.0 : lb;
        lb = Double.isNaN(lb) ? 1.0 : lb;
      } else {
        lb = la;
      }
    }
    double costA = la * load(backends[a].load().inflight() + 1) * weights[b];
    double costB = lb * load(backends[b].load().inflight() + 1) * weights[a];
    return costB < costA ? backends[b] : backends[a];
  }

  /** (in flight + 1) raised to the bias; the common biases without {@code Math.pow}. */
  private double load(int n) {
    if (bias == 0.5) {
      return Math.sqrt(n);
    }
    if (bias == 1.0) {
      return n;
    }
    return Math.pow(n, bias);
  }

  @Override
  public void onResult(Backend backend, RequestResult result) {
    PeakEwma ewma = byBackend.get(backend);
    if (ewma == null) {
      return;
    }
    double rtt = Math.max(0L, result.latencyNanos());
    if (result.failed() || result.status() == 503) {
      rtt = Math.max(rtt, failurePenalty);
    }
    ewma.observe(rtt, ticker.nanoTime(), tau, sampleWeight);
  }
}
