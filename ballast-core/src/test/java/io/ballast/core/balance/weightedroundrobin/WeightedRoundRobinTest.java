package io.ballast.core.balance.weightedroundrobin;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.core.balance.PickContext;
import io.ballast.core.balance.Picker;
import io.ballast.core.balance.Pools;
import io.ballast.core.model.Backend;
import io.ballast.core.time.Randoms;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WeightedRoundRobinTest {

  @Test
  void fiveOneOneIsSmooth() {
    List<Backend> bs = Pools.backends(3);
    Picker p = Pools.balancer("weighted-round-robin").update(Pools.endpoints(bs, 5, 1, 1));
    PickContext ctx = new PickContext(Randoms.seeded(1));
    List<Backend> picked = new ArrayList<>();
    for (int i = 0; i < 14; i++) {
      picked.add(p.pick(ctx.reset(null)));
    }
    Backend a = bs.get(0);
    Backend b = bs.get(1);
    Backend c = bs.get(2);
    List<Backend> cycle = List.of(a, a, b, a, c, a, a);
    // The cursor starts at a random point of the cycle: the picks are a rotation of it.
    boolean rotation = false;
    for (int r = 0; r < 7; r++) {
      List<Backend> rotated = new ArrayList<>(cycle);
      Collections.rotate(rotated, -r);
      rotated.addAll(new ArrayList<>(rotated));
      rotation |= rotated.equals(picked);
    }
    assertThat(rotation).as("picks %s", picked).isTrue();
  }

  @Test
  void exactProportionsAndShortRunsOverACycle() {
    List<Backend> bs = Pools.backends(4);
    Picker p =
        WeightedRoundRobinBalancerFactory.build(
            Pools.endpoints(bs, 50, 30, 15, 5), new AtomicLong());
    Backend[] seq = ((WeightedRoundRobinBalancerFactory.WeightedRoundRobinPicker) p).sequence();
    assertThat(seq).hasSize(20); // 100 / gcd 5
    PickContext ctx = new PickContext(Randoms.seeded(1));
    Map<Backend, Integer> counts = Pools.count(p, ctx, 20 * 50);
    assertThat(counts.get(bs.get(0))).isEqualTo(500);
    assertThat(counts.get(bs.get(1))).isEqualTo(300);
    assertThat(counts.get(bs.get(2))).isEqualTo(150);
    assertThat(counts.get(bs.get(3))).isEqualTo(50);
    // Smooth: the heaviest backend (half the traffic) never runs more than twice in a row.
    int run = 1;
    int maxRun = 1;
    for (int i = 1; i < seq.length * 2; i++) {
      run = seq[i % seq.length] == seq[(i - 1) % seq.length] ? run + 1 : 1;
      maxRun = Math.max(maxRun, run);
    }
    assertThat(maxRun).isLessThanOrEqualTo(2);
  }

  @Test
  void concurrentPicksKeepExactProportions() throws Exception {
    List<Backend> bs = Pools.backends(3);
    Picker p = Pools.balancer("weighted-round-robin").update(Pools.endpoints(bs, 5, 1, 1));
    int threads = 4;
    int perThread = 7 * 25_000;
    Map<Backend, AtomicLong> counts = new ConcurrentHashMap<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      long seed = t;
      Thread w =
          new Thread(
              () -> {
                PickContext ctx = new PickContext(Randoms.seeded(seed));
                long[] local = new long[3];
                try {
                  start.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
                for (int i = 0; i < perThread; i++) {
                  local[bs.indexOf(p.pick(ctx.reset(null)))]++;
                }
                for (int i = 0; i < 3; i++) {
                  counts.computeIfAbsent(bs.get(i), k -> new AtomicLong()).addAndGet(local[i]);
                }
              });
      workers.add(w);
      w.start();
    }
    start.countDown();
    for (Thread w : workers) {
      w.join();
    }
    long cycles = (long) threads * perThread / 7;
    assertThat(counts.get(bs.get(0)).get()).isEqualTo(5 * cycles);
    assertThat(counts.get(bs.get(1)).get()).isEqualTo(cycles);
    assertThat(counts.get(bs.get(2)).get()).isEqualTo(cycles);
  }

  @Test
  void cursorSurvivesUpdates() {
    List<Backend> bs = Pools.backends(2);
    var balancer = Pools.balancer("weighted-round-robin");
    PickContext ctx = new PickContext(Randoms.seeded(1));
    Backend first = balancer.update(Pools.endpoints(bs, 1, 1)).pick(ctx.reset(null));
    Backend second = balancer.update(Pools.endpoints(bs, 1, 1)).pick(ctx.reset(null));
    assertThat(second).isNotSameAs(first);
  }
}
