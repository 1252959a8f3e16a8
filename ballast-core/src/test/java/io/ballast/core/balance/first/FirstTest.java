package io.ballast.core.balance.first;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.core.balance.HashOn;
import io.ballast.core.balance.PickContext;
import io.ballast.core.balance.Picker;
import io.ballast.core.balance.Pools;
import io.ballast.core.balance.Pools.FakeTicker;
import io.ballast.core.model.AdminState;
import io.ballast.core.model.Backend;
import io.ballast.core.model.Endpoint;
import io.ballast.core.time.Randoms;
import java.util.List;
import org.junit.jupiter.api.Test;

class FirstTest {

  @Test
  void fillsTheFirstBackendThenTheNext() {
    List<Backend> bs = Pools.backends(3);
    Picker p =
        Pools.balancer(
                "first", new FakeTicker(), HashOn.SOURCE_IP, 1, "max-inflight-per-backend", "10")
            .update(
                List.of(
                    Pools.endpoint(bs.get(0), 100),
                    new Endpoint(bs.get(1), 100, 100, AdminState.ACTIVE, true, 5),
                    Pools.endpoint(bs.get(2), 100)));
    PickContext ctx = new PickContext(Randoms.seeded(1));
    for (int i = 0; i < 10; i++) {
      Backend b = p.pick(ctx.reset(null));
      assertThat(b).isSameAs(bs.get(0));
      b.load().requestStarted();
    }
    for (int i = 0; i < 5; i++) { // backend 2's own max-connections is 5
      Backend b = p.pick(ctx.reset(null));
      assertThat(b).isSameAs(bs.get(1));
      b.load().requestStarted();
    }
    assertThat(p.pick(ctx.reset(null))).isSameAs(bs.get(2));
    // A request on the first ends: it is first in line again.
    bs.get(0).load().requestEnded();
    assertThat(p.pick(ctx.reset(null))).isSameAs(bs.get(0));
  }

  @Test
  void whenAllAreFullTheLeastLoadedRelativeToCapacityWins() {
    List<Backend> bs = Pools.backends(2);
    Picker p =
        Pools.balancer(
                "first", new FakeTicker(), HashOn.SOURCE_IP, 1, "max-inflight-per-backend", "2")
            .update(Pools.endpoints(bs));
    for (int i = 0; i < 5; i++) {
      bs.get(0).load().requestStarted();
    }
    for (int i = 0; i < 3; i++) {
      bs.get(1).load().requestStarted();
    }
    assertThat(p.pick(new PickContext(Randoms.seeded(1)).reset(null))).isSameAs(bs.get(1));
  }
}
