package io.ballast.core.balance.random;

import io.ballast.core.balance.Balancer;
import io.ballast.core.balance.BalancerContext;
import io.ballast.core.balance.BalancerFactory;
import io.ballast.core.balance.PickContext;
import io.ballast.core.balance.Picker;
import io.ballast.core.balance.internal.AliasTable;
import io.ballast.core.balance.internal.Endpoints;
import io.ballast.core.balance.internal.Retry;
import io.ballast.core.config.OptionReader;
import io.ballast.core.model.Backend;

/**
 * {@code random}: each request goes to a backend drawn with probability proportional to its weight
 * (Walker's alias method: O(1) per pick). Stateless, so it needs no coordination between event
 * loops or nodes; the baseline the smarter algorithms are measured against.
 */
public final class RandomBalancerFactory implements BalancerFactory {
  private static final int DRAWS = 4;

  @Override
  public String name() {
    return "random";
  }

  @Override
  public String description() {
    return "weighted random (alias method)";
  }

  @Override
  public Object parseOptions(OptionReader options) {
    options.finish();
    return null;
  }

  @Override
  public Balancer create(Object options, BalancerContext context) {
    return eligible -> eligible.isEmpty() ? Picker.EMPTY : new RandomPicker(Endpoints.of(eligible));
  }

  /** Weighted random over an alias table. */
  static final class RandomPicker implements Picker {
    private final Backend[] backends;
    private final AliasTable alias;

    RandomPicker(Endpoints endpoints) {
      this.backends = endpoints.backends();
      this.alias = AliasTable.of(endpoints.weights());
    }

    @Override
    public Backend pick(PickContext context) {
      int i = alias.sample(context.random());
      if (context.triedCount() == 0 || !context.tried(backends[i])) {
        return backends[i];
      }
      for (int d = 1; d < DRAWS; d++) {
        int j = alias.sample(context.random());
        if (!context.tried(backends[j])) {
          return backends[j];
        }
      }
      return Retry.untriedFrom(backends, i, context);
    }
  }
}
