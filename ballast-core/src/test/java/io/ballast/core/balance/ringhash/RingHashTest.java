package io.ballast.core.balance.ringhash;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.core.balance.HashOn;
import io.ballast.core.balance.PickContext;
import io.ballast.core.balance.Picker;
import io.ballast.core.balance.Pools;
import io.ballast.core.balance.Pools.FakeRequest;
import io.ballast.core.balance.Pools.FakeTicker;
import io.ballast.core.model.Backend;
import io.ballast.core.time.Randoms;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RingHashTest {
  private static final HashOn BY_KEY = HashOn.parse("header:X-Key");
  private static final int KEYS = 100_000;

  private static Picker ring(List<Backend> bs, int minRingSize, int... weights) {
    return Pools.balancer(
            "ring-hash", new FakeTicker(), BY_KEY, 1, "min-ring-size", "" + minRingSize)
        .update(Pools.endpoints(bs, weights));
  }

  private static Backend[] assign(Picker p) {
    PickContext ctx = new PickContext(Randoms.seeded(1));
    Backend[] out = new Backend[KEYS];
    for (int k = 0; k < KEYS; k++) {
      out[k] = p.pick(ctx.reset(FakeRequest.withHeader("X-Key", "user-" + k)));
    }
    return out;
  }

  @Test
  void balanceWithAThousandPointsPerBackend() {
    List<Backend> bs = Pools.backends(10);
    RingHashPicker p = (RingHashPicker) ring(bs, 1024 * 10);
    assertThat(p.pointCounts(10)).containsOnly(1600); // 16 per unit of weight
    Map<Backend, Integer> c = new IdentityHashMap<>();
    for (Backend b : assign(p)) {
      c.merge(b, 1, Integer::sum);
    }
    int max = c.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
    assertThat(max / (KEYS / 10.0)).isLessThan(1.15);
  }

  @Test
  void pointsFollowWeights() {
    List<Backend> bs = Pools.backends(3);
    RingHashPicker p = (RingHashPicker) ring(bs, 1024, 1, 2, 3);
    // 1024 / 6 points per unit of weight, rounded up to a power of two: 256.
    assertThat(p.pointCounts(3)).containsExactly(256, 512, 768);
  }

  @Test
  void ringIsBoundedByMaxRingSize() {
    List<Backend> bs = Pools.backends(10);
    Picker p =
        Pools.balancer(
                "ring-hash",
                new FakeTicker(),
                BY_KEY,
                1,
                "min-ring-size",
                "1500",
                "max-ring-size",
                "1900")
            .update(Pools.endpoints(bs));
    int total = 0;
    for (int c : ((RingHashPicker) p).pointCounts(10)) {
      assertThat(c).isPositive();
      total += c;
    }
    assertThat(total).isLessThanOrEqualTo(1900);
  }

  @Test
  void removingOneBackendMovesOnlyItsKeys() {
    List<Backend> bs = Pools.backends(10);
    Backend[] before = assign(ring(bs, 10240));
    List<Backend> fewer = new ArrayList<>(bs);
    Backend gone = fewer.remove(4);
    Backend[] after = assign(ring(fewer, 10240));
    int moved = 0;
    for (int k = 0; k < KEYS; k++) {
      if (before[k] != after[k]) {
        moved++;
        assertThat(before[k]).isSameAs(gone);
      }
    }
    assertThat(moved / (double) KEYS).isBetween(0.08, 0.12);
  }
}
