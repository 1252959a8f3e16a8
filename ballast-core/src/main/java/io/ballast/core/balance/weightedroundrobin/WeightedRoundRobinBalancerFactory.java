package io.ballast.core.balance.weightedroundrobin;

import io.ballast.core.balance.Balancer;
import io.ballast.core.balance.BalancerContext;
import io.ballast.core.balance.BalancerFactory;
import io.ballast.core.balance.PickContext;
import io.ballast.core.balance.Picker;
import io.ballast.core.balance.internal.Endpoints;
import io.ballast.core.balance.internal.Retry;
import io.ballast.core.balance.internal.SmoothSchedule;
import io.ballast.core.config.OptionReader;
import io.ballast.core.model.Backend;
import io.ballast.core.model.Endpoint;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code weighted-round-robin}: NGINX's smooth weighted round robin. Weights {@code 5,1,1} give
 * {@code a a b a c a a}: each backend's turns are spread over the cycle instead of coming in
 * bursts, and every cycle is exact.
 *
 * <p>The cycle is precomputed on the control plane ({@link SmoothSchedule}) and walked with one
 * atomic cursor, so concurrent picks from every event loop keep exact proportions without a lock.
 * The cursor survives updates and starts at a random position, so a health flap does not restart
 * every node's rotation at the first backend.
 */
public final class WeightedRoundRobinBalancerFactory implements BalancerFactory {
  /** How far a retry walks the cycle for an untried backend before scanning the pool. */
  private static final int RETRY_WALK = 64;

  @Override
  public String name() {
    return "weighted-round-robin";
  }

  @Override
  public String description() {
    return "smooth weighted round robin (NGINX): exact weighted shares, interleaved";
  }

  @Override
  public Object parseOptions(OptionReader options) {
    options.finish();
    return null;
  }

  @Override
  public Balancer create(Object options, BalancerContext context) {
    AtomicLong cursor = new AtomicLong(context.random().nextInt(1 << 30));
    return eligible -> build(eligible, cursor);
  }

  static Picker build(List<Endpoint> eligible, AtomicLong cursor) {
    if (eligible.isEmpty()) {
      return Picker.EMPTY;
    }
    Endpoints e = Endpoints.of(eligible);
    int[] order = SmoothSchedule.build(e.weights());
    Backend[] sequence = new Backend[order.length];
    for (int i = 0; i < order.length; i++) {
      sequence[i] = e.backends()[order[i]];
    }
    return new WeightedRoundRobinPicker(sequence, e.backends(), cursor);
  }

  /** Walks a precomputed smooth cycle. */
  static final class WeightedRoundRobinPicker implements Picker {
    private final Backend[] sequence;
    private final Backend[] backends;
    private final AtomicLong cursor;

    WeightedRoundRobinPicker(Backend[] sequence, Backend[] backends, AtomicLong cursor) {
      this.sequence = sequence;
      this.backends = backends;
      this.cursor = cursor;
    }

    @Override
    public Backend pick(PickContext context) {
      int len = sequence.length;
      int at = (int) Long.remainderUnsigned(cursor.getAndIncrement(), len);
      Backend b = sequence[at];
      if (context.triedCount() == 0 || !context.tried(b)) {
        return b;
      }
      // A retry: the next untried backend in the cycle keeps the weighted order.
      int walk = Math.min(len, RETRY_WALK);
      for (int i = 1; i < walk; i++) {
        Backend next = sequence[(at + i) % len];
        if (!context.tried(next)) {
          return next;
        }
      }
      return Retry.untriedFrom(backends, at % backends.length, context);
    }

    /** The precomputed cycle (for tests). */
    Backend[] sequence() {
      return sequence;
    }
  }
}
