package io.ballast.core.balance.loadreport;

import io.ballast.core.balance.PickContext;
import io.ballast.core.balance.Picker;
import io.ballast.core.balance.RequestResult;
import io.ballast.core.balance.internal.Retry;
import io.ballast.core.model.Backend;
import io.ballast.core.time.Ticker;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** Picks from a stride schedule that one picking thread at a time refreshes from reports. */
final class LoadReportPicker implements Picker {
  private static final int RETRY_DRAWS = 4;

  private final Backend[] backends;
  private final EndpointWeight[] weights;
  private final double[] scale;
  private final Map<Backend, EndpointWeight> byBackend;
  private final Ticker ticker;
  private final String header;
  private final double penalty;
  private final long blackout;
  private final long expiration;
  private final long period;
  private final AtomicLong sequence;
  private final AtomicBoolean recomputing = new AtomicBoolean();
  private volatile StrideSchedule schedule;
  private volatile long nextUpdate;

  LoadReportPicker(
      Backend[] backends,
      EndpointWeight[] weights,
      double[] scale,
      LoadReportBalancerFactory.Options options,
      Ticker ticker,
      AtomicLong sequence) {
    this.backends = backends;
    this.sequence = sequence;
    this.weights = weights;
    this.scale = scale;
    this.ticker = ticker;
    this.header = options.header();
    this.penalty = options.errorUtilizationPenalty();
    this.blackout = options.blackoutPeriod().toNanos();
    this.expiration = options.weightExpirationPeriod().toNanos();
    this.period = options.weightUpdatePeriod().toNanos();
    this.byBackend = new IdentityHashMap<>(backends.length * 2);
    for (int i = 0; i < backends.length; i++) {
      byBackend.put(backends[i], weights[i]);
    }
    long now = ticker.nanoTime();
    this.schedule = StrideSchedule.of(currentWeights(now), sequence);
    this.nextUpdate = now + period;
  }

  @Override
  public Backend pick(PickContext context) {
    long now = ticker.nanoTime();
    if (now - nextUpdate >= 0 && recomputing.compareAndSet(false, true)) {
      try {
        schedule = StrideSchedule.of(currentWeights(now), sequence);
        nextUpdate = now + period;
      } finally {
        recomputing.set(false);
      }
    }
    StrideSchedule s = schedule;
    Backend b = backends[s.pick()];
    if (context.triedCount() == 0 || !context.tried(b)) {
      return b;
    }
    for (int d = 0; d < RETRY_DRAWS; d++) {
      b = backends[s.pick()];
      if (!context.tried(b)) {
        return b;
      }
    }
    return Retry.untriedFrom(backends, 0, context);
  }

  /** Reported weights now; backends without one get the mean of those with one. */
  double[] currentWeights(long now) {
    int n = backends.length;
    double[] w = new double[n];
    double sum = 0;
    int known = 0;
    for (int i = 0; i < n; i++) {
      w[i] = weights[i].weight(now, expiration, blackout);
      if (w[i] > 0) {
        sum += w[i];
        known++;
      }
    }
    double mean = known == 0 ? 1.0 : sum / known;
    for (int i = 0; i < n; i++) {
      w[i] = (w[i] > 0 ? w[i] : mean) * scale[i];
    }
    return w;
  }

  @Override
  public void onResult(Backend backend, RequestResult result) {
    EndpointWeight state = byBackend.get(backend);
    if (state == null) {
      return;
    }
    CharSequence report = result.responseHeader(header);
    if (report == null) {
      return;
    }
    double w = OrcaText.weight(report, penalty);
    if (w > 0) {
      state.report(w, ticker.nanoTime());
    }
  }
}
