package io.ballast.core.health;

import io.ballast.core.config.HostPort;
import io.ballast.core.model.Backend;
import io.ballast.core.time.Ticker;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Test fixtures: a hand-moved clock and backends (never contacted). */
final class Fixtures {
  private Fixtures() {}

  /** A ticker tests move by hand; a lambda over a field, as policies only call nanoTime(). */
  static final class Clock {
    private long now = 5_000_000_000L;

    Ticker ticker() {
      return () -> now;
    }

    long now() {
      return now;
    }

    void advance(Duration d) {
      now += d.toNanos();
    }

    void advanceNanos(long nanos) {
      now += nanos;
    }

    void advanceMillis(long ms) {
      now += ms * 1_000_000L;
    }
  }

  static Backend backend(String id) {
    return backend("pool", id, null);
  }

  static Backend backend(String pool, String id, String host) {
    int port = Math.floorMod(id.hashCode(), 60000) + 1024;
    return new Backend(
        pool,
        id,
        new HostPort("127.0.0.1", port),
        InetSocketAddress.createUnresolved("127.0.0.1", port),
        null,
        host);
  }

  /** {@code b0..b(n-1)}. */
  static List<Backend> backends(int n) {
    List<Backend> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(backend("b" + i));
    }
    return out;
  }
}
