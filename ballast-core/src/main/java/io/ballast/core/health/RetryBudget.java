package io.ballast.core.health;

import io.ballast.core.config.RetryConfig;
import io.ballast.core.time.Ticker;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A pool's retry budget: every client request earns {@code budget} of a retry, and a retry spends a
 * whole one, so retries never exceed {@code budget} times the requests (plus a bounded carry,
 * below) — however a brownout looks, fast 503s or slow timeouts, upstream tries stay within {@code
 * 1 + budget} times the client's requests and retries never multiply the load on a failing pool
 * (the aim of Envoy's retry budgets, envoy#9069; the deposit-and-withdraw scheme is Finagle's and
 * Linkerd's). A quiet pool, whose budget would allow fewer than {@code min-retries-per-second}, may
 * retry that many per second instead.
 *
 * <p>Unspent credit is capped at one second's worth at the recent request rate, and at one retry
 * per request in flight at the recent peak (the most requests in flight at once over the last
 * second): enough to retry every request caught by a backend that dies under load, and all a pool
 * can carry into a brownout. So over a brownout, upstream tries are at most {@code (1 + budget) ×
 * requests + peak requests in flight} (in a quiet pool, {@code requests + min-retries-per-second}
 * per second). The peak, not the count at the moment of the failure: requests in flight swing
 * widely from one millisecond to the next (a closed-loop client's requests are at times mostly on
 * its side of the connection), and the credit a burst of failures finds must not depend on where in
 * that swing it strikes. The rate is the requests of the last second: when every connection
 * suddenly waits on a black-holed backend, the credit earned just before still pays for retrying
 * those requests (a bounded, one-time carry of at most one second's worth), instead of vanishing
 * the moment the request rate stalls.
 *
 * <p>Why not Envoy's concurrency limit ({@code active retries < budget × active requests}): when
 * tries fail fast, few retries are in flight at any moment, so a concurrency limit lets every
 * request retry every time; and when a backend dies with many requests in flight, it refuses the
 * burst of retries that would have saved them. The credit absorbs such a burst and still bounds the
 * ratio. {@link #activeRetries()} and {@link #activeRequests()} remain as gauges.
 *
 * <p>A pool keeps one budget per event loop ({@link #share}), so that requests never contend for
 * these counters across cores; the bounds above then hold per loop, and so for the pool with the
 * loops' peaks summed.
 *
 * <p>Usage, all lock-free and safe from any event loop: {@link #requestStarted()} once per client
 * request (not per try) and {@link #requestEnded()} when it ends; before each retry, {@link
 * #tryAcquireRetry()}, and if it returned true, {@link #retryEnded()} when that try ends. The hot
 * path ({@code requestStarted}) costs one {@link LongAdder} increment, one atomic increment of the
 * requests in flight, one CAS on the current 100 ms slot and, only when the in-flight count reaches
 * a new high for that slot, one more.
 */
public final class RetryBudget {
  /** Slots per second. */
  private static final int PER_SECOND = 10;

  private static final long SLOT_NANOS = 1_000_000_000L / PER_SECOND;

  /** The last ten complete slots plus the current one. */
  private static final int SLOTS = PER_SECOND + 1;

  private static final long COUNT_MASK = 0xffff_ffffL;

  /** Credit is kept in thousandths of a retry. */
  private static final long MILLI = 1000;

  private final double budget;
  private final long depositMilli;
  private final double minRetriesPerSecond;

  /** The quiet-pool allowance's spacing between retries; 0 when there is none. */
  private final long reserveIntervalNanos;

  /** How far ahead the allowance may be drawn: a second's worth, and at least one retry. */
  private final long reserveBurstNanos;

  private final Ticker ticker;

  // Requests per 100 ms slot: (slot number << 32) | count, so a stale slot is recognised.
  private final AtomicLongArray slots = new AtomicLongArray(SLOTS);

  // The most requests in flight at once in each slot, tagged the same way.
  private final AtomicLongArray peaks = new AtomicLongArray(SLOTS);

  /** Credit ever earned is {@code requests × depositMilli}; this is what was spent or capped. */
  private final LongAdder requests = new LongAdder();

  private final AtomicLong spentMilli = new AtomicLong();

  /** The quiet-pool allowance, as a GCRA: the time its next retry is due. */
  private final AtomicLong reserveDue;

  // Exact, not a LongAdder: each start compares it with the slot's peak.
  private final AtomicLong activeRequests = new AtomicLong();
  private final AtomicInteger activeRetries = new AtomicInteger();
  private final LongAdder granted = new LongAdder();
  private final LongAdder exhausted = new LongAdder();

  /** A budget from a pool's {@code retries:} settings. */
  public RetryBudget(RetryConfig config, Ticker ticker) {
    this(config.budget(), config.minRetriesPerSecond(), ticker);
  }

  /**
   * A budget.
   *
   * @param budget retries earned per request, 0..1
   * @param minRetriesPerSecond retries a quiet pool may always make per second
   * @param ticker time for the request rate and the quiet-pool allowance
   */
  public RetryBudget(double budget, int minRetriesPerSecond, Ticker ticker) {
    this(budget, (double) minRetriesPerSecond, ticker);
  }

  private RetryBudget(double budget, double minRetriesPerSecond, Ticker ticker) {
    if (!(budget >= 0 && budget <= 1) || !(minRetriesPerSecond >= 0)) {
      throw new IllegalArgumentException(
          "budget must be 0..1 and minRetriesPerSecond not negative");
    }
    this.budget = budget;
    this.depositMilli = Math.round(budget * MILLI);
    this.minRetriesPerSecond = minRetriesPerSecond;
    this.reserveIntervalNanos =
        minRetriesPerSecond == 0 ? 0 : Math.max(1, Math.round(1e9 / minRetriesPerSecond));
    this.reserveBurstNanos = Math.max(1_000_000_000L, reserveIntervalNanos);
    this.ticker = Objects.requireNonNull(ticker);
    this.reserveDue = new AtomicLong(ticker.nanoTime());
  }

  /**
   * One of {@code shares} budgets that together make a pool's, one per event loop: each earns from
   * and spends on its own loop's requests, so no request touches another core's cache lines, and
   * the quiet-pool minimum is split evenly among them (each may still take one retry at once when
   * its part is under one per second). The pool's bound still holds: the shares' retries are at
   * most {@code budget} times all the requests plus each loop's recent peak in flight, and the
   * loops' peaks together never exceed the pool's client connections.
   *
   * @param config the pool's {@code retries:} settings
   * @param shares how many budgets share the pool (its event loops), at least 1
   * @param ticker time for the request rate and the quiet-pool allowance
   */
  public static RetryBudget share(RetryConfig config, int shares, Ticker ticker) {
    if (shares < 1) {
      throw new IllegalArgumentException("shares must be at least 1");
    }
    return new RetryBudget(config.budget(), (double) config.minRetriesPerSecond() / shares, ticker);
  }

  /** A client request started (call once per request, not per try). Any thread. */
  public void requestStarted() {
    long inFlight = activeRequests.incrementAndGet();
    requests.increment();
    long slot = Math.floorDiv(ticker.nanoTime(), SLOT_NANOS);
    add(slot);
    raisePeak(slot, inFlight);
  }

  /** A client request ended, however it ended. Any thread. */
  public void requestEnded() {
    activeRequests.decrementAndGet();
  }

  /**
   * Asks for one retry. Any thread.
   *
   * @return true if the budget allows it (then call {@link #retryEnded()} when the try ends); false
   *     if it is exhausted, which is counted in {@link #exhausted()}
   */
  public boolean tryAcquireRetry() {
    long now = ticker.nanoTime();
    long rate = recentRate(now);
    boolean ok = quiet(rate) ? takeReserve(now) : spend(capMilli(now, rate));
    if (!ok) {
      exhausted.increment();
      return false;
    }
    activeRetries.incrementAndGet();
    granted.increment();
    return true;
  }

  /** A retry granted by {@link #tryAcquireRetry()} ended. Any thread. */
  public void retryEnded() {
    activeRetries.decrementAndGet();
  }

  /** Whole retries the budget would grant now (a gauge, Envoy's "remaining retries"). */
  public long remaining() {
    long now = ticker.nanoTime();
    long rate = recentRate(now);
    if (quiet(rate)) {
      if (reserveIntervalNanos == 0) {
        return 0;
      }
      long due = Math.max(reserveDue.get() - now, 0);
      return Math.max(0, (reserveBurstNanos - due) / reserveIntervalNanos);
    }
    long deposited = requests.sum() * depositMilli;
    long balance = Math.min(deposited - spentMilli.get(), capMilli(now, rate));
    return Math.max(0, balance / MILLI);
  }

  /** Client requests in flight. Any thread. */
  public long activeRequests() {
    return activeRequests.get();
  }

  /** Retries in flight. Any thread. */
  public int activeRetries() {
    return activeRetries.get();
  }

  /** Retries granted so far. Any thread. */
  public long granted() {
    return granted.sum();
  }

  /** Retries refused because the budget was exhausted. Any thread. */
  public long exhausted() {
    return exhausted.sum();
  }

  /** Whether the budget at this rate is below the minimum, so the quiet-pool allowance applies. */
  private boolean quiet(long ratePerSecond) {
    return budget * ratePerSecond < minRetriesPerSecond;
  }

  /**
   * The most credit kept, in thousandths: one second's worth at the recent rate, and no more than
   * one retry per request in flight at the recent peak (all a sudden burst of failures can use).
   */
  private long capMilli(long nowNanos, long ratePerSecond) {
    long inFlight = Math.max(1, Math.max(activeRequests.get(), peak(nowNanos)));
    return Math.min(ratePerSecond * depositMilli, inFlight * MILLI);
  }

  /** Spends one retry of earned credit, after capping the unspent credit. */
  private boolean spend(long capMilli) {
    long deposited = requests.sum() * depositMilli;
    while (true) {
      long spent = spentMilli.get();
      // Credit beyond the cap is forfeited by counting it as spent.
      long floor = Math.max(spent, deposited - capMilli);
      if (deposited - floor < MILLI) {
        if (floor != spent) {
          spentMilli.compareAndSet(spent, floor); // best effort; the next caller caps again
        }
        return false;
      }
      if (spentMilli.compareAndSet(spent, floor + MILLI)) {
        return true;
      }
    }
  }

  /**
   * The quiet-pool allowance as a generic cell rate algorithm: retries are due one every {@code 1s
   * / min}, with a burst of up to {@code min} at once (at least one).
   */
  private boolean takeReserve(long now) {
    long interval = reserveIntervalNanos;
    if (interval == 0) {
      return false;
    }
    while (true) {
      long due = reserveDue.get();
      long next = (due - now < 0 ? now : due) + interval;
      if (next - now > reserveBurstNanos) {
        return false;
      }
      if (reserveDue.compareAndSet(due, next)) {
        return true;
      }
    }
  }

  /** Requests per second lately: the last second's, at most ten times the last 100 ms's. */
  private long recentRate(long nowNanos) {
    return sum(Math.floorDiv(nowNanos, SLOT_NANOS));
  }

  private void add(long slot) {
    int i = (int) Math.floorMod(slot, (long) SLOTS);
    long tag = slot << 32; // the slot number's low 32 bits
    while (true) {
      long v = slots.get(i);
      long next = (v & ~COUNT_MASK) == tag ? v + 1 : tag | 1;
      if (slots.compareAndSet(i, v, next)) {
        return;
      }
    }
  }

  /** Records {@code inFlight} as the slot's peak if it is a new high. */
  private void raisePeak(long slot, long inFlight) {
    int i = (int) Math.floorMod(slot, (long) SLOTS);
    long tag = slot << 32;
    long value = Math.min(inFlight, COUNT_MASK);
    while (true) {
      long v = peaks.get(i);
      if ((v & ~COUNT_MASK) == tag && (v & COUNT_MASK) >= value) {
        return;
      }
      if (peaks.compareAndSet(i, v, tag | value)) {
        return;
      }
    }
  }

  /** The most requests in flight at once over the last second, the current slot included. */
  private long peak(long nowNanos) {
    int current = (int) Math.floorDiv(nowNanos, SLOT_NANOS);
    long max = 0;
    for (int i = 0; i < SLOTS; i++) {
      long v = peaks.get(i);
      int age = current - (int) (v >>> 32);
      if (age >= 0 && age <= PER_SECOND) {
        max = Math.max(max, v & COUNT_MASK);
      }
    }
    return max;
  }

  /** The count of one slot, 0 if it has been reused since. */
  private long count(long slot) {
    long v = slots.get((int) Math.floorMod(slot, (long) SLOTS));
    return (int) (v >>> 32) == (int) slot ? v & COUNT_MASK : 0;
  }

  /** The counts of the ten complete slots before {@code slot}. */
  private long sum(long slot) {
    // Slot numbers are kept in 32 bits; int arithmetic handles the wrap (13 years of slots).
    int current = (int) slot;
    long total = 0;
    for (int i = 0; i < SLOTS; i++) {
      long v = slots.get(i);
      int age = current - (int) (v >>> 32);
      if (age >= 1 && age <= PER_SECOND) {
        total += v & COUNT_MASK;
      }
    }
    return total;
  }
}
