package io.ballast.core.balance;

import io.ballast.core.model.Backend;
import io.ballast.core.time.Randoms;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * A closed-loop load simulation: each step picks a backend and starts a request on it; once {@code
 * standing} requests are in flight, each step also completes one in-flight request chosen at random
 * (so a backend finishes requests in proportion to how many it has, as with equal service times).
 */
public final class LoadSimulation {
  private final RandomGenerator random;
  private final List<Backend> inflight = new ArrayList<>();
  private final Map<Backend, Integer> picks = new IdentityHashMap<>();
  private final PickContext ctx;

  /** A simulation with its own seeded randomness. */
  public LoadSimulation(long seed) {
    this.random = Randoms.seeded(seed);
    this.ctx = new PickContext(Randoms.seeded(seed + 1));
  }

  /** Runs {@code steps} steps against {@code picker}; returns picks per backend. */
  public Map<Backend, Integer> run(Picker picker, int standing, int steps) {
    for (int s = 0; s < steps; s++) {
      Backend b = picker.pick(ctx.reset(null));
      b.load().requestStarted();
      inflight.add(b);
      picks.merge(b, 1, Integer::sum);
      if (inflight.size() > standing) {
        complete(picker);
      }
    }
    return picks;
  }

  /** Completes one random in-flight request. */
  public void complete(Picker picker) {
    int k = random.nextInt(inflight.size());
    Backend done = inflight.get(k);
    inflight.set(k, inflight.get(inflight.size() - 1));
    inflight.remove(inflight.size() - 1);
    done.load().requestEnded();
    picker.onResult(done, Pools.FakeResult.ok(1_000_000));
  }

  /** Forgets the pick counts (after a warm-up). */
  public void resetCounts() {
    picks.clear();
  }

  /** The largest in-flight count over {@code backends} divided by the mean. */
  public static double maxOverMean(List<Backend> backends) {
    long sum = 0;
    int max = 0;
    for (Backend b : backends) {
      sum += b.load().inflight();
      max = Math.max(max, b.load().inflight());
    }
    return max / ((double) sum / backends.size());
  }
}
