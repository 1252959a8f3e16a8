package io.ballast.testing;

import io.ballast.core.balance.BalancerFactory;
import io.ballast.core.balance.BalancerRegistry;
import io.ballast.core.balance.BalancerSpec;
import io.ballast.core.balance.HashOn;
import io.ballast.core.config.AdminConfig;
import io.ballast.core.config.BackendConfig;
import io.ballast.core.config.BallastConfig;
import io.ballast.core.config.ConnectionPoolConfig;
import io.ballast.core.config.ForwardedConfig;
import io.ballast.core.config.HealthConfig;
import io.ballast.core.config.HostPort;
import io.ballast.core.config.HttpLimits;
import io.ballast.core.config.ListenerConfig;
import io.ballast.core.config.ListenerTimeouts;
import io.ballast.core.config.LoggingConfig;
import io.ballast.core.config.NodeConfig;
import io.ballast.core.config.OptionReader;
import io.ballast.core.config.PersistenceConfig;
import io.ballast.core.config.PoolConfig;
import io.ballast.core.config.PoolLimits;
import io.ballast.core.config.PoolTimeouts;
import io.ballast.core.config.RetryConfig;
import io.ballast.core.config.RouteConfig;
import io.ballast.core.config.SlowStartConfig;
import io.ballast.core.model.AdminState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Builds configs in code for tests: one HTTP listener on 127.0.0.1 (port 0 unless set) and pools of
 * test backends. Every value not set is the production default.
 */
public final class TestConfigs {
  private final List<ListenerConfig> listeners = new ArrayList<>();
  private final List<PoolConfig> pools = new ArrayList<>();
  private NodeConfig node =
      new NodeConfig("test", 2, NodeConfig.Transport.AUTO, Duration.ofSeconds(5));

  private TestConfigs() {}

  /** A new builder. */
  public static TestConfigs builder() {
    return new TestConfigs();
  }

  /** One listener "web" on a free port in front of one pool "web" with these backends. */
  public static BallastConfig simple(String algorithm, TestBackend... backends) {
    return builder().listener("web", 0, "web").pool("web", algorithm, backends).build();
  }

  /** Sets node settings. */
  public TestConfigs node(NodeConfig node) {
    this.node = node;
    return this;
  }

  /** Adds an HTTP listener on 127.0.0.1:port with a default pool. */
  public TestConfigs listener(String name, int port, String pool) {
    return listener(name, port, pool, List.of(), UnaryOperator.identity());
  }

  /** Adds an HTTP listener with routes, adjusted by {@code tweak}. */
  public TestConfigs listener(
      String name,
      int port,
      String pool,
      List<RouteConfig> routes,
      UnaryOperator<ListenerConfig> tweak) {
    listeners.add(
        tweak.apply(
            new ListenerConfig(
                name,
                new HostPort("127.0.0.1", port),
                ListenerConfig.Protocol.HTTP,
                pool,
                routes,
                ForwardedConfig.defaults(),
                HttpLimits.defaults(),
                ListenerTimeouts.defaults(),
                0)));
    return this;
  }

  /** Adds a pool of test backends. */
  public TestConfigs pool(String name, String algorithm, TestBackend... backends) {
    return pool(name, algorithm, UnaryOperator.identity(), backends);
  }

  /** Adds a pool of test backends, adjusted by {@code tweak}. */
  public TestConfigs pool(
      String name, String algorithm, UnaryOperator<PoolConfig> tweak, TestBackend... backends) {
    List<BackendConfig> list = new ArrayList<>();
    for (TestBackend b : backends) {
      list.add(backend(b.id(), b.port(), BackendConfig.DEFAULT_WEIGHT));
    }
    return poolOf(name, algorithm, tweak, list);
  }

  /** Adds a pool with explicit backend configs. */
  public TestConfigs poolOf(
      String name,
      String algorithm,
      UnaryOperator<PoolConfig> tweak,
      List<BackendConfig> backends) {
    pools.add(
        tweak.apply(
            new PoolConfig(
                name,
                algorithm,
                balancer(algorithm),
                HashOn.SOURCE_IP,
                SlowStartConfig.OFF,
                PersistenceConfig.NONE,
                backends,
                PoolTimeouts.defaults(),
                ConnectionPoolConfig.defaults(),
                HealthConfig.defaults(),
                RetryConfig.defaults(),
                PoolLimits.defaults())));
    return this;
  }

  /** A backend config on 127.0.0.1. */
  public static BackendConfig backend(String id, int port, int weight) {
    return new BackendConfig(
        id, new HostPort("127.0.0.1", port), weight, null, null, AdminState.ACTIVE, 0);
  }

  /** The spec for an algorithm with default options. */
  public static BalancerSpec balancer(String algorithm) {
    BalancerFactory f = BalancerRegistry.defaults().get(algorithm);
    if (f == null) {
      throw new IllegalArgumentException("no algorithm " + algorithm);
    }
    return new BalancerSpec(f, f.parseOptions(new EmptyOptions("algorithm-options")));
  }

  /** Same pool with other timeouts. */
  public static PoolConfig withTimeouts(PoolConfig p, PoolTimeouts t) {
    return p.withTimeouts(t);
  }

  /** Same pool with other health settings. */
  public static PoolConfig withHealth(PoolConfig p, HealthConfig h) {
    return p.withHealth(h);
  }

  /** Same pool with other retry settings. */
  public static PoolConfig withRetries(PoolConfig p, RetryConfig r) {
    return p.withRetries(r);
  }

  /** Same pool with other limits. */
  public static PoolConfig withLimits(PoolConfig p, PoolLimits l) {
    return p.withLimits(l);
  }

  /** Same pool with session persistence. */
  public static PoolConfig withPersistence(PoolConfig p, PersistenceConfig persistence) {
    return p.withPersistence(persistence);
  }

  /** Same pool with another algorithm (default options). */
  public static PoolConfig withAlgorithm(PoolConfig p, String algorithm) {
    return p.withBalancer(algorithm, balancer(algorithm));
  }

  /** The same config with every listener on a free port of its host (for configs from YAML). */
  public static BallastConfig onFreePort(BallastConfig c) {
    List<ListenerConfig> listeners = new ArrayList<>();
    for (ListenerConfig l : c.listeners()) {
      listeners.add(
          new ListenerConfig(
              l.name(),
              HostPort.ephemeral(l.listen().host()),
              l.protocol(),
              l.pool(),
              l.routes(),
              l.forwarded(),
              l.limits(),
              l.timeouts(),
              l.maxConnections()));
    }
    return new BallastConfig(
        c.source(),
        c.node(),
        new AdminConfig(false, c.admin().listen(), null),
        c.logging(),
        listeners,
        c.pools());
  }

  /** Same listener with other timeouts. */
  public static ListenerConfig withTimeouts(ListenerConfig l, ListenerTimeouts t) {
    return new ListenerConfig(
        l.name(),
        l.listen(),
        l.protocol(),
        l.pool(),
        l.routes(),
        l.forwarded(),
        l.limits(),
        t,
        l.maxConnections());
  }

  /** Same listener with other limits. */
  public static ListenerConfig withLimits(ListenerConfig l, HttpLimits limits) {
    return new ListenerConfig(
        l.name(),
        l.listen(),
        l.protocol(),
        l.pool(),
        l.routes(),
        l.forwarded(),
        limits,
        l.timeouts(),
        l.maxConnections());
  }

  /** Same listener with other forwarding settings. */
  public static ListenerConfig withForwarded(ListenerConfig l, ForwardedConfig f) {
    return new ListenerConfig(
        l.name(),
        l.listen(),
        l.protocol(),
        l.pool(),
        l.routes(),
        f,
        l.limits(),
        l.timeouts(),
        l.maxConnections());
  }

  /** The config. */
  public BallastConfig build() {
    return new BallastConfig(
        null,
        node,
        new AdminConfig(false, new HostPort("127.0.0.1", 9090), null),
        LoggingConfig.defaults(),
        listeners,
        pools);
  }

  /** An option reader over an empty mapping: every read returns its default. */
  private record EmptyOptions(String path) implements OptionReader {
    @Override
    public Set<String> keys() {
      return Set.of();
    }

    @Override
    public boolean has(String key) {
      return false;
    }

    @Override
    public Optional<String> string(String key) {
      return Optional.empty();
    }

    @Override
    public String string(String key, String def) {
      return def;
    }

    @Override
    public String requiredString(String key) {
      throw new IllegalArgumentException(path + "." + key + " is required");
    }

    @Override
    public int integer(String key, int def, int min, int max) {
      return def;
    }

    @Override
    public double number(String key, double def, double min, double max) {
      return def;
    }

    @Override
    public double percent(String key, double def, double min, double max) {
      return def;
    }

    @Override
    public Duration duration(String key, Duration def) {
      return def;
    }

    @Override
    public long size(String key, long def, long min, long max) {
      return def;
    }

    @Override
    public boolean bool(String key, boolean def) {
      return def;
    }

    @Override
    public Optional<HostPort> address(String key) {
      return Optional.empty();
    }

    @Override
    public <E extends Enum<E>> E choice(String key, Class<E> type, E def) {
      return def;
    }

    @Override
    public OptionReader map(String key) {
      return new EmptyOptions(path + "." + key);
    }

    @Override
    public List<OptionReader> list(String key) {
      return List.of();
    }

    @Override
    public List<String> stringList(String key) {
      return List.of();
    }

    @Override
    public Map<String, String> stringMap(String key) {
      return Map.of();
    }

    @Override
    public void error(String key, String message) {
      throw new IllegalArgumentException(path + "." + key + ": " + message);
    }

    @Override
    public void error(String message) {
      throw new IllegalArgumentException(path + ": " + message);
    }

    @Override
    public void finish() {}
  }

  /**
   * The YAML of the runtime-operations config (the test's and the bench's): a listener on {@code
   * port} with pool {@code web} over {@code backendPorts} as b1, b2, ..., and, with {@code
   * extraPool}, a routed pool {@code extra} (what a reload adds).
   *
   * @param nodeLine the {@code node:} line, e.g. {@code "node: { name: ops }"}
   */
  public static String runtimeOpsYaml(
      String nodeLine,
      int port,
      int adminPort,
      List<Integer> backendPorts,
      String algorithm,
      boolean extraPool) {
    StringBuilder y = new StringBuilder(nodeLine).append('\n');
    y.append("admin: { listen: 127.0.0.1:").append(adminPort).append(" }\n");
    y.append("listeners:\n  - { name: web, listen: 127.0.0.1:").append(port).append(", pool: web");
    if (extraPool) {
      y.append(", routes: [ { match: { path-prefix: /extra }, pool: extra } ]");
    }
    y.append(" }\npools:\n  - name: web\n    algorithm: ").append(algorithm).append('\n');
    y.append("    backends:\n");
    for (int i = 0; i < backendPorts.size(); i++) {
      y.append("      - { id: b")
          .append(i + 1)
          .append(", address: 127.0.0.1:")
          .append(backendPorts.get(i))
          .append(" }\n");
    }
    if (extraPool) {
      y.append("  - name: extra\n    backends: [ { id: x1, address: 127.0.0.1:")
          .append(backendPorts.get(0))
          .append(" } ]\n");
    }
    return y.toString();
  }
}
