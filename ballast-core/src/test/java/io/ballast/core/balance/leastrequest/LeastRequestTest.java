package io.ballast.core.balance.leastrequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ballast.core.balance.LoadSimulation;
import io.ballast.core.balance.Picker;
import io.ballast.core.balance.Pools;
import io.ballast.core.model.Backend;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeastRequestTest {

  /** Max/mean in-flight sampled over a run, averaged. */
  private static double maxOverMean(String algorithm, int n, long seed) {
    List<Backend> bs = Pools.backends(n);
    Picker p = Pools.balancer(algorithm).update(Pools.endpoints(bs));
    LoadSimulation sim = new LoadSimulation(seed);
    sim.run(p, 10 * n, 20 * n); // warm up to 10 requests per backend
    double sum = 0;
    int samples = 20;
    for (int i = 0; i < samples; i++) {
      sim.run(p, 10 * n, 5 * n);
      sum += LoadSimulation.maxOverMean(bs);
    }
    return sum / samples;
  }

  @Test
  void twoChoicesBeatRandomOnAThousandBackends() {
    double random = maxOverMean("random", 1000, 11);
    double p2c = maxOverMean("least-request", 1000, 11);
    // Random's max/mean grows like log n / log log n; two choices' like log log n.
    assertThat(random).isGreaterThan(2.0);
    assertThat(p2c).isLessThan(1.6);
    assertThat(p2c).isLessThan(random * 0.7);
  }

  @Test
  void weightedSharesWithinTwoPercentInAPoolOfThree() {
    // 10 and 40 requests in flight per backend on average. At lower concurrency least-loaded
    // picking deliberately favours whichever backend is idle over strict weight
    // (docs/ALGORITHMS.md).
    for (int standing : new int[] {30, 120}) {
      List<Backend> bs = Pools.backends(3);
      Picker p = Pools.balancer("least-request").update(Pools.endpoints(bs, 1, 2, 3));
      LoadSimulation sim = new LoadSimulation(standing);
      sim.run(p, standing, 10_000);
      sim.resetCounts();
      int steps = 300_000;
      Map<Backend, Integer> picks = sim.run(p, standing, steps);
      for (int i = 0; i < 3; i++) {
        double ideal = (i + 1) / 6.0;
        assertThat(picks.get(bs.get(i)) / (double) steps)
            .as("backend %d with %d in flight", i, standing)
            .isCloseTo(ideal, within(0.02 * ideal));
      }
    }
  }

  @Test
  void idlePoolSplitsByWeight() {
    List<Backend> bs = Pools.backends(3);
    Picker p = Pools.balancer("least-request").update(Pools.endpoints(bs, 1, 2, 3));
    LoadSimulation sim = new LoadSimulation(4);
    int steps = 300_000;
    Map<Backend, Integer> picks = sim.run(p, 0, steps); // every request ends before the next
    for (int i = 0; i < 3; i++) {
      double ideal = (i + 1) / 6.0;
      assertThat(picks.get(bs.get(i)) / (double) steps).isCloseTo(ideal, within(0.02 * ideal));
    }
  }
}
