package io.ballast.core.balance;

import io.ballast.core.config.HostPort;
import io.ballast.core.model.AdminState;
import io.ballast.core.model.Backend;
import io.ballast.core.model.Endpoint;
import io.ballast.core.time.Randoms;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Test fixtures: backends, endpoints, balancers and a fake ticker. */
public final class Pools {
  private Pools() {}

  /** A backend named {@code id} at a loopback address (never contacted). */
  public static Backend backend(String id) {
    int n = Math.floorMod(id.hashCode(), 60000) + 1024;
    return new Backend(
        "pool",
        id,
        new HostPort("127.0.0.1", n),
        InetSocketAddress.createUnresolved("127.0.0.1", n),
        null,
        null);
  }

  /** {@code n} backends named {@code b0..b(n-1)}. */
  public static List<Backend> backends(int n) {
    List<Backend> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(backend("b" + i));
    }
    return list;
  }

  /** An eligible endpoint. */
  public static Endpoint endpoint(Backend b, int weight) {
    return new Endpoint(b, weight, weight, AdminState.ACTIVE, true);
  }

  /** Eligible endpoints over {@code backends} with the given weights (or 100 each). */
  public static List<Endpoint> endpoints(List<Backend> backends, int... weights) {
    List<Endpoint> list = new ArrayList<>();
    for (int i = 0; i < backends.size(); i++) {
      list.add(endpoint(backends.get(i), weights.length == 0 ? 100 : weights[i]));
    }
    return list;
  }

  /** The registered factory named {@code name}. */
  public static BalancerFactory factory(String name) {
    BalancerFactory f = BalancerRegistry.defaults().get(name);
    if (f == null) {
      throw new IllegalArgumentException("no algorithm " + name);
    }
    return f;
  }

  /** A balancer for {@code name} with options parsed from {@code keyValues}. */
  public static Balancer balancer(
      String name, FakeTicker ticker, HashOn hashOn, long seed, String... keyValues) {
    BalancerFactory f = factory(name);
    MapOptionReader r = MapOptionReader.of(keyValues);
    Object options = f.parseOptions(r);
    if (!r.errors().isEmpty()) {
      throw new IllegalArgumentException(r.errors().toString());
    }
    return f.create(options, new BalancerContext("pool", ticker, Randoms.seeded(seed), hashOn));
  }

  /** A balancer with default options. */
  public static Balancer balancer(String name) {
    return balancer(name, new FakeTicker(), HashOn.SOURCE_IP, 1);
  }

  /** Counts picks per backend. */
  public static Map<Backend, Integer> count(Picker picker, PickContext ctx, int picks) {
    Map<Backend, Integer> counts = new IdentityHashMap<>();
    for (int i = 0; i < picks; i++) {
      counts.merge(picker.pick(ctx.reset(null)), 1, Integer::sum);
    }
    return counts;
  }

  /** A manually advanced ticker. */
  public static final class FakeTicker implements io.ballast.core.time.Ticker {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Override
    public long nanoTime() {
      return now.get();
    }

    /** Moves time forward. */
    public void advance(java.time.Duration d) {
      now.addAndGet(d.toNanos());
    }

    /** Moves time forward by nanoseconds. */
    public void advanceNanos(long nanos) {
      now.addAndGet(nanos);
    }
  }

  /** A request with only a client address and optional header. */
  public record FakeRequest(InetSocketAddress clientAddress, String headerName, String headerValue)
      implements RequestInfo {

    /** A request from {@code ip}. */
    public static FakeRequest from(String ip) {
      return new FakeRequest(new InetSocketAddress(ip, 40000), null, null);
    }

    /** A request carrying {@code name: value}. */
    public static FakeRequest withHeader(String name, String value) {
      return new FakeRequest(new InetSocketAddress("10.0.0.1", 40000), name, value);
    }

    @Override
    public CharSequence header(CharSequence name) {
      return headerName != null && headerName.contentEquals(name) ? headerValue : null;
    }

    @Override
    public CharSequence cookie(CharSequence name) {
      return null;
    }

    @Override
    public CharSequence uri() {
      return null;
    }

    @Override
    public CharSequence queryParameter(CharSequence name) {
      return null;
    }
  }

  /** A result with a latency, a status and optionally one response header. */
  public record FakeResult(long latencyNanos, int status, boolean failed, String name, String value)
      implements RequestResult {

    /** A 200 after {@code latencyNanos}. */
    public static FakeResult ok(long latencyNanos) {
      return new FakeResult(latencyNanos, 200, false, null, null);
    }

    /** A 200 carrying {@code name: value}. */
    public static FakeResult withHeader(String name, String value) {
      return new FakeResult(1_000_000, 200, false, name, value);
    }

    @Override
    public CharSequence responseHeader(CharSequence n) {
      return name != null && name.contentEquals(n) ? value : null;
    }
  }
}
