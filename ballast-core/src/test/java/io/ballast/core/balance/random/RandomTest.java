package io.ballast.core.balance.random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ballast.core.balance.PickContext;
import io.ballast.core.balance.Picker;
import io.ballast.core.balance.Pools;
import io.ballast.core.model.Backend;
import io.ballast.core.time.Randoms;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RandomTest {

  @Test
  void weightedProportions() {
    List<Backend> bs = Pools.backends(3);
    Picker p = Pools.balancer("random").update(Pools.endpoints(bs, 1, 2, 5));
    int n = 400_000;
    Map<Backend, Integer> counts = Pools.count(p, new PickContext(Randoms.seeded(2)), n);
    assertThat(counts.get(bs.get(0)) / (double) n).isCloseTo(1 / 8.0, within(0.003));
    assertThat(counts.get(bs.get(1)) / (double) n).isCloseTo(2 / 8.0, within(0.003));
    assertThat(counts.get(bs.get(2)) / (double) n).isCloseTo(5 / 8.0, within(0.003));
  }
}
