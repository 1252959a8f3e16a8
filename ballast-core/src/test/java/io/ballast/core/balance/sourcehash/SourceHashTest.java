package io.ballast.core.balance.sourcehash;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.core.balance.PickContext;
import io.ballast.core.balance.Picker;
import io.ballast.core.balance.Pools;
import io.ballast.core.balance.Pools.FakeRequest;
import io.ballast.core.model.Backend;
import io.ballast.core.time.Randoms;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SourceHashTest {
  private static final int CLIENTS = 40_000;

  private static Backend[] assign(Picker p) {
    PickContext ctx = new PickContext(Randoms.seeded(1));
    Backend[] out = new Backend[CLIENTS];
    for (int i = 0; i < CLIENTS; i++) {
      String ip = "10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255);
      out[i] = p.pick(ctx.reset(FakeRequest.from(ip)));
    }
    return out;
  }

  @Test
  void sameClientSameBackend() {
    List<Backend> bs = Pools.backends(8);
    Picker p = Pools.balancer("source-hash").update(Pools.endpoints(bs));
    PickContext ctx = new PickContext(Randoms.seeded(1));
    Backend first = p.pick(ctx.reset(FakeRequest.from("192.0.2.7")));
    for (int i = 0; i < 50; i++) {
      assertThat(p.pick(ctx.reset(FakeRequest.from("192.0.2.7")))).isSameAs(first);
    }
  }

  @Test
  void removalMovesAboutOneNth() {
    for (int n : new int[] {10, 40, 300}) {
      List<Backend> bs = Pools.backends(n);
      Backend[] before = assign(Pools.balancer("source-hash").update(Pools.endpoints(bs)));
      double worst = 0;
      for (int r = 0; r < n; r += Math.max(1, n / 10)) {
        List<Backend> fewer = new ArrayList<>(bs);
        Backend gone = fewer.remove(r);
        Backend[] after = assign(Pools.balancer("source-hash").update(Pools.endpoints(fewer)));
        int moved = 0;
        int movedFromGone = 0;
        int onGone = 0;
        for (int i = 0; i < CLIENTS; i++) {
          onGone += before[i] == gone ? 1 : 0;
          if (before[i] != after[i]) {
            moved++;
            movedFromGone += before[i] == gone ? 1 : 0;
          }
        }
        assertThat(movedFromGone).isEqualTo(onGone); // every client of the removed backend moved
        worst = Math.max(worst, moved * (double) n / CLIENTS);
      }
      // Minimal disruption is 1/n; group-mates add a little.
      assertThat(worst).as("%d backends", n).isBetween(0.8, 2.0);
    }
  }

  @Test
  void singletonGroupsMoveOnlyTheRemovedBackendsClients() {
    List<Backend> bs = Pools.backends(3);
    Backend[] before = assign(Pools.balancer("source-hash").update(Pools.endpoints(bs)));
    List<Backend> fewer = new ArrayList<>(bs);
    Backend gone = fewer.remove(1);
    Backend[] after = assign(Pools.balancer("source-hash").update(Pools.endpoints(fewer)));
    for (int i = 0; i < CLIENTS; i++) {
      if (before[i] != after[i]) {
        assertThat(before[i]).isSameAs(gone);
      }
    }
  }

  @Test
  void weightsHonoured() {
    List<Backend> bs = Pools.backends(3);
    Backend[] a = assign(Pools.balancer("source-hash").update(Pools.endpoints(bs, 1, 2, 3)));
    Map<Backend, Integer> c = new IdentityHashMap<>();
    for (Backend b : a) {
      c.merge(b, 1, Integer::sum);
    }
    for (int i = 0; i < 3; i++) {
      assertThat(c.get(bs.get(i)) / (double) CLIENTS)
          .isBetween((i + 1) / 6.0 - 0.01, (i + 1) / 6.0 + 0.01);
    }
  }
}
