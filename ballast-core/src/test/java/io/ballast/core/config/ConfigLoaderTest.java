package io.ballast.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ballast.core.balance.BalancerRegistry;
import io.ballast.core.balance.HashOn;
import io.ballast.core.config.ListenerConfig.Protocol;
import io.ballast.core.config.NodeConfig.Transport;
import io.ballast.core.model.AdminState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Valid configs load with every value (or default) right. */
class ConfigLoaderTest {
  private static final BalancerRegistry REGISTRY = BalancerRegistry.defaults();

  static final String FULL =
      """
      node:
        name: edge-1
        event-loops: 4
        transport: epoll
        shutdown-grace: 45s
        busy-polling: true
      admin:
        enabled: true
        listen: 127.0.0.1:9191
        token-file: secrets/admin.token
      logging:
        level: warn
        levels:
          io.ballast.proxy: debug
          io.ballast.core: TRACE
      listeners:
        - name: web
          listen: 0.0.0.0:8080
          protocol: http
          pool: web
          routes:
            - match: { host: api.example.com, path-prefix: /api }
              pool: api
            - match: { host: "*.Static.example.com" }
              pool: web
          forwarded:
            x-forwarded-for: false
            x-forwarded-proto: false
            x-forwarded-host: false
            forwarded: true
            trust-incoming: true
          limits: { max-request-line: 16KiB, max-header-size: 64KiB, max-headers: 200, max-body: 10MiB }
          timeouts: { client-header: 5s, idle: 2m, client-body: 15s }
          max-connections: 10000
        - name: pg
          listen: 0.0.0.0:5433
          protocol: tcp
          pool: replicas
      pools:
        - name: web
          algorithm: round-robin
          algorithm-options: {}
          hash-on: header:X-User
          slow-start: { window: 1m, aggression: 1.5, min-weight: 25% }
          timeouts: { connect: 250ms, response: 10s, idle: 90s }
          connection-pool: { max-idle-per-backend: 16, idle-timeout: 30s }
          backends:
            - { id: web-1, address: 10.0.0.11:8080, weight: 100, vm: web-1, host: hv-a, state: active, max-connections: 500 }
            - { id: web-2, address: "[fd00::12]:8080", weight: 0, state: draining }
            - { id: web-3, address: web-3.lan:8080, weight: 10000, state: maintenance }
        - name: api
          slow-start: 30s
          backends: []
        - name: replicas
          hash-on: source-ip
          slow-start: { window: 10s, min-weight: 0.5 }
          backends:
            - { id: pg-1, address: 10.0.1.1:5432 }
      """;

  static final String MINIMAL =
      """
      listeners:
        - name: web
          listen: 0.0.0.0:8080
          pool: web
      pools:
        - name: web
          backends:
            - { id: web-1, address: 10.0.0.11:8080 }
      """;

  @Test
  void fullConfigLoadsEveryValue(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("ballast.yaml");
    Files.writeString(file, FULL);

    BallastConfig c = ConfigLoader.load(file, REGISTRY);

    assertThat(c.source()).isEqualTo(file);
    assertThat(c.node())
        .isEqualTo(new NodeConfig("edge-1", 4, Transport.EPOLL, Duration.ofSeconds(45), true));
    assertThat(c.admin())
        .isEqualTo(
            new AdminConfig(
                true,
                new HostPort("127.0.0.1", 9191),
                dir.toAbsolutePath().resolve("secrets/admin.token")));
    assertThat(c.logging())
        .isEqualTo(
            new LoggingConfig(
                "warn", Map.of("io.ballast.proxy", "debug", "io.ballast.core", "trace")));

    assertThat(c.listeners()).hasSize(2);
    ListenerConfig web = c.listener("web").orElseThrow();
    assertThat(web.listen()).isEqualTo(new HostPort("0.0.0.0", 8080));
    assertThat(web.protocol()).isEqualTo(Protocol.HTTP);
    assertThat(web.pool()).isEqualTo("web");
    assertThat(web.routes())
        .containsExactly(
            new RouteConfig(new RouteMatch("api.example.com", "/api"), "api"),
            new RouteConfig(new RouteMatch("*.static.example.com", null), "web"));
    assertThat(web.forwarded()).isEqualTo(new ForwardedConfig(false, false, false, true, true));
    assertThat(web.limits()).isEqualTo(new HttpLimits(16 * 1024, 64 * 1024, 200, 10L << 20));
    assertThat(web.timeouts())
        .isEqualTo(
            new ListenerTimeouts(
                Duration.ofSeconds(5), Duration.ofMinutes(2), Duration.ofSeconds(15)));
    assertThat(web.maxConnections()).isEqualTo(10000);

    ListenerConfig pg = c.listener("pg").orElseThrow();
    assertThat(pg.protocol()).isEqualTo(Protocol.TCP);
    assertThat(pg.pool()).isEqualTo("replicas");
    assertThat(pg.routes()).isEmpty();

    assertThat(c.pools()).extracting(PoolConfig::name).containsExactly("web", "api", "replicas");
    PoolConfig pool = c.pool("web").orElseThrow();
    assertThat(pool.algorithm()).isEqualTo("round-robin");
    assertThat(pool.balancer().factory()).isSameAs(REGISTRY.get("round-robin"));
    assertThat(pool.hashOn()).isEqualTo(new HashOn(HashOn.Source.HEADER, "X-User"));
    assertThat(pool.slowStart()).isEqualTo(new SlowStartConfig(Duration.ofMinutes(1), 1.5, 0.25));
    assertThat(pool.timeouts())
        .isEqualTo(
            new PoolTimeouts(
                Duration.ofMillis(250), Duration.ofSeconds(10), Duration.ofSeconds(90)));
    assertThat(pool.connectionPool())
        .isEqualTo(new ConnectionPoolConfig(16, Duration.ofSeconds(30)));
    assertThat(pool.backends())
        .containsExactly(
            new BackendConfig(
                "web-1",
                new HostPort("10.0.0.11", 8080),
                100,
                "web-1",
                "hv-a",
                AdminState.ACTIVE,
                500),
            new BackendConfig(
                "web-2", new HostPort("fd00::12", 8080), 0, null, null, AdminState.DRAINING, 0),
            new BackendConfig(
                "web-3",
                new HostPort("web-3.lan", 8080),
                10000,
                null,
                null,
                AdminState.MAINTENANCE,
                0));

    PoolConfig api = c.pool("api").orElseThrow();
    assertThat(api.slowStart())
        .isEqualTo(
            new SlowStartConfig(
                Duration.ofSeconds(30),
                SlowStartConfig.OFF.aggression(),
                SlowStartConfig.OFF.minWeight()));
    assertThat(api.backends()).isEmpty();
    PoolConfig replicas = c.pool("replicas").orElseThrow();
    assertThat(replicas.hashOn()).isEqualTo(HashOn.SOURCE_IP);
    assertThat(replicas.slowStart())
        .isEqualTo(new SlowStartConfig(Duration.ofSeconds(10), 1.0, 0.5));

    ConfigLoader.Result result = ConfigLoader.validate(file, REGISTRY);
    assertThat(result.ok()).isTrue();
    assertThat(result.warnings())
        .extracting(ConfigError::toString)
        .containsExactly(
            file
                + ":37 listeners[1].protocol: tcp listeners are not served by this version yet: `run` refuses them");
  }

  @Test
  void minimalConfigGetsEveryDefault() throws Exception {
    ConfigLoader.Result result =
        ConfigLoader.validate(MINIMAL, "ballast.yaml", null, () -> "host-7", REGISTRY);
    assertThat(result.errors()).isEmpty();
    assertThat(result.warnings()).isEmpty();
    BallastConfig c = result.orThrow();

    assertThat(c.source()).isNull();
    assertThat(c.node()).isEqualTo(NodeConfig.defaults("host-7"));
    assertThat(c.admin()).isEqualTo(AdminConfig.defaults());
    assertThat(c.logging()).isEqualTo(LoggingConfig.defaults());
    ListenerConfig l = c.listeners().get(0);
    assertThat(l)
        .isEqualTo(
            new ListenerConfig(
                "web",
                new HostPort("0.0.0.0", 8080),
                Protocol.HTTP,
                "web",
                java.util.List.of(),
                ForwardedConfig.defaults(),
                HttpLimits.defaults(),
                ListenerTimeouts.defaults(),
                0));
    PoolConfig p = c.pools().get(0);
    assertThat(p.name()).isEqualTo("web");
    assertThat(p.algorithm()).isEqualTo("round-robin");
    assertThat(p.balancer().name()).isEqualTo("round-robin");
    assertThat(p.balancer().options()).isNull();
    assertThat(p.hashOn()).isEqualTo(HashOn.SOURCE_IP);
    assertThat(p.slowStart()).isEqualTo(SlowStartConfig.OFF);
    assertThat(p.timeouts()).isEqualTo(PoolTimeouts.defaults());
    assertThat(p.connectionPool()).isEqualTo(ConnectionPoolConfig.defaults());
    assertThat(p.backends())
        .containsExactly(
            new BackendConfig(
                "web-1",
                new HostPort("10.0.0.11", 8080),
                BackendConfig.DEFAULT_WEIGHT,
                null,
                null,
                AdminState.ACTIVE,
                0));
  }

  @Test
  void parseDefaultsNodeNameToThisMachine() throws Exception {
    BallastConfig c = ConfigLoader.parse(MINIMAL, "ballast.yaml", REGISTRY);
    assertThat(c.node().name()).isEqualTo(ConfigLoader.localHostName()).isNotBlank();
    assertThat(c.node().name()).matches("[a-z0-9][a-z0-9._-]*");
  }

  @Test
  void hostNameIsOnlyAskedForWhenNeeded() throws Exception {
    ConfigLoader.Result r =
        ConfigLoader.validate(
            "node: { name: n1 }\n" + MINIMAL,
            "ballast.yaml",
            null,
            () -> {
              throw new AssertionError("asked for host name");
            },
            REGISTRY);
    assertThat(r.orThrow().node().name()).isEqualTo("n1");
  }

  @Test
  void anchorsAliasesAndMergeKeys() throws Exception {
    String yaml =
        """
        listeners:
          - { name: web, listen: 0.0.0.0:8080, pool: web }
          - { name: web2, listen: 0.0.0.0:8081, pool: web2 }
        pools:
          - name: web
            timeouts: &t { connect: 2s, response: 5s }
            backends: &b
              - { id: a, address: 10.0.0.1:80 }
          - name: web2
            timeouts:
              <<: *t
              response: 7s
            backends: *b
        """;
    BallastConfig c = ConfigLoader.parse(yaml, "ballast.yaml", REGISTRY);
    assertThat(c.pools().get(0).timeouts())
        .isEqualTo(
            new PoolTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(60)));
    assertThat(c.pools().get(1).timeouts())
        .isEqualTo(
            new PoolTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(7), Duration.ofSeconds(60)));
    assertThat(c.pools().get(1).backends()).isEqualTo(c.pools().get(0).backends());
  }

  @Test
  void lenientScalarsAreAccepted() throws Exception {
    String yaml =
        """
        listeners:
          - { name: web, listen: "0.0.0.0:8080", pool: web, max-connections: "100" }
        pools:
          - name: web
            slow-start: 0
            backends:
              - { id: 1, address: 10.0.0.1:80, weight: '5', vm: 42 }
        """;
    BallastConfig c = ConfigLoader.parse(yaml, "ballast.yaml", REGISTRY);
    assertThat(c.listeners().get(0).maxConnections()).isEqualTo(100);
    assertThat(c.pools().get(0).slowStart()).isEqualTo(SlowStartConfig.OFF);
    BackendConfig b = c.pools().get(0).backends().get(0);
    assertThat(b.id()).isEqualTo("1");
    assertThat(b.weight()).isEqualTo(5);
    assertThat(b.vm()).isEqualTo("42");
  }

  @Test
  void warningsDoNotFailTheConfig() throws Exception {
    String yaml =
        """
        listeners:
          - name: pg
            listen: 0.0.0.0:5432
            protocol: tcp
            pool: db
            forwarded: { x-forwarded-for: true }
            timeouts: { client-header: 5s, idle: 1h }
        pools:
          - name: db
            backends:
              - { id: a, address: 10.0.0.1:5432 }
              - { id: b, address: 10.0.0.1:5432 }
          - name: spare
        """;
    ConfigLoader.Result r = ConfigLoader.validate(yaml, "ballast.yaml", null, () -> "h", REGISTRY);
    assertThat(r.ok()).isTrue();
    assertThat(r.config()).isNotNull();
    assertThat(r.warnings())
        .extracting(ConfigError::toString)
        .containsExactly(
            "ballast.yaml:4 listeners[0].protocol: tcp listeners are not served by this version yet: `run` refuses them",
            "ballast.yaml:6 listeners[0].forwarded: has no effect on a tcp listener",
            "ballast.yaml:7 listeners[0].timeouts.client-header: has no effect on a tcp listener",
            "ballast.yaml:12 pools[0].backends[1].address: 10.0.0.1:5432 is also the address of"
                + " backend 'a'",
            "ballast.yaml:13 pools[1]: pool 'spare' is not used by any listener or route");
  }

  @Test
  void loadReportsTheFileNameAsGiven(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "pools: []\n");
    assertThatThrownBy(() -> ConfigLoader.load(file, REGISTRY))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            file
                + ":1 listeners: is required (at least one listener)\n"
                + file
                + ":1 pools: needs at least one pool");
  }

  @Test
  void loadRejectsNonUtf8(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("latin1.yaml");
    Files.write(file, new byte[] {'a', ':', ' ', (byte) 0xE9, '\n'});
    ConfigLoader.Result r = ConfigLoader.validate(file, REGISTRY);
    assertThat(r.errors())
        .extracting(ConfigError::toString)
        .containsExactly(file + " is not UTF-8 text");
  }
}
