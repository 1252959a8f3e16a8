package io.ballast.core.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.ballast.core.config.FailurePercentageConfig;
import io.ballast.core.config.PassiveHealthConfig;
import io.ballast.core.config.StatusSet;
import io.ballast.core.config.SuccessRateConfig;
import io.ballast.core.health.OutlierDetector.Cause;
import io.ballast.core.health.OutlierDetector.Ejection;
import io.ballast.core.health.OutlierDetector.Evaluation;
import io.ballast.core.model.Backend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OutlierDetectorTest {
  private final Fixtures.Clock clock = new Fixtures.Clock();

  private static PassiveHealthConfig config(
      int consecutive,
      int gateway,
      Duration ejection,
      Duration maxEjection,
      double maxEjected,
      SuccessRateConfig successRate,
      FailurePercentageConfig failurePercentage) {
    return new PassiveHealthConfig(
        consecutive,
        gateway,
        StatusSet.range(500, 599),
        Duration.ofSeconds(10),
        ejection,
        maxEjection,
        maxEjected,
        successRate,
        failurePercentage);
  }

  private OutlierDetector detector(PassiveHealthConfig config, List<Backend> backends) {
    OutlierDetector d = new OutlierDetector("web", config, clock.ticker());
    d.update(backends);
    return d;
  }

  private OutlierDetector defaults(List<Backend> backends) {
    return detector(PassiveHealthConfig.defaults(), backends);
  }

  /** Records {@code n} outcomes; returns how many calls said "eject now". */
  private static int record(OutlierDetector d, Backend b, Outcome o, int n) {
    int trips = 0;
    for (int i = 0; i < n; i++) {
      if (d.record(b, o)) {
        trips++;
      }
    }
    return trips;
  }

  // ---- consecutive errors ----

  @Test
  void fiveConsecutiveErrorsTripOnceAndEject() {
    List<Backend> bs = Fixtures.backends(3);
    Backend b = bs.get(0);
    OutlierDetector d = defaults(bs);
    assertThat(record(d, b, Outcome.ERROR_STATUS, 4)).isZero();
    assertThat(d.record(b, Outcome.TIMEOUT)).isTrue(); // the fifth: detected at once
    assertThat(d.record(b, Outcome.RESET)).isFalse(); // only once per streak

    Ejection e = d.onConsecutiveErrors(b);
    assertThat(e)
        .isEqualTo(
            new Ejection(
                b, Cause.CONSECUTIVE_ERRORS, "5 consecutive errors", Duration.ofSeconds(30), 1));
    assertThat(d.isEjected(b)).isTrue();
    assertThat(d.ejection(b)).isEqualTo(e);
    assertThat(d.ejectedCount()).isEqualTo(1);
    assertThat(d.ejections()).isEqualTo(1);
    // While ejected, errors (late responses) never trip again.
    assertThat(record(d, b, Outcome.CONNECT_FAILURE, 20)).isZero();
    assertThat(d.onConsecutiveErrors(b)).isNull();
  }

  @Test
  void aSuccessBreaksTheStreak() {
    List<Backend> bs = Fixtures.backends(3);
    Backend b = bs.get(0);
    OutlierDetector d = defaults(bs);
    for (int i = 0; i < 10; i++) {
      assertThat(record(d, b, Outcome.GATEWAY_ERROR, 4)).isZero();
      assertThat(d.record(b, Outcome.SUCCESS)).isFalse();
    }
    assertThat(d.isEjected(b)).isFalse();
  }

  @Test
  void gatewayErrorStreaks() {
    List<Backend> bs = Fixtures.backends(3);
    Backend b = bs.get(0);
    OutlierDetector d =
        detector(
            config(0, 3, Duration.ofSeconds(30), Duration.ofSeconds(300), 0.5, null, null), bs);
    assertThat(d.record(b, Outcome.GATEWAY_ERROR)).isFalse();
    assertThat(d.record(b, Outcome.CONNECT_FAILURE)).isFalse();
    assertThat(d.record(b, Outcome.ERROR_STATUS)).isFalse(); // a 500 breaks a gateway streak
    assertThat(d.record(b, Outcome.TIMEOUT)).isFalse();
    assertThat(d.record(b, Outcome.RESET)).isFalse();
    assertThat(d.record(b, Outcome.GATEWAY_ERROR)).isTrue();
    Ejection e = d.onConsecutiveErrors(b);
    assertThat(e.cause()).isEqualTo(Cause.CONSECUTIVE_GATEWAY_ERRORS);
    assertThat(e.reason()).isEqualTo("3 consecutive gateway errors");
  }

  @Test
  void outcomesOfStatuses() {
    OutlierDetector d = defaults(Fixtures.backends(2));
    assertThat(d.outcomeOf(200)).isEqualTo(Outcome.SUCCESS);
    assertThat(d.outcomeOf(404)).isEqualTo(Outcome.SUCCESS);
    assertThat(d.outcomeOf(500)).isEqualTo(Outcome.ERROR_STATUS);
    assertThat(d.outcomeOf(502)).isEqualTo(Outcome.GATEWAY_ERROR);
    assertThat(d.outcomeOf(503)).isEqualTo(Outcome.GATEWAY_ERROR);
    assertThat(d.outcomeOf(504)).isEqualTo(Outcome.GATEWAY_ERROR);
    assertThat(d.outcomeOf(599)).isEqualTo(Outcome.ERROR_STATUS);
    // error-statuses decides what is an error at all.
    PassiveHealthConfig only500 =
        new PassiveHealthConfig(
            5,
            0,
            StatusSet.of(500, 429),
            Duration.ofSeconds(10),
            Duration.ofSeconds(30),
            Duration.ofSeconds(300),
            0.5,
            null,
            null);
    OutlierDetector d2 = detector(only500, Fixtures.backends(2));
    assertThat(d2.outcomeOf(503)).isEqualTo(Outcome.SUCCESS);
    assertThat(d2.outcomeOf(429)).isEqualTo(Outcome.ERROR_STATUS);
    assertThat(Outcome.CONNECT_FAILURE.isGatewayError()).isTrue();
    assertThat(Outcome.ERROR_STATUS.isGatewayError()).isFalse();
    assertThat(Outcome.ERROR_STATUS.isError()).isTrue();
    assertThat(Outcome.SUCCESS.isError()).isFalse();
  }

  @Test
  void concurrentRecordsTripExactlyOnce() throws Exception {
    List<Backend> bs = Fixtures.backends(2);
    Backend b = bs.get(0);
    OutlierDetector d = defaults(bs);
    AtomicInteger trips = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread th =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                trips.addAndGet(record(d, b, Outcome.RESET, 5_000));
              });
      th.start();
      threads.add(th);
    }
    start.countDown();
    for (Thread th : threads) {
      th.join();
    }
    assertThat(trips.get()).isEqualTo(1);
  }

  @Test
  void recordsForUnknownBackendsAreIgnored() {
    OutlierDetector d = defaults(Fixtures.backends(2));
    Backend stranger = Fixtures.backend("stranger");
    assertThat(record(d, stranger, Outcome.RESET, 10)).isZero();
    assertThat(d.isEjected(stranger)).isFalse();
    assertThat(d.onConsecutiveErrors(stranger)).isNull();
  }

  // ---- ejection time ----

  @Test
  void ejectionTimeGrowsWithEachEjectionUpToTheCap() {
    List<Backend> bs = Fixtures.backends(3);
    Backend b = bs.get(0);
    OutlierDetector d =
        detector(
            config(5, 0, Duration.ofSeconds(30), Duration.ofSeconds(100), 0.5, null, null), bs);
    long[] expected = {30, 60, 90, 100, 100};
    for (int i = 0; i < expected.length; i++) {
      assertThat(record(d, b, Outcome.RESET, 5)).isEqualTo(1);
      Ejection e = d.onConsecutiveErrors(b);
      assertThat(e.duration()).isEqualTo(Duration.ofSeconds(expected[i]));
      assertThat(e.times()).isEqualTo(i + 1);

      clock.advance(e.duration().minusMillis(1));
      assertThat(d.evaluate().restored()).isEmpty();
      assertThat(d.isEjected(b)).isTrue();
      clock.advanceMillis(1);
      Evaluation ev = d.evaluate();
      assertThat(ev.restored()).containsExactly(b);
      assertThat(ev.ejected()).isEmpty();
      assertThat(d.isEjected(b)).isFalse();
      assertThat(d.ejection(b)).isNull();
    }
  }

  @Test
  void goodBehaviourEarnsTheBackoffBack() {
    List<Backend> bs = Fixtures.backends(3);
    Backend b = bs.get(0);
    OutlierDetector d = defaults(bs);
    for (int i = 0; i < 3; i++) {
      record(d, b, Outcome.RESET, 5);
      Ejection e = d.onConsecutiveErrors(b);
      clock.advance(e.duration());
      d.evaluate();
    }
    assertThat(d.timesEjected(b)).isEqualTo(3);
    // One step back per base ejection time (30 s) without a new ejection.
    clock.advance(Duration.ofSeconds(29));
    d.evaluate();
    assertThat(d.timesEjected(b)).isEqualTo(3);
    clock.advance(Duration.ofSeconds(1));
    d.evaluate();
    assertThat(d.timesEjected(b)).isEqualTo(2);
    clock.advance(Duration.ofSeconds(30));
    d.evaluate();
    clock.advance(Duration.ofSeconds(30));
    d.evaluate();
    assertThat(d.timesEjected(b)).isZero();
    record(d, b, Outcome.RESET, 5);
    assertThat(d.onConsecutiveErrors(b).duration()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void restoredBackendStartsANewStreak() {
    List<Backend> bs = Fixtures.backends(3);
    Backend b = bs.get(0);
    OutlierDetector d = defaults(bs);
    record(d, b, Outcome.RESET, 5);
    d.onConsecutiveErrors(b);
    record(d, b, Outcome.RESET, 3); // late failures while ejected
    clock.advance(Duration.ofSeconds(30));
    assertThat(d.evaluate().restored()).containsExactly(b);
    assertThat(record(d, b, Outcome.RESET, 4)).isZero();
    assertThat(d.record(b, Outcome.RESET)).isTrue();
  }

  // ---- max-ejected ----

  @Test
  void maxEjectableNeverEmptiesAPool() {
    assertThat(maxEjectable(1, 1.0)).isZero();
    assertThat(maxEjectable(2, 1.0)).isEqualTo(1);
    assertThat(maxEjectable(2, 0.5)).isEqualTo(1);
    assertThat(maxEjectable(3, 0.5)).isEqualTo(1);
    assertThat(maxEjectable(4, 0.5)).isEqualTo(2);
    assertThat(maxEjectable(4, 1.0)).isEqualTo(3);
    assertThat(maxEjectable(10, 0.1)).isEqualTo(1);
    assertThat(maxEjectable(10, 0.05)).isEqualTo(1); // at least one while above 0
    assertThat(maxEjectable(10, 0.3)).isEqualTo(3);
    assertThat(maxEjectable(100, 0.29)).isEqualTo(29);
    assertThat(maxEjectable(10, 0)).isZero();
  }

  private int maxEjectable(int n, double maxEjected) {
    return detector(
            config(5, 0, Duration.ofSeconds(30), Duration.ofSeconds(300), maxEjected, null, null),
            Fixtures.backends(n))
        .maxEjectable();
  }

  @Test
  void everyBackendFailingLeavesOneStandingEvenAt100Percent() {
    List<Backend> bs = Fixtures.backends(5);
    OutlierDetector d =
        detector(
            config(5, 0, Duration.ofSeconds(30), Duration.ofSeconds(300), 1.0, null, null), bs);
    int ejected = 0;
    for (Backend b : bs) {
      if (record(d, b, Outcome.CONNECT_FAILURE, 5) == 1 && d.onConsecutiveErrors(b) != null) {
        ejected++;
      }
    }
    assertThat(ejected).isEqualTo(4);
    assertThat(d.ejectedCount()).isEqualTo(4);
    assertThat(bs.stream().filter(b -> !d.isEjected(b)).count()).isEqualTo(1);
    assertThat(d.ejectionsSkipped()).isEqualTo(1);

    // The one left keeps failing: a full new streak asks again and is refused again.
    Backend last = bs.get(4);
    assertThat(record(d, last, Outcome.CONNECT_FAILURE, 5)).isEqualTo(1);
    assertThat(d.onConsecutiveErrors(last)).isNull();
    assertThat(d.ejectionsSkipped()).isEqualTo(2);
  }

  @Test
  void aSingleBackendPoolIsNeverEjected() {
    List<Backend> bs = Fixtures.backends(1);
    OutlierDetector d = defaults(bs);
    assertThat(record(d, bs.get(0), Outcome.RESET, 5)).isEqualTo(1);
    assertThat(d.onConsecutiveErrors(bs.get(0))).isNull();
    assertThat(d.isEjected(bs.get(0))).isFalse();
  }

  @Test
  void halfOfThreeEjectsOne() {
    List<Backend> bs = Fixtures.backends(3);
    OutlierDetector d = defaults(bs);
    record(d, bs.get(0), Outcome.RESET, 5);
    record(d, bs.get(1), Outcome.RESET, 5);
    assertThat(d.onConsecutiveErrors(bs.get(0))).isNotNull();
    assertThat(d.onConsecutiveErrors(bs.get(1))).isNull();
    // When the first returns, the second may go.
    clock.advance(Duration.ofSeconds(30));
    assertThat(d.evaluate().restored()).containsExactly(bs.get(0));
    record(d, bs.get(1), Outcome.RESET, 5);
    assertThat(d.onConsecutiveErrors(bs.get(1))).isNotNull();
  }

  // ---- success rate and failure percentage ----

  @Test
  void successRateEjectsTheOutlier() {
    List<Backend> bs = Fixtures.backends(5);
    OutlierDetector d =
        detector(
            config(
                0,
                0,
                Duration.ofSeconds(30),
                Duration.ofSeconds(300),
                0.5,
                SuccessRateConfig.defaults(),
                null),
            bs);
    // 100, 100, 100, 100 and 62% success over 100 requests each: mean 92.4%, stdev 15.2%,
    // threshold 92.4 - 1.9 × 15.2 = 63.52%.
    for (int i = 0; i < 4; i++) {
      record(d, bs.get(i), Outcome.SUCCESS, 100);
    }
    record(d, bs.get(4), Outcome.SUCCESS, 62);
    record(d, bs.get(4), Outcome.ERROR_STATUS, 38);
    Evaluation ev = d.evaluate();
    assertThat(ev.ejected())
        .containsExactly(
            new Ejection(
                bs.get(4),
                Cause.SUCCESS_RATE,
                "success rate 62% below pool threshold 63.5%",
                Duration.ofSeconds(30),
                1));
    assertThat(ev.restored()).isEmpty();

    // With four perfect peers any dip stands out; with peers that vary, a moderate dip does not.
    // 100, 98, 96, 94, 85%: mean 94.6%, stdev 5.2%, threshold 84.72%: 85% stays.
    clock.advance(Duration.ofSeconds(30));
    assertThat(d.evaluate().restored()).containsExactly(bs.get(4));
    int[] rates = {100, 98, 96, 94, 85};
    for (int i = 0; i < 5; i++) {
      record(d, bs.get(i), Outcome.SUCCESS, rates[i]);
      record(d, bs.get(i), Outcome.ERROR_STATUS, 100 - rates[i]);
    }
    assertThat(d.evaluate().ejected()).isEmpty();
    // 100, 98, 96, 94, 80%: mean 93.6%, stdev 7.09%, threshold 80.13%: 80% goes, for twice as
    // long as its first ejection.
    rates[4] = 80;
    for (int i = 0; i < 5; i++) {
      record(d, bs.get(i), Outcome.SUCCESS, rates[i]);
      record(d, bs.get(i), Outcome.ERROR_STATUS, 100 - rates[i]);
    }
    assertThat(d.evaluate().ejected())
        .containsExactly(
            new Ejection(
                bs.get(4),
                Cause.SUCCESS_RATE,
                "success rate 80% below pool threshold 80.1%",
                Duration.ofSeconds(60),
                2));
  }

  @Test
  void successRateNeedsEnoughHostsWithEnoughRequests() {
    List<Backend> bs = Fixtures.backends(5);
    OutlierDetector d =
        detector(
            config(
                0,
                0,
                Duration.ofSeconds(30),
                Duration.ofSeconds(300),
                0.5,
                SuccessRateConfig.defaults(),
                null),
            bs);
    // One host has 99 requests: only four judged, fewer than minimum-hosts 5.
    for (int i = 0; i < 3; i++) {
      record(d, bs.get(i), Outcome.SUCCESS, 100);
    }
    record(d, bs.get(3), Outcome.SUCCESS, 99);
    record(d, bs.get(4), Outcome.ERROR_STATUS, 100);
    assertThat(d.evaluate().ejected()).isEmpty();
    // Counts start over each interval.
    for (int i = 0; i < 4; i++) {
      record(d, bs.get(i), Outcome.SUCCESS, 100);
    }
    record(d, bs.get(4), Outcome.ERROR_STATUS, 100);
    assertThat(d.evaluate().ejected())
        .extracting(Ejection::reason)
        .containsExactly("success rate 0% below pool threshold 4%");
  }

  @Test
  void failurePercentageEjectsAtOrAboveTheThreshold() {
    List<Backend> bs = Fixtures.backends(6);
    OutlierDetector d =
        detector(
            config(
                0,
                0,
                Duration.ofSeconds(30),
                Duration.ofSeconds(300),
                0.5,
                null,
                new FailurePercentageConfig(0.85, 3, 50)),
            bs);
    record(d, bs.get(0), Outcome.SUCCESS, 100);
    record(d, bs.get(1), Outcome.SUCCESS, 100);
    // 90% failing: ejected.
    record(d, bs.get(2), Outcome.SUCCESS, 10);
    record(d, bs.get(2), Outcome.GATEWAY_ERROR, 90);
    // 85% exactly: ejected (at or above).
    record(d, bs.get(3), Outcome.SUCCESS, 15);
    record(d, bs.get(3), Outcome.TIMEOUT, 85);
    // 84%: stays.
    record(d, bs.get(4), Outcome.SUCCESS, 16);
    record(d, bs.get(4), Outcome.RESET, 84);
    // All failing but only 40 requests: not judged.
    record(d, bs.get(5), Outcome.RESET, 40);
    Evaluation ev = d.evaluate();
    assertThat(ev.ejected())
        .extracting(Ejection::backend, Ejection::reason)
        .containsExactly(
            tuple(bs.get(2), "failure percentage 90%"), tuple(bs.get(3), "failure percentage 85%"));
    assertThat(ev.ejected()).allMatch(e -> e.cause() == Cause.FAILURE_PERCENTAGE);
  }

  @Test
  void periodicEjectionRespectsMaxEjectedWorstFirst() {
    List<Backend> bs = Fixtures.backends(6);
    OutlierDetector d =
        detector(
            config(
                0,
                0,
                Duration.ofSeconds(30),
                Duration.ofSeconds(300),
                0.2,
                null,
                new FailurePercentageConfig(0.5, 3, 10)),
            bs);
    for (int i = 0; i < 3; i++) {
      record(d, bs.get(i), Outcome.SUCCESS, 100);
    }
    record(d, bs.get(3), Outcome.RESET, 60);
    record(d, bs.get(3), Outcome.SUCCESS, 40);
    record(d, bs.get(4), Outcome.RESET, 100);
    record(d, bs.get(5), Outcome.RESET, 80);
    record(d, bs.get(5), Outcome.SUCCESS, 20);
    // 20% of 6 is one backend: the worst one goes.
    assertThat(d.evaluate().ejected()).extracting(Ejection::backend).containsExactly(bs.get(4));
    assertThat(d.ejectionsSkipped()).isEqualTo(2);
  }

  @Test
  void updateKeepsStateOfBackendsThatStay() {
    List<Backend> bs = Fixtures.backends(3);
    OutlierDetector d = defaults(bs);
    record(d, bs.get(0), Outcome.RESET, 5);
    d.onConsecutiveErrors(bs.get(0));
    record(d, bs.get(1), Outcome.RESET, 4);
    Backend added = Fixtures.backend("b9");
    d.update(List.of(bs.get(0), bs.get(1), added));
    assertThat(d.isEjected(bs.get(0))).isTrue();
    assertThat(d.record(bs.get(1), Outcome.RESET)).isTrue(); // the streak survived
    assertThat(d.isEjected(bs.get(2))).isFalse();
    assertThat(d.record(bs.get(2), Outcome.RESET)).isFalse(); // gone
    d.update(List.of(bs.get(1), added));
    assertThat(d.ejectedCount()).isZero();
  }

  @Test
  void disabledConfig() {
    assertThat(PassiveHealthConfig.OFF.enabled()).isFalse();
    List<Backend> bs = Fixtures.backends(3);
    OutlierDetector d = detector(PassiveHealthConfig.OFF, bs);
    assertThat(record(d, bs.get(0), Outcome.RESET, 100)).isZero();
    assertThat(d.evaluate().isEmpty()).isTrue();
  }
}
