package io.ballast.core.balance.roundrobin;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.core.balance.PickContext;
import io.ballast.core.balance.Picker;
import io.ballast.core.balance.Pools;
import io.ballast.core.model.Backend;
import io.ballast.core.time.Randoms;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoundRobinTest {

  @Test
  void exactOrder() {
    List<Backend> bs = Pools.backends(3);
    Picker p = Pools.balancer("round-robin").update(Pools.endpoints(bs, 5, 1, 1));
    PickContext ctx = new PickContext(Randoms.seeded(1));
    List<Backend> picked = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      picked.add(p.pick(ctx.reset(null)));
    }
    assertThat(picked)
        .containsExactlyElementsOf(
            List.of(
                bs.get(0), bs.get(1), bs.get(2), bs.get(0), bs.get(1), bs.get(2), bs.get(0),
                bs.get(1), bs.get(2)));
  }
}
