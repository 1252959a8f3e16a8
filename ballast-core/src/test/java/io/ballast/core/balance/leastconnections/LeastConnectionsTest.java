package io.ballast.core.balance.leastconnections;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.core.balance.PickContext;
import io.ballast.core.balance.Picker;
import io.ballast.core.balance.Pools;
import io.ballast.core.model.Backend;
import io.ballast.core.time.Randoms;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeastConnectionsTest {

  private static void load(Backend b, int n) {
    for (int i = 0; i < n; i++) {
      b.load().requestStarted();
    }
  }

  @Test
  void steersAwayFromABusyBackend() {
    List<Backend> bs = Pools.backends(3);
    Picker p = Pools.balancer("least-connections").update(Pools.endpoints(bs));
    load(bs.get(0), 50);
    load(bs.get(2), 1);
    PickContext ctx = new PickContext(Randoms.seeded(3));
    assertThat(p.pick(ctx.reset(null))).isSameAs(bs.get(1));
    // As the idle one fills up, the others take turns and the busy one stays out.
    Map<Backend, Integer> counts = Pools.count(startingEach(p, ctx), ctx, 60);
    assertThat(counts.getOrDefault(bs.get(0), 0)).isZero();
    assertThat(bs.get(1).load().inflight()).isBetween(30, 32);
    assertThat(bs.get(2).load().inflight()).isBetween(30, 32);
  }

  @Test
  void weightedByInflightPerWeight() {
    List<Backend> bs = Pools.backends(2);
    Picker p = Pools.balancer("least-connections").update(Pools.endpoints(bs, 100, 300));
    PickContext ctx = new PickContext(Randoms.seeded(3));
    Pools.count(startingEach(p, ctx), ctx, 400);
    assertThat(bs.get(0).load().inflight()).isBetween(99, 101);
    assertThat(bs.get(1).load().inflight()).isBetween(299, 301);
  }

  @Test
  void equalIdleBackendsShareEvenly() {
    List<Backend> bs = Pools.backends(4);
    Picker p = Pools.balancer("least-connections").update(Pools.endpoints(bs));
    Map<Backend, Integer> counts = Pools.count(p, new PickContext(Randoms.seeded(5)), 40_000);
    for (Backend b : bs) {
      assertThat(counts.get(b)).isBetween(9_400, 10_600);
    }
  }

  @Test
  void largePoolsSampleAndStillAvoidTheBusiest() {
    List<Backend> bs = Pools.backends(200);
    Picker p = Pools.balancer("least-connections").update(Pools.endpoints(bs));
    for (int i = 0; i < 100; i++) {
      load(bs.get(i), 10);
    }
    PickContext ctx = new PickContext(Randoms.seeded(9));
    Map<Backend, Integer> counts = Pools.count(p, ctx, 10_000);
    int busy = 0;
    for (int i = 0; i < 100; i++) {
      busy += counts.getOrDefault(bs.get(i), 0);
    }
    // Best of 4 lands on a busy backend only when all four candidates are busy: 1/16.
    assertThat(busy).isLessThan(900);
  }

  /** A picker that starts a request on every backend it picks. */
  static Picker startingEach(Picker p, PickContext ctx) {
    return c -> {
      Backend b = p.pick(c);
      b.load().requestStarted();
      return b;
    };
  }
}
