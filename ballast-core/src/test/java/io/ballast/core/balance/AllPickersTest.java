package io.ballast.core.balance;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.core.model.Backend;
import io.ballast.core.time.Randoms;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Contract every registered algorithm keeps. */
class AllPickersTest {

  static List<String> algorithms() {
    return List.copyOf(BalancerRegistry.defaults().all().keySet());
  }

  @Test
  void everyAlgorithmIsRegistered() {
    assertThat(BalancerRegistry.defaults().all().keySet())
        .containsExactlyInAnyOrder(
            "round-robin",
            "weighted-round-robin",
            "least-connections",
            "random",
            "least-request",
            "p2c-ewma",
            "maglev",
            "ring-hash",
            "source-hash",
            "first",
            "load-report");
    for (BalancerFactory f : BalancerRegistry.defaults().all().values()) {
      assertThat(f.description()).isNotBlank();
    }
  }

  @ParameterizedTest
  @MethodSource("algorithms")
  void emptyPoolPicksNothing(String name) {
    Picker p = Pools.balancer(name).update(List.of());
    assertThat(p.pick(new PickContext(Randoms.seeded(1)).reset(null))).isNull();
  }

  @ParameterizedTest
  @MethodSource("algorithms")
  void retriesAvoidTriedBackends(String name) {
    List<Backend> bs = Pools.backends(4);
    Picker p = Pools.balancer(name).update(Pools.endpoints(bs, 100, 300, 100, 200));
    PickContext ctx = new PickContext(Randoms.seeded(2));
    for (int i = 0; i < 200; i++) {
      ctx.reset(Pools.FakeRequest.from("10.0.0." + (i % 250)));
      Backend first = p.pick(ctx);
      ctx.markTried(first);
      Backend second = p.pick(ctx);
      assertThat(second).isNotSameAs(first);
      ctx.markTried(second);
      ctx.markTried(bs.get(0));
      Backend third = p.pick(ctx);
      assertThat(third).isNotIn(first, second, bs.get(0));
      // Everything tried: still a backend rather than nothing.
      for (Backend b : bs) {
        ctx.markTried(b);
      }
      assertThat(p.pick(ctx)).isNotNull();
    }
  }

  @ParameterizedTest
  @MethodSource("algorithms")
  void singleBackendAlwaysPicked(String name) {
    List<Backend> bs = Pools.backends(1);
    Picker p = Pools.balancer(name).update(Pools.endpoints(bs));
    Map<Backend, Integer> c = Pools.count(p, new PickContext(Randoms.seeded(1)), 100);
    assertThat(c).containsOnlyKeys(bs.get(0));
  }

  @ParameterizedTest
  @MethodSource("algorithms")
  void optionsAreComparableAndUnknownKeysReported(String name) {
    BalancerFactory f = BalancerRegistry.defaults().get(name);
    Object a = f.parseOptions(MapOptionReader.of());
    Object b = f.parseOptions(MapOptionReader.of());
    assertThat(a).isEqualTo(b); // a reload with the same options keeps the balancer
    MapOptionReader r = MapOptionReader.of("no-such-option", "1");
    f.parseOptions(r);
    assertThat(r.errors()).singleElement().asString().contains("no-such-option");
  }
}
