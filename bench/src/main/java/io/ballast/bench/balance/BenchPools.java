package io.ballast.bench.balance;

import io.ballast.core.balance.Balancer;
import io.ballast.core.balance.BalancerContext;
import io.ballast.core.balance.BalancerFactory;
import io.ballast.core.balance.BalancerRegistry;
import io.ballast.core.balance.HashOn;
import io.ballast.core.balance.RequestInfo;
import io.ballast.core.config.HostPort;
import io.ballast.core.model.AdminState;
import io.ballast.core.model.Backend;
import io.ballast.core.model.Endpoint;
import io.ballast.core.time.Randoms;
import io.ballast.core.time.Ticker;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Pools and requests for the balancing benchmarks. */
final class BenchPools {
  private BenchPools() {}

  /** {@code n} eligible endpoints with weights 50..150, deterministic. */
  static List<Endpoint> endpoints(int n) {
    SplittableRandom r = new SplittableRandom(42);
    List<Endpoint> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int port = 1024 + i % 60000;
      Backend b =
          new Backend(
              "bench",
              "backend-" + i,
              new HostPort("10.0.0.1", port),
              InetSocketAddress.createUnresolved("10.0.0.1", port),
              null,
              null);
      int w = 50 + r.nextInt(101);
      list.add(new Endpoint(b, w, w, AdminState.ACTIVE, true));
    }
    return list;
  }

  /** A balancer with default options, the system ticker and thread-local randomness. */
  static Balancer balancer(String algorithm) {
    BalancerFactory f = BalancerRegistry.defaults().get(algorithm);
    if (f == null) {
      throw new IllegalArgumentException("unknown algorithm " + algorithm);
    }
    return f.create(
        null,
        new BalancerContext("bench", Ticker.system(), Randoms.threadLocal(), HashOn.SOURCE_IP));
  }

  /** Requests from {@code n} distinct client addresses. */
  static RequestInfo[] requests(int n) {
    RequestInfo[] requests = new RequestInfo[n];
    for (int i = 0; i < n; i++) {
      InetSocketAddress client =
          new InetSocketAddress(
              "10." + ((i >> 16) & 255) + "." + ((i >> 8) & 255) + "." + (i & 255), 40000);
      requests[i] = new Request(client);
    }
    return requests;
  }

  /** A request known only by its client address, like an L4 connection. */
  record Request(InetSocketAddress clientAddress) implements RequestInfo {
    @Override
    public CharSequence header(CharSequence name) {
      return null;
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
}
