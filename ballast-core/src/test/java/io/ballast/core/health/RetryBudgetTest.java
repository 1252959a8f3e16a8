package io.ballast.core.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.core.config.RetryConfig;
import java.time.Duration;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RetryBudgetTest {
  private final Fixtures.Clock clock = new Fixtures.Clock();

  /** Starts {@code n} requests spread evenly over the next {@code d}. */
  private void traffic(RetryBudget b, int n, Duration d) {
    long step = d.toNanos() / n;
    for (int i = 0; i < n; i++) {
      b.requestStarted();
      b.requestEnded();
      clock.advanceNanos(step);
    }
  }

  /** Starts {@code n} requests that stay in flight. */
  private static void inFlight(RetryBudget b, int n) {
    for (int i = 0; i < n; i++) {
      b.requestStarted();
    }
  }

  private static int acquire(RetryBudget b, int n) {
    int granted = 0;
    for (int i = 0; i < n; i++) {
      if (b.tryAcquireRetry()) {
        granted++;
      }
    }
    return granted;
  }

  @Test
  void everyRequestEarnsAShareOfARetry() {
    RetryBudget b = new RetryBudget(0.1, 3, clock.ticker());
    traffic(b, 1000, Duration.ofSeconds(1));
    inFlight(b, 150);
    // 1150 requests earned 115 retries; 100 (a second's worth at 1000 per second) can be kept.
    assertThat(b.remaining()).isEqualTo(100);
    assertThat(acquire(b, 150)).isEqualTo(100);
    assertThat(b.granted()).isEqualTo(100);
    assertThat(b.exhausted()).isEqualTo(50);
    assertThat(b.remaining()).isZero();
    assertThat(b.activeRetries()).isEqualTo(100);
    for (int i = 0; i < 100; i++) {
      b.retryEnded();
    }
    assertThat(b.activeRetries()).isZero();
    // Ending retries frees nothing: the budget is a ratio, not a concurrency.
    assertThat(b.tryAcquireRetry()).isFalse();
    // Ten more requests earn one more retry.
    inFlight(b, 10);
    assertThat(acquire(b, 5)).isEqualTo(1);
  }

  @Test
  void unspentCreditIsCappedAtOneSecondsWorth() {
    RetryBudget b = new RetryBudget(0.1, 3, clock.ticker());
    // A minute at 1000 requests per second earns 6000 retries, but only 100 can be kept.
    traffic(b, 60_000, Duration.ofMinutes(1));
    inFlight(b, 500);
    assertThat(b.remaining()).isEqualTo(100);
    assertThat(acquire(b, 1000)).isEqualTo(100);
  }

  @Test
  void unspentCreditIsCappedAtOneRetryPerRequestInFlight() {
    RetryBudget b = new RetryBudget(0.1, 3, clock.ticker());
    traffic(b, 10_000, Duration.ofSeconds(1));
    inFlight(b, 8);
    assertThat(b.remaining()).isEqualTo(8);
    assertThat(acquire(b, 100)).isEqualTo(8);
  }

  /** A busy second, then 64 requests in flight, of which 54 end: 10 are left. */
  private RetryBudget dipFrom64To10() {
    RetryBudget b = new RetryBudget(0.1, 3, clock.ticker());
    traffic(b, 10_000, Duration.ofSeconds(1));
    inFlight(b, 64);
    for (int i = 0; i < 54; i++) {
      b.requestEnded();
    }
    return b;
  }

  @Test
  void aDipInRequestsInFlightJustBeforeAFailureForfeitsNoCredit() {
    // 64 requests in flight, then for a moment only 10 (a closed-loop client's requests are at
    // times mostly on its side): a backend failing now still gets a third of the 64 retried.
    RetryBudget b = dipFrom64To10();
    assertThat(b.activeRequests()).isEqualTo(10);
    assertThat(b.remaining()).isEqualTo(64);
    assertThat(acquire(b, 22)).isEqualTo(22);
    assertThat(b.exhausted()).isZero();
  }

  @Test
  void thePeakOfRequestsInFlightCountsForOneSecond() {
    RetryBudget b = dipFrom64To10();
    // A second later, at the same rate, the most in flight at once is 11 (the 10 plus each new
    // one): the cap follows it down.
    traffic(b, 12_000, Duration.ofMillis(1_200));
    assertThat(b.remaining()).isEqualTo(11);
    assertThat(acquire(b, 22)).isEqualTo(11);
  }

  @Test
  void aQuietPoolCanStillRetryTheMinimumPerSecond() {
    RetryBudget b = new RetryBudget(0.1, 3, clock.ticker());
    assertThat(b.remaining()).isEqualTo(3);
    assertThat(acquire(b, 10)).isEqualTo(3);
    assertThat(b.remaining()).isZero();
    clock.advance(Duration.ofMillis(330));
    assertThat(b.tryAcquireRetry()).isFalse();
    clock.advance(Duration.ofMillis(4)); // one every 333 ms
    assertThat(acquire(b, 10)).isEqualTo(1);
    clock.advance(Duration.ofSeconds(5));
    assertThat(acquire(b, 10)).isEqualTo(3); // a burst of at most the minimum
    // 20 requests per second earn 2 retries per second, less than the minimum: the minimum applies.
    clock.advance(Duration.ofSeconds(1));
    traffic(b, 20, Duration.ofSeconds(1));
    assertThat(acquire(b, 10)).isEqualTo(3);
  }

  @Test
  void sharesSplitTheQuietPoolMinimumAndEarnOnTheirOwn() {
    RetryConfig config = RetryConfig.defaults(); // 9 % budget, 3 retries a second when quiet
    RetryBudget first = RetryBudget.share(config, 2, clock.ticker());
    RetryBudget second = RetryBudget.share(config, 2, clock.ticker());
    // Quiet: 1.5 a second each, so a burst of one each, and 3 a second between them.
    assertThat(acquire(first, 10) + acquire(second, 10)).isEqualTo(2);
    int taken = 0;
    for (int ms = 10; ms <= 10_000; ms += 10) {
      clock.advance(Duration.ofMillis(10));
      taken += acquire(first, 1) + acquire(second, 1);
    }
    assertThat(taken).isEqualTo(30);
    // Busy: each earns from its own requests only.
    clock.advance(Duration.ofSeconds(5));
    traffic(first, 1_000, Duration.ofSeconds(1));
    inFlight(first, 100);
    assertThat(acquire(first, 1_000)).isEqualTo(90); // a second's worth at 9 %
    assertThat(second.remaining()).isEqualTo(1); // its quiet-pool allowance, nothing earned
  }

  @Test
  void aShareUnderOneRetryASecondStillTakesOne() {
    // Three a second over eight event loops: each may take one, then one every 2.67 s.
    RetryBudget b = RetryBudget.share(RetryConfig.defaults(), 8, clock.ticker());
    assertThat(b.remaining()).isEqualTo(1);
    assertThat(acquire(b, 10)).isEqualTo(1);
    clock.advance(Duration.ofMillis(2_600));
    assertThat(b.tryAcquireRetry()).isFalse();
    clock.advance(Duration.ofMillis(100));
    assertThat(b.tryAcquireRetry()).isTrue();
  }

  @Test
  void zeroBudgetAndZeroMinimumAllowNothing() {
    RetryBudget b = new RetryBudget(0, 0, clock.ticker());
    traffic(b, 1000, Duration.ofSeconds(1));
    assertThat(b.tryAcquireRetry()).isFalse();
    assertThat(b.exhausted()).isEqualTo(1);
  }

  @Test
  void gaugesAndConfig() {
    RetryBudget b = new RetryBudget(RetryConfig.defaults(), clock.ticker());
    b.requestStarted();
    b.requestStarted();
    assertThat(b.activeRequests()).isEqualTo(2);
    b.requestEnded();
    assertThat(b.activeRequests()).isEqualTo(1);
    assertThat(b.remaining()).isEqualTo(3); // 10% of 2 is less than the minimum
  }

  @Test
  void aBackendDyingUnderLoadGetsItsInFlightRequestsRetried() {
    // 64 connections at 1 ms per request; a third of the in-flight requests fail at once (a
    // backend killed with SIGKILL). A concurrency limit of 10% of 64 would refuse most of them.
    RetryBudget b = new RetryBudget(0.1, 3, clock.ticker());
    traffic(b, 64_000, Duration.ofSeconds(1));
    inFlight(b, 64);
    assertThat(acquire(b, 22)).isEqualTo(22);
    assertThat(b.exhausted()).isZero();
  }

  @Test
  void creditFromBeforeATrafficDropIsNotSpentAfterIt() {
    RetryBudget b = new RetryBudget(0.1, 3, clock.ticker());
    traffic(b, 10_000, Duration.ofMillis(900)); // busy...
    traffic(b, 5, Duration.ofMillis(200)); // ...then every request slows down
    // The last second holds ~8900 requests, but the last 100 ms only 2 or 3: the budget follows
    // the recent rate (10 × 3 × 10% = 3) rather than the old one (890).
    assertThat(b.remaining()).isLessThanOrEqualTo(3);
  }

  @Test
  void concurrentCallersNeverOverspend() throws Exception {
    RetryBudget b = new RetryBudget(0.1, 0, clock.ticker());
    traffic(b, 1000, Duration.ofSeconds(1));
    inFlight(b, 1000);
    int threads = 4;
    AtomicInteger granted = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    Thread[] ts = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      ts[t] =
          new Thread(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                granted.addAndGet(acquire(b, 200));
              });
      ts[t].start();
    }
    go.countDown();
    for (Thread t : ts) {
      t.join();
    }
    assertThat(granted.get()).isEqualTo(100);
  }

  /**
   * A full brownout, simulated: 64 closed-loop clients, 5 s healthy at 1 ms per request, then 10 s
   * where every try fails after {@code failMs}; two retries allowed per request, budget 10%. Once
   * the brownout is under way, upstream tries per client request stay at or below 1.1; over the
   * whole brownout, the only extra is the credit carried in, at most one retry per request in
   * flight at the recent peak (64).
   */
  @ParameterizedTest(name = "failures after {0} ms")
  @ValueSource(longs = {1, 5, 20, 100, 300, 1000})
  void brownoutKeepsTriesPerRequestAtOnePointOne(long failMs) {
    Brownout.Result r = new Brownout(clock, new RetryBudget(0.1, 3, clock.ticker()), failMs).run();
    for (Brownout.Counts c : List.of(r.whole(), r.afterFirstSecond())) {
      assertThat(c.tries()).isLessThanOrEqualTo((long) (1.1 * c.requests()) + 64);
    }
    // The only extra over 1.1 is the credit carried in (at most one retry per request in flight
    // at the recent peak, 64 here): small against the brownout's requests.
    assertThat(r.whole().ratio()).isLessThanOrEqualTo(1.1 + 64.0 / r.whole().requests() + 0.001);
    assertThat(r.whole().requests()).isGreaterThan(500);
  }

  @Test
  void inAVerySlowBrownoutTheMinimumPerSecondApplies() {
    // Tries fail after 3 s: ~21 requests per second earn 2 retries per second, below the
    // minimum of 3, so the pool may make 3 per second (30 in 10 s, plus a first burst of 3).
    Brownout.Result r = new Brownout(clock, new RetryBudget(0.1, 3, clock.ticker()), 3000).run();
    long retries = r.whole().tries() - r.whole().requests();
    assertThat(retries).isLessThanOrEqualTo(33);
  }

  @Test
  void withoutABudgetABrownoutTriplesTheLoad() {
    Brownout.Result r =
        new Brownout(clock, new RetryBudget(1.0, 1_000_000, clock.ticker()), 1).run();
    assertThat(r.whole().ratio()).isGreaterThan(2.99);
  }

  /** The brownout simulation, on virtual time. */
  static final class Brownout {
    record Counts(long requests, long tries) {
      double ratio() {
        return (double) tries / requests;
      }
    }

    record Result(Counts whole, Counts afterFirstSecond) {}

    private static final int CLIENTS = 64;
    private static final int RETRIES = 2;

    private final Fixtures.Clock clock;
    private final RetryBudget budget;
    private final long healthyNanos = 1_000_000L;
    private final long failNanos;

    Brownout(Fixtures.Clock clock, RetryBudget budget, long failMs) {
      this.clock = clock;
      this.budget = budget;
      this.failNanos = failMs * 1_000_000L;
    }

    /** A try ends at {@code at}; {@code retry} counts the tries before it of the same request. */
    private record Event(long at, int retry, boolean fails) {}

    Result run() {
      long start = clock.now();
      long brownout = start + Duration.ofSeconds(5).toNanos();
      long steady = brownout + Duration.ofSeconds(1).toNanos();
      long end = brownout + Duration.ofSeconds(10).toNanos();
      PriorityQueue<Event> events = new PriorityQueue<>((a, b) -> Long.compare(a.at, b.at));
      for (int c = 0; c < CLIENTS; c++) {
        budget.requestStarted();
        events.add(new Event(start + healthyNanos, 0, false));
      }
      long[] whole = new long[2];
      long[] later = new long[2];
      while (true) {
        Event e = events.poll();
        if (e.at >= end) {
          break;
        }
        clock.advanceNanos(e.at - clock.now());
        if (e.retry > 0) {
          budget.retryEnded();
        }
        boolean failing = e.at >= brownout;
        Event next = new Event(e.at + (failing ? failNanos : healthyNanos), 0, failing);
        if (e.fails && e.retry < RETRIES && budget.tryAcquireRetry()) {
          next = new Event(next.at, e.retry + 1, failing);
        } else {
          budget.requestEnded();
          budget.requestStarted();
          count(e.at, brownout, steady, whole, later, 0);
        }
        count(e.at, brownout, steady, whole, later, 1);
        events.add(next);
      }
      return new Result(new Counts(whole[0], whole[1]), new Counts(later[0], later[1]));
    }

    private static void count(
        long at, long brownout, long steady, long[] whole, long[] later, int what) {
      if (at >= brownout) {
        whole[what]++;
      }
      if (at >= steady) {
        later[what]++;
      }
    }
  }
}
