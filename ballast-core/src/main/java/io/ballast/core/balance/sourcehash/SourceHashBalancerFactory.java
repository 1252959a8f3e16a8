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
 * and Ravishankar, with Schindelhauer's logarithmic weighting). Every backend scores the key with
 * {@code -ln(u) / weight} where {@code u} is a hash of key and backend id, and the lowest score
 * wins.
 *
 * <p>Why rendezvous: removing a backend moves exactly its own keys (spread over the others by
 * weight), adding one takes exactly its weighted share, and changing one backend's weight moves
 * only the keys that backend gains or loses; there is no table or ring to size, and every node
 * agrees. The cost is one hash and one logarithm per backend per pick, O(n): the right trade for
 * the pools source affinity is used with (databases, desktops, a few dozen backends). For large
 * pools use {@code maglev}, which is O(1).
 */
public final class SourceHashBalancerFactory implements BalancerFactory {
  private static final long ID_SEED = 0x7372632d68617368L;

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

  /** Weighted highest-random-weight selection. */
  static final class RendezvousPicker implements Picker {
    private final Backend[] backends;
    private final long[] seeds;
    private final double[] inverseWeights;
    private final RequestHasher hasher;

    RendezvousPicker(Endpoints e, RequestHasher hasher) {
      this.backends = e.backends();
      this.hasher = hasher;
      this.seeds = new long[backends.length];
      this.inverseWeights = new double[backends.length];
      for (int i = 0; i < backends.length; i++) {
        seeds[i] = XxHash64.hash(backends[i].id(), ID_SEED);
        inverseWeights[i] = 1.0 / e.weights()[i];
      }
    }

    @Override
    public Backend pick(PickContext context) {
      long key = hasher.hash(context.request(), context.random());
      return backends[rank(key, context)];
    }

    /** The winning index for {@code key}, skipping tried backends unless all were tried. */
    int rank(long key, PickContext context) {
      boolean avoid = context != null && context.triedCount() > 0;
      int best = -1;
      int bestAny = -1;
      double bestScore = Double.POSITIVE_INFINITY;
      double bestAnyScore = Double.POSITIVE_INFINITY;
      for (int i = 0; i < backends.length; i++) {
        long h = RequestHasher.mix(key ^ seeds[i]);
        // u in (0, 1]: -ln(u) is an exponential variate; dividing by weight makes it a race.
        double u = ((h >>> 11) + 1) * 0x1.0p-53;
        double score = -Math.log(u) * inverseWeights[i];
        if (score < bestAnyScore) {
          bestAny = i;
          bestAnyScore = score;
        }
        if (avoid && context.tried(backends[i])) {
          continue;
        }
        if (score < bestScore) {
          best = i;
          bestScore = score;
        }
      }
      return best >= 0 ? best : bestAny;
    }
  }
}
