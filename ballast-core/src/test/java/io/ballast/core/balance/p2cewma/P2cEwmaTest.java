package io.ballast.core.balance.p2cewma;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.core.balance.Balancer;
import io.ballast.core.balance.HashOn;
import io.ballast.core.balance.PickContext;
import io.ballast.core.balance.Picker;
import io.ballast.core.balance.Pools;
import io.ballast.core.balance.Pools.FakeResult;
import io.ballast.core.balance.Pools.FakeTicker;
import io.ballast.core.model.Backend;
import io.ballast.core.time.Randoms;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class P2cEwmaTest {
  private static final long MS = 1_000_000;

  private final FakeTicker ticker = new FakeTicker();

  /** Each pick is served at once with the backend's latency; time moves 1ms per request. */
  private Map<Backend, Integer> serve(Picker p, Map<Backend, Long> latency, int requests) {
    PickContext ctx = new PickContext(Randoms.seeded(17));
    Map<Backend, Integer> counts = new IdentityHashMap<>();
    for (int i = 0; i < requests; i++) {
      Backend b = p.pick(ctx.reset(null));
      counts.merge(b, 1, Integer::sum);
      ticker.advanceNanos(MS);
      p.onResult(b, FakeResult.ok(latency.get(b)));
    }
    return counts;
  }

  @Test
  void aTenTimesSlowerBackendGetsUnderTenPercent() {
    List<Backend> bs = Pools.backends(3);
    Balancer balancer = Pools.balancer("p2c-ewma", ticker, HashOn.SOURCE_IP, 1);
    Picker p = balancer.update(Pools.endpoints(bs));
    Map<Backend, Long> latency =
        Map.of(bs.get(0), 10 * MS, bs.get(1), 10 * MS, bs.get(2), 100 * MS);
    Map<Backend, Integer> counts = serve(p, latency, 30_000);
    assertThat(counts.getOrDefault(bs.get(2), 0)).isLessThan(3_000);
    assertThat(counts.get(bs.get(0))).isGreaterThan(10_000);
    assertThat(counts.get(bs.get(1))).isGreaterThan(10_000);
  }

  /**
   * The noisy-neighbour case: a fast backend with a burst in flight, whose estimate the burst has
   * raised to 3 ms, against one that is always 50 ms slower and idle. A request sent to the fast
   * one is done in a few ms, one sent to the slow one in 50: the default bias keeps the burst on
   * the fast backend, the linear factor of Finagle (bias 1) sends it to the slow one.
   */
  @Test
  void aBurstOnAFastBackendDoesNotSpillOntoOneThatIsAlwaysSlow() {
    for (String bias : new String[] {"0.5", "1"}) {
      List<Backend> bs = Pools.backends(2);
      Balancer balancer =
          Pools.balancer("p2c-ewma", ticker, HashOn.SOURCE_IP, 1, "in-flight-bias", bias);
      Picker p = balancer.update(Pools.endpoints(bs));
      p.onResult(bs.get(1), FakeResult.ok(50 * MS));
      p.onResult(bs.get(0), FakeResult.ok(3 * MS));
      for (int i = 0; i < 20; i++) {
        bs.get(0).load().requestStarted();
      }
      Backend picked = p.pick(new PickContext(Randoms.seeded(1)).reset(null));
      assertThat(picked).as("in-flight-bias " + bias).isSameAs(bs.get(bias.equals("1") ? 1 : 0));
    }
  }

  @Test
  void equalLatenciesFewerInFlightWins() {
    List<Backend> bs = Pools.backends(2);
    Balancer balancer = Pools.balancer("p2c-ewma", ticker, HashOn.SOURCE_IP, 1);
    Picker p = balancer.update(Pools.endpoints(bs));
    p.onResult(bs.get(0), FakeResult.ok(2 * MS));
    p.onResult(bs.get(1), FakeResult.ok(2 * MS));
    bs.get(0).load().requestStarted();
    assertThat(p.pick(new PickContext(Randoms.seeded(1)).reset(null))).isSameAs(bs.get(1));
  }

  @Test
  void aBackendWithoutSamplesIsStillPicked() {
    List<Backend> bs = Pools.backends(3);
    Balancer balancer = Pools.balancer("p2c-ewma", ticker, HashOn.SOURCE_IP, 1);
    Map<Backend, Long> latency = Map.of(bs.get(0), 10 * MS, bs.get(1), 10 * MS, bs.get(2), 10 * MS);
    serve(balancer.update(Pools.endpoints(bs.subList(0, 2))), latency, 1_000);
    // The third joins with no history; it is neither starved nor flooded.
    Map<Backend, Integer> counts = serve(balancer.update(Pools.endpoints(bs)), latency, 3_000);
    assertThat(counts.getOrDefault(bs.get(2), 0)).isBetween(600, 1_400);
  }

  @Test
  void stateSurvivesPickerRebuilds() {
    List<Backend> bs = Pools.backends(2);
    Balancer balancer = Pools.balancer("p2c-ewma", ticker, HashOn.SOURCE_IP, 1);
    Picker first = balancer.update(Pools.endpoints(bs));
    first.onResult(bs.get(1), FakeResult.ok(500 * MS));
    first.onResult(bs.get(0), FakeResult.ok(5 * MS));
    Picker second = balancer.update(Pools.endpoints(bs, 100, 100));
    PickContext ctx = new PickContext(Randoms.seeded(1));
    for (int i = 0; i < 20; i++) {
      assertThat(second.pick(ctx.reset(null))).isSameAs(bs.get(0));
    }
  }

  @Test
  void peakThenDecay() {
    PeakEwma e = new PeakEwma();
    double tau = Duration.ofSeconds(10).toNanos();
    assertThat(e.current(0, tau)).isNaN();
    e.observe(10 * MS, 0, tau, 0);
    e.observe(100 * MS, 1, tau, 0); // a peak replaces the value at once
    assertThat(e.current(1, tau)).isEqualTo(100.0 * MS);
    e.observe(10 * MS, Duration.ofSeconds(10).toNanos(), tau, 0); // τ later: 1/e of the way back
    assertThat(e.current(Duration.ofSeconds(10).toNanos(), tau) / MS)
        .isBetween(10 + 90 / Math.E - 0.01, 10 + 90 / Math.E + 0.01);
  }

  @Test
  void aBusyBackendForgetsASpikeAfterAFewDozenFastResponses() {
    assertThat(msAfterOneSpike(0.1)).isLessThan(0.5);
    // With Finagle's time-only decay the same 40 ms leave it almost where the spike put it.
    assertThat(msAfterOneSpike(0)).isGreaterThan(7.9);
  }

  /** A 0.3 ms backend, one 8 ms hiccup, then 40 ms of a thousand fast responses a second. */
  private static double msAfterOneSpike(double sampleWeight) {
    PeakEwma e = new PeakEwma();
    double tau = Duration.ofSeconds(10).toNanos();
    long now = 0;
    e.observe(0.3 * MS, now, tau, sampleWeight);
    e.observe(8 * MS, now += MS, tau, sampleWeight);
    for (int i = 0; i < 40; i++) {
      e.observe(0.3 * MS, now += MS, tau, sampleWeight);
    }
    return e.current(now, tau) / MS;
  }

  @Test
  void aBackendThatSendsNoResponsesDecaysByTimeAlone() {
    PeakEwma e = new PeakEwma();
    double tau = Duration.ofSeconds(10).toNanos();
    e.observe(50 * MS, 0, tau, 0.1);
    assertThat(e.current(Duration.ofSeconds(10).toNanos(), tau) / MS)
        .isBetween(50 / Math.E - 0.01, 50 / Math.E + 0.01);
  }

  @Test
  void concurrentObservationsStayWithinTheSamples() throws Exception {
    PeakEwma e = new PeakEwma();
    double tau = Duration.ofSeconds(1).toNanos();
    List<Thread> threads = new java.util.ArrayList<>();
    for (int t = 0; t < 4; t++) {
      long rtt = (t + 1) * MS;
      Thread th =
          new Thread(
              () -> {
                for (int i = 0; i < 50_000; i++) {
                  e.observe(rtt, i * 1000L, tau, 0.1);
                }
              });
      threads.add(th);
      th.start();
    }
    for (Thread th : threads) {
      th.join();
    }
    assertThat(e.current(0, tau)).isBetween(1.0 * MS, 4.0 * MS);
  }

  @Test
  void failuresCountAsSlow() {
    List<Backend> bs = Pools.backends(2);
    Balancer balancer = Pools.balancer("p2c-ewma", ticker, HashOn.SOURCE_IP, 1);
    Picker p = balancer.update(Pools.endpoints(bs));
    p.onResult(bs.get(0), new FakeResult(MS / 10, 0, true, null, null)); // refused, fast
    p.onResult(bs.get(1), FakeResult.ok(20 * MS));
    PickContext ctx = new PickContext(Randoms.seeded(1));
    assertThat(p.pick(ctx.reset(null))).isSameAs(bs.get(1));
  }
}
