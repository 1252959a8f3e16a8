package io.ballast.core.balance;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.core.balance.Pools.FakeRequest;
import io.ballast.core.balance.Pools.FakeTicker;
import io.ballast.core.model.Backend;
import io.ballast.core.time.Randoms;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** hash-balance-factor on maglev and ring-hash under a skewed key distribution. */
class BoundedLoadTest {

  @ParameterizedTest
  @ValueSource(strings = {"maglev", "ring-hash"})
  void noBackendExceedsTheBound(String algorithm) {
    int n = 10;
    List<Backend> bs = Pools.backends(n);
    Picker p =
        Pools.balancer(
                algorithm,
                new FakeTicker(),
                HashOn.parse("header:X-Key"),
                1,
                "hash-balance-factor",
                "125%")
            .update(Pools.endpoints(bs));
    Picker unbounded =
        Pools.balancer(algorithm, new FakeTicker(), HashOn.parse("header:X-Key"), 1)
            .update(Pools.endpoints(bs));
    // Skewed keys: half the requests carry one of 3 hot keys, the rest one of 1000.
    List<FakeRequest> hot = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      hot.add(FakeRequest.withHeader("X-Key", "hot-" + i));
    }
    List<FakeRequest> cold = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      cold.add(FakeRequest.withHeader("X-Key", "cold-" + i));
    }
    RandomGenerator random = Randoms.seeded(3);
    PickContext ctx = new PickContext(Randoms.seeded(4));
    List<Backend> inflight = new ArrayList<>();
    int standing = 200;
    int overflowed = 0;
    for (int step = 0; step < 50_000; step++) {
      FakeRequest r =
          random.nextBoolean() ? hot.get(random.nextInt(3)) : cold.get(random.nextInt(1000));
      Backend b = p.pick(ctx.reset(r));
      if (b != unbounded.pick(ctx.reset(r))) {
        overflowed++;
      }
      b.load().requestStarted();
      inflight.add(b);
      long total = inflight.size();
      long bound = (long) Math.ceil(1.25 * total / n);
      assertThat(b.load().inflight()).as("step %d", step).isLessThanOrEqualTo((int) bound);
      if (inflight.size() > standing) {
        int k = random.nextInt(inflight.size());
        Backend done = inflight.get(k);
        inflight.set(k, inflight.get(inflight.size() - 1));
        inflight.remove(inflight.size() - 1);
        done.load().requestEnded();
        p.onResult(done, Pools.FakeResult.ok(1));
      }
    }
    // The hot keys really pushed their backends to the bound, and overflowed elsewhere.
    assertThat(overflowed).isGreaterThan(5_000);
  }

  @ParameterizedTest
  @ValueSource(strings = {"maglev", "ring-hash"})
  void withoutPressureKeysStayHome(String algorithm) {
    List<Backend> bs = Pools.backends(10);
    Picker bounded =
        Pools.balancer(
                algorithm, new FakeTicker(), HashOn.SOURCE_IP, 1, "hash-balance-factor", "150%")
            .update(Pools.endpoints(bs));
    Picker plain = Pools.balancer(algorithm).update(Pools.endpoints(bs));
    PickContext ctx = new PickContext(Randoms.seeded(1));
    for (int i = 0; i < 200; i++) {
      FakeRequest r = FakeRequest.from("10.9." + i / 200 + "." + i % 200);
      Backend b = bounded.pick(ctx.reset(r));
      assertThat(b).isSameAs(plain.pick(ctx.reset(r)));
      bounded.onResult(b, Pools.FakeResult.ok(1));
    }
  }
}
