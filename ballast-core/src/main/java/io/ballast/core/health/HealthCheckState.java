package io.ballast.core.health;

import io.ballast.core.config.ActiveCheckConfig;
import io.ballast.core.config.HealthConfig.InitState;
import io.ballast.core.time.Ticker;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * One backend's active-check state machine, with HAProxy's semantics: the backend starts in its
 * {@code init-state}; {@code fall} failed checks in a row take an up backend down, {@code rise}
 * passed checks in a row bring a down backend up. Each transition is reported exactly once, by the
 * {@link #record} call that causes it.
 *
 * <p>The prober asks {@link #nextDelayNanos()} when to check next: {@code interval} while the
 * backend is settled up, {@code fast-interval} while it is changing state (up with some failed
 * checks, or down with some passed ones), {@code down-interval} while it is settled down, each
 * spread by ±{@code jitter}. {@link #initialDelayNanos()} spreads the first checks of many backends
 * over one interval.
 *
 * <p>Threading: the mutators ({@link #record}, and the delay methods, which draw from the random
 * generator) must be called by one thread at a time, normally the event loop that runs this
 * backend's probes. The accessors read volatile fields and may be called from any thread (the admin
 * API, metrics); they see a recent state.
 */
public final class HealthCheckState {

  /** What a {@link #record} call changed. */
  public enum Change {
    /** No transition. */
    NONE,
    /** The backend just went up: tell the control plane. */
    WENT_UP,
    /** The backend just went down: tell the control plane. */
    WENT_DOWN
  }

  private final ActiveCheckConfig config;
  private final Ticker ticker;
  private final RandomGenerator random;

  // Written only by the probing thread; volatile so other threads can read a recent value.
  private volatile HealthStatus status;
  private volatile int passedInRow;
  private volatile int failedInRow;
  private volatile CheckResult lastResult;
  private volatile String reason;
  private volatile long changedAt;
  private volatile long checks;

  /**
   * Creates the state of one backend.
   *
   * @param config the pool's active check settings
   * @param initState the state before any check
   * @param ticker time, for {@link #changedAtNanos()}
   * @param random jitter source, used only by the thread that calls the delay methods
   */
  public HealthCheckState(
      ActiveCheckConfig config, InitState initState, Ticker ticker, RandomGenerator random) {
    this.config = Objects.requireNonNull(config);
    this.ticker = Objects.requireNonNull(ticker);
    this.random = Objects.requireNonNull(random);
    this.status = initState == InitState.DOWN ? HealthStatus.DOWN : HealthStatus.UP;
    this.reason =
        initState == InitState.DOWN
            ? "not checked yet (init-state: down)"
            : "not checked yet (init-state: up)";
    this.changedAt = ticker.nanoTime();
  }

  /**
   * Records one check's result; returns the transition it caused, if any. Call from the probing
   * thread only.
   */
  public Change record(CheckResult result) {
    Objects.requireNonNull(result);
    lastResult = result;
    checks++;
    if (result.passed()) {
      failedInRow = 0;
      int passed = Math.min(passedInRow + 1, config.rise());
      passedInRow = passed;
      if (status == HealthStatus.DOWN && passed >= config.rise()) {
        transition(HealthStatus.UP, result, passed, "passed");
        return Change.WENT_UP;
      }
    } else {
      passedInRow = 0;
      int failed = Math.min(failedInRow + 1, config.fall());
      failedInRow = failed;
      if (status == HealthStatus.UP && failed >= config.fall()) {
        transition(HealthStatus.DOWN, result, failed, "failed");
        return Change.WENT_DOWN;
      }
    }
    return Change.NONE;
  }

  private void transition(HealthStatus to, CheckResult result, int inRow, String verb) {
    status = to;
    changedAt = ticker.nanoTime();
    reason =
        result.reason()
            + " ("
            + inRow
            + (inRow == 1 ? " check " : " checks in a row ")
            + verb
            + ")";
  }

  /**
   * The un-jittered delay until the next check: the fast interval while changing state, the down
   * interval while settled down, the interval while settled up.
   */
  public long baseDelayNanos() {
    if (transitioning()) {
      return config.fastInterval().toNanos();
    }
    return status == HealthStatus.UP
        ? config.interval().toNanos()
        : config.downInterval().toNanos();
  }

  /**
   * The delay until the next check, from the end of the last one: {@link #baseDelayNanos()} spread
   * uniformly over ±{@code jitter}. Call from the probing thread only.
   */
  public long nextDelayNanos() {
    return jittered(baseDelayNanos());
  }

  /**
   * The delay before a new backend's first check: uniform over one interval, so checks of backends
   * added together do not fire together (HAProxy spreads its first checks the same way). Call from
   * the probing thread only.
   */
  public long initialDelayNanos() {
    return (long) (random.nextDouble() * config.interval().toNanos());
  }

  private long jittered(long base) {
    double j = config.jitter();
    if (j == 0) {
      return base;
    }
    double factor = 1 + j * (2 * random.nextDouble() - 1);
    return Math.max(1, (long) (base * factor));
  }

  /** Whether the backend is up (may take traffic as far as active checks go). Any thread. */
  public boolean up() {
    return status == HealthStatus.UP;
  }

  /** The current state. Any thread. */
  public HealthStatus status() {
    return status;
  }

  /**
   * Whether the backend is changing state: up with failed checks in a row, or down with passed
   * ones. Any thread.
   */
  public boolean transitioning() {
    return status == HealthStatus.UP ? failedInRow > 0 : passedInRow > 0;
  }

  /** Passed checks in a row (capped at {@code rise}). Any thread. */
  public int passedInRow() {
    return passedInRow;
  }

  /** Failed checks in a row (capped at {@code fall}). Any thread. */
  public int failedInRow() {
    return failedInRow;
  }

  /** The latest check's result, or {@code null} before the first check. Any thread. */
  public CheckResult lastResult() {
    return lastResult;
  }

  /**
   * Why the backend is in its current state, such as {@code HTTP 503 (3 checks in a row failed)};
   * the reason of the latest check is {@code lastResult().reason()}. Any thread.
   */
  public String reason() {
    return reason;
  }

  /** The latest check's duration in nanoseconds, or -1 before the first check. Any thread. */
  public long lastLatencyNanos() {
    CheckResult r = lastResult;
    return r == null ? -1 : r.latencyNanos();
  }

  /** Ticker time of the last transition (or of creation). Any thread. */
  public long changedAtNanos() {
    return changedAt;
  }

  /** Checks recorded so far. Any thread. */
  public long checks() {
    return checks;
  }

  /** The settings this state machine follows. */
  public ActiveCheckConfig config() {
    return config;
  }
}
