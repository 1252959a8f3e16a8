package io.ballast.core.health;

import io.ballast.core.config.FailurePercentageConfig;
import io.ballast.core.config.PassiveHealthConfig;
import io.ballast.core.config.SuccessRateConfig;
import io.ballast.core.model.Backend;
import io.ballast.core.time.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Passive health for one pool (outlier detection, Envoy semantics): the data plane reports how each
 * request went, and backends that keep failing are ejected for a while.
 *
 * <p><b>Hot path</b> (any event loop, lock-free, no allocation): {@link #record} counts the outcome
 * in the backend's atomics. When a backend reaches {@code consecutive-errors} (or {@code
 * consecutive-gateway-errors}) failures in a row, exactly one {@code record} call returns {@code
 * true}; the caller then posts {@link #onConsecutiveErrors} to the control-plane thread, so the
 * ejection lands within milliseconds rather than at the next interval.
 *
 * <p><b>Control-plane thread</b> (one thread, in order, like every other change): {@link #update}
 * when the pool's backends change, {@link #onConsecutiveErrors}, and {@link #evaluate()} every
 * {@code interval}, which returns ejected backends whose time is up and runs success-rate and
 * failure-percentage ejection over the interval's counts. An ejection lasts {@code ejection ×} the
 * times the backend has been ejected (this one included), at most {@code max-ejection}; each {@code
 * ejection} period a returned backend stays out of trouble takes one off that count.
 *
 * <p>{@code max-ejected} caps the share of the pool ejected at once; a pool of two or more may
 * always eject one backend (while {@code max-ejected} is above 0), and outlier detection never
 * ejects a pool's last backend, even at 100% (envoy#27066, envoy#3263). Backends that active checks
 * took down are not counted: the pool's panic threshold covers a pool that is mostly down.
 *
 * <p>The control plane owns the verdict: it applies {@link Ejection}s and restorations to the next
 * snapshot. {@link #isEjected} may be read from any thread.
 */
public final class OutlierDetector {

  /** Why a backend was ejected. */
  public enum Cause {
    /** {@code consecutive-errors} failed requests in a row. */
    CONSECUTIVE_ERRORS,
    /** {@code consecutive-gateway-errors} gateway errors in a row. */
    CONSECUTIVE_GATEWAY_ERRORS,
    /** Success rate below the pool's threshold. */
    SUCCESS_RATE,
    /** Failure percentage at or above the threshold. */
    FAILURE_PERCENTAGE
  }

  /**
   * One ejection.
   *
   * @param backend the ejected backend
   * @param cause what triggered it
   * @param reason for logs and the admin API, such as {@code 5 consecutive errors}
   * @param duration how long it lasts (the backend returns at the first evaluation after it)
   * @param times how many times the backend has been ejected, this one included
   */
  public record Ejection(
      Backend backend, Cause cause, String reason, Duration duration, int times) {}

  /**
   * What one {@link #evaluate()} changed.
   *
   * @param ejected backends ejected now, worst first
   * @param restored backends whose ejection ended, to be made eligible again (through slow start)
   */
  public record Evaluation(List<Ejection> ejected, List<Backend> restored) {
    /** Whether nothing changed. */
    public boolean isEmpty() {
      return ejected.isEmpty() && restored.isEmpty();
    }
  }

  private final String pool;
  private final PassiveHealthConfig config;
  private final Ticker ticker;
  private final int consecutiveErrors;
  private final int consecutiveGatewayErrors;

  /** Rebuilt by {@link #update} on the control thread; read by every event loop. */
  private volatile Map<Backend, Stats> stats = Map.of();

  // Control-thread counters, volatile so metrics can read them from elsewhere.
  private volatile long ejections;
  private volatile long ejectionsSkipped;

  /**
   * Creates the detector of one pool. Call {@link #update} with the pool's backends before use.
   *
   * @param pool the pool's name, for reasons and logs
   * @param config the pool's {@code health.passive} settings
   * @param ticker time for ejection periods
   */
  public OutlierDetector(String pool, PassiveHealthConfig config, Ticker ticker) {
    this.pool = Objects.requireNonNull(pool);
    this.config = Objects.requireNonNull(config);
    this.ticker = Objects.requireNonNull(ticker);
    this.consecutiveErrors = config.consecutiveErrors();
    this.consecutiveGatewayErrors = config.consecutiveGatewayErrors();
  }

  // ---- hot path: any thread ----

  /**
   * Maps a response status to an outcome: an error status in 502..504 is a gateway error, another
   * error status an error, anything else a success. No allocation; any thread.
   */
  public Outcome outcomeOf(int status) {
    if (!config.errorStatuses().contains(status)) {
      return Outcome.SUCCESS;
    }
    return status >= 502 && status <= 504 ? Outcome.GATEWAY_ERROR : Outcome.ERROR_STATUS;
  }

  /**
   * Counts one request's outcome. Lock-free and allocation-free; call from any event loop for every
   * request (and every retry try) that reached a backend or failed to connect to it.
   *
   * @return true exactly once per streak that reaches a consecutive-error threshold on a backend
   *     that is not ejected: post {@link #onConsecutiveErrors} for it to the control thread
   */
  public boolean record(Backend backend, Outcome outcome) {
    Stats s = stats.get(backend);
    if (s == null) {
      return false; // not (or no longer) in this pool
    }
    if (outcome == Outcome.SUCCESS) {
      s.successes.increment();
      // Read before writing: a backend that keeps succeeding never dirties the cache line.
      if (s.errorsInRow.get() != 0) {
        s.errorsInRow.set(0);
      }
      if (s.gatewayErrorsInRow.get() != 0) {
        s.gatewayErrorsInRow.set(0);
      }
      return false;
    }
    s.failures.increment();
    boolean trip = false;
    if (consecutiveErrors > 0 && s.errorsInRow.incrementAndGet() == consecutiveErrors) {
      s.pending = Cause.CONSECUTIVE_ERRORS;
      trip = true;
    }
    if (outcome.isGatewayError()) {
      if (consecutiveGatewayErrors > 0
          && s.gatewayErrorsInRow.incrementAndGet() == consecutiveGatewayErrors) {
        if (!trip) {
          s.pending = Cause.CONSECUTIVE_GATEWAY_ERRORS;
        }
        trip = true;
      }
    } else if (s.gatewayErrorsInRow.get() != 0) {
      s.gatewayErrorsInRow.set(0); // a non-gateway error breaks a gateway streak (Envoy)
    }
    return trip && !s.ejected;
  }

  /** Whether the backend is ejected now. Any thread. */
  public boolean isEjected(Backend backend) {
    Stats s = stats.get(backend);
    return s != null && s.ejected;
  }

  // ---- control-plane thread ----

  /**
   * Sets the pool's backends. Counts, ejections and ejection history are kept for backends that
   * stay (the same {@link Backend} instance); new ones start clean. Control thread only.
   */
  public void update(Collection<Backend> backends) {
    Map<Backend, Stats> old = stats;
    Map<Backend, Stats> next = new HashMap<>();
    for (Backend b : backends) {
      Stats s = old.get(b);
      next.put(b, s != null ? s : new Stats(b, ticker.nanoTime()));
    }
    stats = Map.copyOf(next);
  }

  /**
   * Acts on a {@link #record} that returned true: ejects the backend unless it is already ejected
   * or {@code max-ejected} forbids it. The streak counters restart either way, so a backend that
   * could not be ejected gets another chance after the next full streak. Control thread only.
   *
   * @return the ejection, or {@code null} when none happened
   */
  public Ejection onConsecutiveErrors(Backend backend) {
    Stats s = stats.get(backend);
    if (s == null || s.ejected) {
      return null;
    }
    Cause cause = s.pending == null ? Cause.CONSECUTIVE_ERRORS : s.pending;
    s.pending = null;
    s.errorsInRow.set(0);
    s.gatewayErrorsInRow.set(0);
    String reason =
        cause == Cause.CONSECUTIVE_ERRORS
            ? consecutiveErrors + " consecutive errors"
            : consecutiveGatewayErrors + " consecutive gateway errors";
    return tryEject(s, cause, reason, ticker.nanoTime());
  }

  /**
   * The periodic evaluation, every {@code interval}: first returns backends whose ejection time is
   * up, then judges the interval's counts by success rate and failure percentage. Control thread
   * only.
   */
  public Evaluation evaluate() {
    long now = ticker.nanoTime();
    long base = config.ejection().toNanos();
    List<Backend> restored = new ArrayList<>();
    List<Sample> samples = new ArrayList<>();
    for (Stats s : stats.values()) {
      long ok = s.successes.sumThenReset();
      long failed = s.failures.sumThenReset();
      if (s.ejected) {
        if (now - s.ejectedUntil >= 0) {
          s.ejected = false;
          s.ejection = null;
          s.errorsInRow.set(0);
          s.gatewayErrorsInRow.set(0);
          s.lastChange = now;
          restored.add(s.backend);
        }
        continue; // no verdict on a backend that just came back: its counts are stale
      }
      if (s.timesEjected > 0 && now - s.lastChange >= base) {
        s.timesEjected--; // good behaviour earns back one step of the backoff
        s.lastChange = now;
      }
      samples.add(new Sample(s, ok, failed));
    }
    List<Ejection> ejected = new ArrayList<>();
    if (config.successRate() != null) {
      successRate(config.successRate(), samples, now, ejected);
    }
    if (config.failurePercentage() != null) {
      failurePercentage(config.failurePercentage(), samples, now, ejected);
    }
    return new Evaluation(List.copyOf(ejected), List.copyOf(restored));
  }

  private void successRate(
      SuccessRateConfig c, List<Sample> samples, long now, List<Ejection> out) {
    List<Sample> judged = new ArrayList<>();
    for (Sample s : samples) {
      if (s.total() >= c.requestVolume()) {
        judged.add(s);
      }
    }
    if (judged.size() < c.minimumHosts()) {
      return;
    }
    double mean = 0;
    for (Sample s : judged) {
      mean += s.successRate();
    }
    mean /= judged.size();
    double variance = 0;
    for (Sample s : judged) {
      double d = s.successRate() - mean;
      variance += d * d;
    }
    double stdev = Math.sqrt(variance / judged.size());
    double threshold = mean - c.stdevFactor() * stdev;
    judged.sort(Comparator.comparingDouble(Sample::successRate));
    for (Sample s : judged) {
      if (s.successRate() >= threshold || s.stats.ejected) {
        continue;
      }
      tryEject(
          s.stats,
          Cause.SUCCESS_RATE,
          "success rate "
              + Percent.format(s.successRate())
              + " below pool threshold "
              + Percent.format(threshold),
          now,
          out);
    }
  }

  private void failurePercentage(
      FailurePercentageConfig c, List<Sample> samples, long now, List<Ejection> out) {
    List<Sample> judged = new ArrayList<>();
    for (Sample s : samples) {
      if (s.total() >= c.requestVolume()) {
        judged.add(s);
      }
    }
    if (judged.size() < c.minimumHosts()) {
      return;
    }
    judged.sort(Comparator.comparingDouble(Sample::successRate));
    for (Sample s : judged) {
      double failure = 1 - s.successRate();
      if (failure < c.threshold() || s.stats.ejected) {
        continue;
      }
      tryEject(
          s.stats,
          Cause.FAILURE_PERCENTAGE,
          "failure percentage " + Percent.format(failure),
          now,
          out);
    }
  }

  private void tryEject(Stats s, Cause cause, String reason, long now, List<Ejection> out) {
    Ejection e = tryEject(s, cause, reason, now);
    if (e != null) {
      out.add(e);
    }
  }

  private Ejection tryEject(Stats s, Cause cause, String reason, long now) {
    if (ejectedCount() >= maxEjectable()) {
      ejectionsSkipped++;
      return null;
    }
    s.timesEjected++;
    long base = config.ejection().toNanos();
    long max = config.maxEjection().toNanos();
    long nanos = base > max / s.timesEjected ? max : Math.min(max, base * s.timesEjected);
    s.ejected = true;
    s.ejectedUntil = now + nanos;
    s.lastChange = now;
    s.ejection = new Ejection(s.backend, cause, reason, Duration.ofNanos(nanos), s.timesEjected);
    ejections++;
    return s.ejection;
  }

  /**
   * How many backends may be ejected at once: {@code max-ejected} of the pool rounded down, at
   * least one while it is above 0, and never the whole pool.
   */
  public int maxEjectable() {
    int total = stats.size();
    if (total < 2 || config.maxEjected() <= 0) {
      return 0;
    }
    // The epsilon keeps 0.29 × 100 at 29, not 28.999...
    int cap = (int) Math.floor(total * config.maxEjected() + 1e-9);
    return Math.min(Math.max(cap, 1), total - 1);
  }

  /** Backends ejected now. Control thread. */
  public int ejectedCount() {
    int n = 0;
    for (Stats s : stats.values()) {
      if (s.ejected) {
        n++;
      }
    }
    return n;
  }

  /** The backend's current ejection, or {@code null} when it is not ejected. Control thread. */
  public Ejection ejection(Backend backend) {
    Stats s = stats.get(backend);
    return s == null ? null : s.ejection;
  }

  /**
   * How many times the backend has been ejected, less what good behaviour earned back: the
   * multiplier of its next ejection minus one. Control thread.
   */
  public int timesEjected(Backend backend) {
    Stats s = stats.get(backend);
    return s == null ? 0 : s.timesEjected;
  }

  /** Ejections so far (for metrics). Any thread. */
  public long ejections() {
    return ejections;
  }

  /** Ejections that {@code max-ejected} prevented (for metrics). Any thread. */
  public long ejectionsSkipped() {
    return ejectionsSkipped;
  }

  /** The pool's name. */
  public String pool() {
    return pool;
  }

  /** The settings this detector follows. */
  public PassiveHealthConfig config() {
    return config;
  }

  /** Per-backend counters. The atomics are shared with event loops; the rest is control-only. */
  private static final class Stats {
    final Backend backend;
    final LongAdder successes = new LongAdder();
    final LongAdder failures = new LongAdder();
    final AtomicInteger errorsInRow = new AtomicInteger();
    final AtomicInteger gatewayErrorsInRow = new AtomicInteger();
    volatile boolean ejected;

    /** Which streak tripped; written by the tripping event loop, read by the control thread. */
    volatile Cause pending;

    // Control thread only.
    int timesEjected;
    long ejectedUntil;
    long lastChange;
    Ejection ejection;

    Stats(Backend backend, long now) {
      this.backend = backend;
      this.lastChange = now;
    }
  }

  /** One backend's counts over the last interval. */
  private record Sample(Stats stats, long ok, long failed) {
    long total() {
      return ok + failed;
    }

    double successRate() {
      long t = total();
      return t == 0 ? 1.0 : (double) ok / t;
    }
  }
}
