package io.ballast.core.config;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Retries of failed requests on another backend ({@code retries:} on a pool).
 *
 * <p>{@code attempts} counts retries <em>after</em> the first try, as Envoy's {@code num_retries}
 * does: {@code attempts: 2} means up to three tries in all; 0 turns retries off.
 *
 * <p>A request is retried when its failure is one of {@code on} (a condition or a status) and no
 * response byte has reached the client yet. With {@code idempotentOnly}, only idempotent methods
 * (RFC 9110 §9.2.2: GET, HEAD, OPTIONS, TRACE, PUT, DELETE) are retried once the request may have
 * reached the backend; a connect failure, where nothing was sent, is retried for every method. A
 * request body is kept for replay up to {@code buffer} bytes; a longer body cannot be retried.
 *
 * <p>The retry budget bounds the extra load retries add: over any second, retries may be at most
 * {@code budget} of the requests started, or {@code minRetriesPerSecond} when that is more (so a
 * quiet pool can still retry). During a brownout, upstream tries stay at most {@code 1 + budget}
 * times the client's requests.
 *
 * @param attempts retries after the first try, 0..10 (default 2)
 * @param budget retries as a share of requests, 0..1 (default 0.09: with the per-second minimum,
 *     upstream tries stay within 1.1 times the client's requests through a full brownout)
 * @param minRetriesPerSecond retries always allowed per second, whatever the budget (default 3)
 * @param on the failure conditions that are retried (default connect-failure, reset, timeout)
 * @param statuses the response statuses that are retried (default 502, 503, 504)
 * @param perTryTimeout a deadline for each try, from sending the request to the response head; zero
 *     means none (the pool's response timeout still applies)
 * @param buffer request body bytes kept for replay (default 64 KiB)
 * @param idempotentOnly whether only idempotent requests are retried after they were sent (default
 *     true)
 */
public record RetryConfig(
    int attempts,
    double budget,
    int minRetriesPerSecond,
    Set<Condition> on,
    StatusSet statuses,
    Duration perTryTimeout,
    long buffer,
    boolean idempotentOnly) {

  /** A failure that is not a response status. */
  public enum Condition {
    /** The connection to the backend could not be opened (refused or timed out): nothing sent. */
    CONNECT_FAILURE,
    /** The backend closed or reset the connection before any response byte. */
    RESET,
    /** No response head within the response (or per-try) timeout. */
    TIMEOUT
  }

  /**
   * Default budget: 9%. Retries are exactly this share of requests in a long brownout; the
   * per-second minimum and the bounded carry come on top, so 9% keeps upstream tries under 1.1
   * times the client's requests.
   */
  public static final double DEFAULT_BUDGET = 0.09;

  /** Default retried statuses: 502, 503, 504. */
  public static final StatusSet DEFAULT_STATUSES = StatusSet.of(502, 503, 504);

  /** Default body replay buffer: 64 KiB. */
  public static final long DEFAULT_BUFFER = 64 * 1024;

  /** Retries off. */
  public static final RetryConfig OFF =
      new RetryConfig(
          0,
          0.1,
          3,
          EnumSet.allOf(Condition.class),
          DEFAULT_STATUSES,
          Duration.ZERO,
          DEFAULT_BUFFER,
          true);

  public RetryConfig {
    on = Set.copyOf(on);
    Objects.requireNonNull(statuses, "statuses");
    Objects.requireNonNull(perTryTimeout, "perTryTimeout");
    if (attempts < 0 || minRetriesPerSecond < 0 || buffer < 0 || perTryTimeout.isNegative()) {
      throw new IllegalArgumentException(
          "attempts, minRetriesPerSecond, buffer and perTryTimeout must not be negative");
    }
    if (!(budget >= 0 && budget <= 1)) {
      throw new IllegalArgumentException("budget " + budget + " is out of range 0..1");
    }
  }

  /**
   * Two retries, 9% budget with 3 per second minimum, on connect failures, resets, timeouts, 502,
   * 503 and 504, idempotent requests only, 64 KiB body buffer, no per-try timeout.
   */
  public static RetryConfig defaults() {
    return new RetryConfig(
        2,
        DEFAULT_BUDGET,
        3,
        EnumSet.allOf(Condition.class),
        DEFAULT_STATUSES,
        Duration.ZERO,
        DEFAULT_BUFFER,
        true);
  }

  /** Whether retries are on at all. */
  public boolean enabled() {
    return attempts > 0;
  }

  /** Whether a failure of this kind is retried (method and body rules aside). */
  public boolean retriesOn(Condition condition) {
    return on.contains(condition);
  }

  /** Whether a response with this status is retried (method and body rules aside). */
  public boolean retriesOnStatus(int status) {
    return statuses.contains(status);
  }
}
