package io.ballast.core.balance.sourcehash;

import io.ballast.core.balance.Balancer;
import io.ballast.core.balance.BalancerContext;
import io.ballast.core.balance.BalancerFactory;
import io.ballast.core.balance.PickContext;
import io.ballast.core.balance.Picker;
import io.ballast.core.balance.hash.RequestHasher;
import io.ballast.core.balance.hash.XxHash64;
import io.ballast.core.balance.internal.Endpoints;
import io.ballast.core.config.OptionReader;
import io.ballast.core.model.Backend;

/**
 * {@code source-hash}: the same client (or, with {@code hash-on:}, the same header, cookie or URI)
 * always reaches the same backend, by weighted rendezvous hashing (highest random weight; Thaler
 * and Ravishankar, with the logarithmic weighting of Schindelhauer and Schomaker). A candidate
 * scores the key with {@code -ln(u) / weight}, where {@code u} is a hash of key and candidate, and
 * the lowest score wins.
 *
 * <p>Why rendezvous: there is no table or ring to size, every node agrees, weights are exact in
 * expectation, and when a backend leaves only keys that were on it (or, see below, on its group)
 * move. Plain rendezvous scores every backend per pick, O(n); to bound that, backends are put in
 * {@value #GROUPS} groups by a hash of their id (so a backend's group never depends on the rest of
 * the pool): the key first picks a group by rendezvous over the groups' total weights, then a
 * backend within it. A pick scores at most {@value #GROUPS} groups plus one group's members: about
 * the same as plain rendezvous up to a hundred backends, some 200 scores at 10,000. Removing a
 * backend that shares its group moves its keys plus a few of its group-mates' (the group's weight
 * shrinks): between 1 and 2 times the minimum, typically 1.2. For pools of thousands, {@code
 * maglev} is O(1).
 */
public final class SourceHashBalancerFactory implements BalancerFactory {
  private static final long ID_SEED = 0x7372632d68617368L;
  private static final long GROUP_SEED = 0x67726f75702d6964L;

  /** Rendezvous groups. */
  static final int GROUPS = 128;

  @Override
  public String name() {
    return "source-hash";
  }

  @Override
  public String description() {
    return "weighted rendezvous hash of hash-on (default source-ip): stable, ~1/N moves on change";
  }

  @Override
  public Object parseOptions(OptionReader options) {
    options.finish();
    return null;
  }

  @Override
  public Balancer create(Object options, BalancerContext context) {
    RequestHasher hasher = new RequestHasher(context.hashOn());
    return eligible ->
        eligible.isEmpty() ? Picker.EMPTY : new RendezvousPicker(Endpoints.of(eligible), hasher);
  }

  /** Two-level weighted highest-random-weight selection. */
  static final class RendezvousPicker implements Picker {
    private final Backend[] backends;
    private final long[] seeds;
    private final double[] inverseWeights;
    // Non-empty groups: their seeds, inverse total weights and member indexes.
    private final long[] groupSeeds;
    private final double[] groupInverseWeights;
    private final int[][] members;
    private final RequestHasher hasher;

    RendezvousPicker(Endpoints e, RequestHasher hasher) {
      this.backends = e.backends();
      this.hasher = hasher;
      int n = backends.length;
      this.seeds = new long[n];
      this.inverseWeights = new double[n];
      long[] groupWeight = new long[GROUPS];
      int[] groupSize = new int[GROUPS];
      int[] groupOf = new int[n];
      for (int i = 0; i < n; i++) {
        seeds[i] = XxHash64.hash(backends[i].id(), ID_SEED);
        inverseWeights[i] = 1.0 / e.weights()[i];
        groupOf[i] = (int) (XxHash64.hash(backends[i].id(), GROUP_SEED) >>> 57);
        groupWeight[groupOf[i]] += e.weights()[i];
        groupSize[groupOf[i]]++;
      }
      int used = 0;
      int[] slot = new int[GROUPS];
      for (int g = 0; g < GROUPS; g++) {
        slot[g] = groupSize[g] > 0 ? used++ : -1;
      }
      this.groupSeeds = new long[used];
      this.groupInverseWeights = new double[used];
      this.members = new int[used][];
      for (int g = 0; g < GROUPS; g++) {
        if (slot[g] >= 0) {
          groupSeeds[slot[g]] = RequestHasher.mix(GROUP_SEED + g);
          groupInverseWeights[slot[g]] = 1.0 / groupWeight[g];
          members[slot[g]] = new int[groupSize[g]];
        }
      }
      int[] filled = new int[used];
      for (int i = 0; i < n; i++) {
        int s = slot[groupOf[i]];
        members[s][filled[s]++] = i;
      }
    }

    @Override
    public Backend pick(PickContext context) {
      long key = hasher.hash(context.request(), context.random());
      Backend b = backends[home(key)];
      if (context.triedCount() == 0 || !context.tried(b)) {
        return b;
      }
      return backends[rankAll(key, context)];
    }

    private static double score(long key, long seed, double inverseWeight) {
      long h = RequestHasher.mix(key ^ seed);
      // u in (0, 1]: -ln(u) is an exponential variate; dividing by weight makes it a race.
      double u = ((h >>> 11) + 1) * 0x1.0p-53;
      return -Math.log(u) * inverseWeight;
    }

    /** The key's backend: rendezvous over groups, then over the group's members. */
    int home(long key) {
      int bestGroup = 0;
      double best = Double.POSITIVE_INFINITY;
      for (int g = 0; g < groupSeeds.length; g++) {
        double s = score(key, groupSeeds[g], groupInverseWeights[g]);
        if (s < best) {
          best = s;
          bestGroup = g;
        }
      }
      int[] m = members[bestGroup];
      int winner = m[0];
      best = Double.POSITIVE_INFINITY;
      for (int i : m) {
        double s = score(key, seeds[i], inverseWeights[i]);
        if (s < best) {
          best = s;
          winner = i;
        }
      }
      return winner;
    }

    /** Retries only: the best-scoring untried backend over the whole pool, O(n). */
    private int rankAll(long key, PickContext context) {
      int best = -1;
      double bestScore = Double.POSITIVE_INFINITY;
      for (int i = 0; i < backends.length; i++) {
        if (context.tried(backends[i])) {
          continue;
        }
        double s = score(key, seeds[i], inverseWeights[i]);
        if (s < bestScore) {
          best = i;
          bestScore = s;
        }
      }
      return best >= 0 ? best : home(key);
    }
  }
}
