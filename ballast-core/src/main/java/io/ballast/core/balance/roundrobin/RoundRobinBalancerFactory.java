package io.ballast.core.balance.roundrobin;

import io.ballast.core.balance.Balancer;
import io.ballast.core.balance.BalancerContext;
import io.ballast.core.balance.BalancerFactory;
import io.ballast.core.balance.PickContext;
import io.ballast.core.balance.Picker;
import io.ballast.core.config.OptionReader;
import io.ballast.core.model.Backend;
import io.ballast.core.model.Endpoint;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code round-robin}: each eligible backend in turn, ignoring weights. Exact over any window of N
 * requests when nothing changes.
 */
public final class RoundRobinBalancerFactory implements BalancerFactory {

  @Override
  public String name() {
    return "round-robin";
  }

  @Override
  public String description() {
    return "each backend in turn, weights ignored";
  }

  @Override
  public Object parseOptions(OptionReader options) {
    options.finish();
    return null;
  }

  @Override
  public Balancer create(Object options, BalancerContext context) {
    return new Balancer() {
      // The cursor survives updates so a health flap does not restart the rotation at backend 0.
      private final AtomicInteger cursor = new AtomicInteger();

      @Override
      public Picker update(List<Endpoint> eligible) {
        if (eligible.isEmpty()) {
          return Picker.EMPTY;
        }
        Backend[] backends = new Backend[eligible.size()];
        for (int i = 0; i < backends.length; i++) {
          backends[i] = eligible.get(i).backend();
        }
        return new RoundRobinPicker(backends, cursor);
      }
    };
  }

  static final class RoundRobinPicker implements Picker {
    private final Backend[] backends;
    private final AtomicInteger cursor;

    RoundRobinPicker(Backend[] backends, AtomicInteger cursor) {
      this.backends = backends;
      this.cursor = cursor;
    }

    @Override
    public Backend pick(PickContext context) {
      int n = backends.length;
      int start = Math.floorMod(cursor.getAndIncrement(), n);
      if (context.triedCount() == 0) {
        return backends[start];
      }
      for (int i = 0; i < n; i++) {
        Backend b = backends[(start + i) % n];
        if (!context.tried(b)) {
          return b;
        }
      }
      return backends[start];
    }
  }
}
