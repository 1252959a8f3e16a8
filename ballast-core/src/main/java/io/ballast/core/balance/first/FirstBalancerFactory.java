package io.ballast.core.balance.first;

import io.ballast.core.balance.Balancer;
import io.ballast.core.balance.BalancerContext;
import io.ballast.core.balance.BalancerFactory;
import io.ballast.core.balance.PickContext;
import io.ballast.core.balance.Picker;
import io.ballast.core.config.OptionReader;
import io.ballast.core.model.Backend;
import io.ballast.core.model.Endpoint;

/**
 * {@code first}: HAProxy's {@code balance first}. The first backend in configuration order with
 * room takes the request; the next one is used only once the first is full. Traffic is consolidated
 * on as few backends as possible, so the rest stay idle and the autoscaler can power their VMs off,
 * which is the point.
 *
 * <p>A backend's capacity is its {@code max-connections}, or {@code max-inflight-per-backend} when
 * it has none; requests in flight are what fill it. When every backend is full, the least loaded
 * relative to its capacity takes the request. Picks scan from the first backend, so they cost the
 * number of full backends in front of the first with room.
 */
public final class FirstBalancerFactory implements BalancerFactory {

  /**
   * Options.
   *
   * @param maxInflightPerBackend capacity of a backend without {@code max-connections} ({@code
   *     max-inflight-per-backend}, default 100)
   */
  public record Options(int maxInflightPerBackend) {
    /** The defaults. */
    public static final Options DEFAULT = new Options(100);
  }

  @Override
  public String name() {
    return "first";
  }

  @Override
  public String description() {
    return "fill the first backend up to its capacity, then the next (consolidates load)";
  }

  @Override
  public Object parseOptions(OptionReader options) {
    int max =
        options.integer(
            "max-inflight-per-backend", Options.DEFAULT.maxInflightPerBackend(), 1, 1_000_000);
    options.finish();
    return new Options(max);
  }

  @Override
  public Balancer create(Object options, BalancerContext context) {
    Options o = options instanceof Options opts ? opts : Options.DEFAULT;
    return eligible -> {
      if (eligible.isEmpty()) {
        return Picker.EMPTY;
      }
      Backend[] backends = new Backend[eligible.size()];
      int[] capacity = new int[backends.length];
      for (int i = 0; i < backends.length; i++) {
        Endpoint e = eligible.get(i);
        backends[i] = e.backend();
        capacity[i] = e.maxConnections() > 0 ? e.maxConnections() : o.maxInflightPerBackend();
      }
      return new FirstPicker(backends, capacity);
    };
  }

  /** First fit in configuration order. */
  static final class FirstPicker implements Picker {
    private final Backend[] backends;
    private final int[] capacity;

    FirstPicker(Backend[] backends, int[] capacity) {
      this.backends = backends;
      this.capacity = capacity;
    }

    @Override
    public Backend pick(PickContext context) {
      boolean avoid = context.triedCount() > 0;
      int least = -1;
      long leastLoad = 0;
      for (int i = 0; i < backends.length; i++) {
        Backend b = backends[i];
        if (avoid && context.tried(b)) {
          continue;
        }
        int inflight = b.load().inflight();
        if (inflight < capacity[i]) {
          return b;
        }
        // inflight / capacity, compared without division.
        if (least < 0 || (long) inflight * capacity[least] < leastLoad * capacity[i]) {
          least = i;
          leastLoad = inflight;
        }
      }
      return least >= 0 ? backends[least] : backends[0];
    }
  }
}
