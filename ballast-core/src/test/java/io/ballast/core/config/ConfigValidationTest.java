package io.ballast.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ballast.core.balance.Balancer;
import io.ballast.core.balance.BalancerContext;
import io.ballast.core.balance.BalancerFactory;
import io.ballast.core.balance.BalancerRegistry;
import io.ballast.core.balance.Picker;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad configs: each asserts the exact, complete error output. */
class ConfigValidationTest {
  private static final BalancerRegistry REGISTRY = BalancerRegistry.defaults();

  private static List<String> errors(String yaml) {
    return errors(yaml, REGISTRY);
  }

  private static List<String> errors(String yaml, BalancerRegistry registry) {
    ConfigLoader.Result r = ConfigLoader.validate(yaml, "ballast.yaml", null, () -> "h", registry);
    assertThat(r.config()).isNull();
    return r.errors().stream().map(ConfigError::toString).toList();
  }

  /** The minimal config with its pool's only backend replaced. */
  private static String withBackend(String backend) {
    return """
        listeners:
          - { name: web, listen: 0.0.0.0:8080, pool: web }
        pools:
          - name: web
            backends:
              - %s
        """
        .formatted(backend);
  }

  @Test
  void portOutOfRange() {
    assertThat(errors(withBackend("{ id: web-1, address: 10.0.0.11:70000 }")))
        .containsExactly(
            "ballast.yaml:6 pools[0].backends[0].address: port 70000 is out of range 1..65535");
  }

  @Test
  void unknownKeyWithHint() {
    String yaml =
        """
        listeners:
          - { name: web, listen: 0.0.0.0:8080, pool: web }
        pools:
          - name: web
            backnds:
              - { id: web-1, address: 10.0.0.11:8080 }
        """;
    assertThat(errors(yaml))
        .containsExactly("ballast.yaml:5 pools[0].backnds: unknown key (did you mean 'backends'?)");
  }

  @Test
  void unknownKeyWithoutCloseMatchListsKnownKeys() {
    String yaml =
        """
        listeners:
          - { name: web, listen: 0.0.0.0:8080, pool: web }
        pools:
          - { name: web }
        hypervisors: []
        """;
    assertThat(errors(yaml))
        .containsExactly(
            "ballast.yaml:5 hypervisors: unknown key; known keys here: node, admin, logging,"
                + " listeners, pools");
  }

  @Test
  void badDuration() {
    String yaml =
        """
        listeners:
          - { name: web, listen: 0.0.0.0:8080, pool: web }
        pools:
          - name: web
            timeouts: { connect: 5x, response: 30 }
        """;
    assertThat(errors(yaml))
        .containsExactly(
            "ballast.yaml:5 pools[0].timeouts.connect: '5x' has an unknown unit 'x' (use ms, s, m,"
                + " h, d)",
            "ballast.yaml:5 pools[0].timeouts.response: '30' needs a unit (examples: 250ms, 30s,"
                + " 5m, 1h)");
  }

  @Test
  void badSizes() {
    String yaml =
        """
        listeners:
          - name: web
            listen: 0.0.0.0:8080
            pool: web
            limits:
              max-body: 10XB
              max-request-line: 32
              max-header-size: 1GiB
              max-headers: 0
        pools:
          - { name: web }
        """;
    assertThat(errors(yaml))
        .containsExactly(
            "ballast.yaml:6 listeners[0].limits.max-body: '10XB' has an unknown unit 'XB' (use B,"
                + " KiB, MiB, GiB, KB, MB, GB)",
            "ballast.yaml:7 listeners[0].limits.max-request-line: 32 is out of range 64..1MiB",
            "ballast.yaml:8 listeners[0].limits.max-header-size: 1GiB is out of range 1KiB..16MiB",
            "ballast.yaml:9 listeners[0].limits.max-headers: 0 is out of range 1..10000");
  }

  @Test
  void weightOutOfRange() {
    assertThat(errors(withBackend("{ id: web-1, address: 10.0.0.11:80, weight: -5 }")))
        .containsExactly("ballast.yaml:6 pools[0].backends[0].weight: -5 is out of range 0..10000");
    assertThat(errors(withBackend("{ id: web-1, address: 10.0.0.11:80, weight: 20000 }")))
        .containsExactly(
            "ballast.yaml:6 pools[0].backends[0].weight: 20000 is out of range 0..10000");
  }

  @Test
  void notAnInteger() {
    assertThat(errors(withBackend("{ id: web-1, address: 10.0.0.11:80, weight: abc }")))
        .containsExactly(
            "ballast.yaml:6 pools[0].backends[0].weight: expected an integer, got 'abc'");
    assertThat(errors(withBackend("{ id: web-1, address: 10.0.0.11:80, max-connections: 1.5 }")))
        .containsExactly(
            "ballast.yaml:6 pools[0].backends[0].max-connections: expected an integer, got '1.5'");
    assertThat(errors(withBackend("{ id: web-1, address: 10.0.0.11:80, max-connections: -1 }")))
        .containsExactly(
            "ballast.yaml:6 pools[0].backends[0].max-connections: must be at least 0, got -1");
    assertThat(
            errors(withBackend("{ id: a, address: 10.0.0.11:80, weight: 99999999999999999999 }")))
        .containsExactly(
            "ballast.yaml:6 pools[0].backends[0].weight: 99999999999999999999 is out of range"
                + " 0..10000");
  }

  @Test
  void missingRequiredFields() {
    String yaml =
        """
        listeners:
          - name: web
            pool: web
        pools:
          - name: web
            backends:
              - { address: 10.0.0.1:80 }
              - { id: b }
        """;
    assertThat(errors(yaml))
        .containsExactly(
            "ballast.yaml:2 listeners[0].listen: is required (host:port, such as 10.0.0.11:8080)",
            "ballast.yaml:7 pools[0].backends[0].id: is required",
            "ballast.yaml:8 pools[0].backends[1].address: is required (host:port, such as"
                + " 10.0.0.11:8080)");
  }

  @Test
  void missingSections() {
    assertThat(errors("node: { name: edge-1 }\n"))
        .containsExactly(
            "ballast.yaml:1 listeners: is required (at least one listener)",
            "ballast.yaml:1 pools: is required (at least one pool)");
  }

  @Test
  void listenerPoolReferenceToMissingPool() {
    String yaml =
        """
        listeners:
          - name: web
            listen: 0.0.0.0:8080
            pool: wbe
            routes:
              - { match: { path-prefix: /v2 }, pool: nope }
        pools:
          - { name: web }
          - { name: api }
        """;
    assertThat(errors(yaml))
        .containsExactly(
            "ballast.yaml:4 listeners[0].pool: no pool named 'wbe' (did you mean 'web'?); pools"
                + " are: web, api",
            "ballast.yaml:6 listeners[0].routes[0].pool: no pool named 'nope'; pools are: web,"
                + " api");
  }

  @Test
  void duplicatePoolNames() {
    String yaml =
        """
        listeners:
          - { name: web, listen: 0.0.0.0:8080, pool: web }
        pools:
          - name: web
          - name: api
          - name: web
        """;
    assertThat(errors(yaml))
        .containsExactly(
            "ballast.yaml:6 pools[2].name: duplicate pool name 'web'; first used at line 4");
  }

  @Test
  void duplicateBackendIds() {
    String yaml =
        """
        listeners:
          - { name: web, listen: 0.0.0.0:8080, pool: web }
        pools:
          - name: web
            backends:
              - { id: web-1, address: 10.0.0.1:80 }
              - { id: web-2, address: 10.0.0.2:80 }
              - { id: web-1, address: 10.0.0.3:80 }
        """;
    assertThat(errors(yaml))
        .containsExactly(
            "ballast.yaml:8 pools[0].backends[2].id: duplicate backend id 'web-1' in pool 'web';"
                + " first used at line 6");
  }

  @Test
  void duplicateListenAddressesAndNames() {
    String yaml =
        """
        listeners:
          - { name: web, listen: 0.0.0.0:8080, pool: web }
          - { name: web, listen: "*:8080", pool: web }
          - { name: local, listen: 127.0.0.1:8080, pool: web }
        pools:
          - { name: web }
        """;
    assertThat(errors(yaml))
        .containsExactly(
            "ballast.yaml:3 listeners[1].name: duplicate listener name 'web'; first used at line 2",
            "ballast.yaml:3 listeners[1].listen: 0.0.0.0:8080 is already used by listener 'web'"
                + " (line 2)",
            "ballast.yaml:4 listeners[2].listen: 127.0.0.1:8080 overlaps 0.0.0.0:8080 by listener"
                + " 'web' (line 2)");
  }

  @Test
  void listenerOnTheAdminAddress() {
    String yaml =
        """
        admin:
          listen: 127.0.0.1:8081
        listeners:
          - { name: web, listen: 0.0.0.0:8081, pool: web }
          - { name: web2, listen: 127.0.0.1:9090, pool: web }
        pools:
          - { name: web }
        """;
    assertThat(errors(yaml))
        .containsExactly(
            "ballast.yaml:4 listeners[0].listen: 0.0.0.0:8081 conflicts with admin.listen"
                + " 127.0.0.1:8081 (line 2)");
    String onDefault =
        """
        listeners:
          - { name: web, listen: 0.0.0.0:9090, pool: web }
        pools:
          - { name: web }
        """;
    assertThat(errors(onDefault))
        .containsExactly(
            "ballast.yaml:2 listeners[0].listen: 0.0.0.0:9090 conflicts with the admin API's"
                + " default address 127.0.0.1:9090 (set admin.listen)");
  }

  @Test
  void adminOnAPublicAddressNeedsAToken() {
    String yaml =
        """
        admin: { listen: 0.0.0.0:9090 }
        listeners:
          - { name: web, listen: 0.0.0.0:8080, pool: web }
        pools:
          - { name: web }
        """;
    assertThat(errors(yaml))
        .containsExactly(
            "ballast.yaml:1 admin.listen: 0.0.0.0:9090 is reachable from other machines; set"
                + " admin.token-file so the admin API requires a token, or listen on 127.0.0.1");
  }

  @Test
  void routeOnTcpListener() {
    String yaml =
        """
        listeners:
          - name: pg
            listen: 0.0.0.0:5432
            protocol: tcp
            pool: db
            routes:
              - { match: { host: db.example.com }, pool: db }
        pools:
          - { name: db }
        """;
    assertThat(errors(yaml))
        .containsExactly(
            "ballast.yaml:6 listeners[0].routes: routes need protocol: http (a tcp listener cannot"
                + " see hosts or paths)");
  }

  @Test
  void badRouteMatches() {
    String yaml =
        """
        listeners:
          - name: web
            listen: 0.0.0.0:8080
            pool: web
            routes:
              - { match: { path-prefix: api }, pool: web }
              - { match: { path-prefix: "/a?b" }, pool: web }
              - { match: { host: "api.example.com:8080" }, pool: web }
              - { match: { host: "api example" }, pool: web }
              - { match: {}, pool: web }
              - { pool: web }
        pools:
          - { name: web }
        """;
    assertThat(errors(yaml))
        .containsExactly(
            "ballast.yaml:6 listeners[0].routes[0].match.path-prefix: 'api' must start with '/'",
            "ballast.yaml:7 listeners[0].routes[1].match.path-prefix: '/a?b' must be a path only"
                + " (no query, fragment or spaces)",
            "ballast.yaml:8 listeners[0].routes[2].match.host: 'api.example.com:8080' must not"
                + " include a port (the listener has the port)",
            "ballast.yaml:9 listeners[0].routes[3].match.host: 'api example' is not a host name"
                + " (such as api.example.com or *.example.com)",
            "ballast.yaml:10 listeners[0].routes[4].match: needs a host, a path-prefix or both",
            "ballast.yaml:11 listeners[0].routes[5].match: is required (a host, a path-prefix or"
                + " both)");
  }

  @Test
  void unknownAlgorithmListsAvailable() {
    String yaml =
        """
        listeners:
          - { name: web, listen: 0.0.0.0:8080, pool: web }
        pools:
          - { name: web, algorithm: fastest }
          - { name: api, algorithm: round-robbin }
        """;
    assertThat(errors(yaml))
        .containsExactly(
            "ballast.yaml:4 pools[0].algorithm: unknown algorithm 'fastest'; available: "
                + "first, least-connections, least-request, load-report, maglev, p2c-ewma, random, ring-hash, round-robin, source-hash, weighted-round-robin",
            "ballast.yaml:5 pools[1].algorithm: unknown algorithm 'round-robbin' (did you mean"
                + " 'round-robin'?); available: "
                + "first, least-connections, least-request, load-report, maglev, p2c-ewma, random, ring-hash, round-robin, source-hash, weighted-round-robin");
  }

  @Test
  void badHashOn() {
    String yaml =
        """
        listeners:
          - { name: web, listen: 0.0.0.0:8080, pool: web }
        pools:
          - { name: web, hash-on: client-ip }
          - { name: api, hash-on: "header:" }
        """;
    assertThat(errors(yaml))
        .containsExactly(
            "ballast.yaml:4 pools[0].hash-on: 'client-ip' is not a hash key (use source-ip,"
                + " header:NAME, cookie:NAME, uri or query:NAME)",
            "ballast.yaml:5 pools[1].hash-on: 'header:' needs a name after 'header:' (for example"
                + " header:X-User)");
  }

  @Test
  void badEnumValues() {
    assertThat(errors(withBackend("{ id: a, address: 10.0.0.1:80, state: paused }")))
        .containsExactly(
            "ballast.yaml:6 pools[0].backends[0].state: unknown value 'paused'; expected one of:"
                + " active, draining, maintenance");
    assertThat(errors(withBackend("{ id: a, address: 10.0.0.1:80, state: maintainance }")))
        .containsExactly(
            "ballast.yaml:6 pools[0].backends[0].state: unknown value 'maintainance' (did you mean"
                + " 'maintenance'?); expected one of: active, draining, maintenance");
    String protocol =
        """
        listeners:
          - { name: web, listen: 0.0.0.0:8080, pool: web, protocol: HTTP }
        pools:
          - { name: web }
        """;
    assertThat(errors(protocol))
        .containsExactly(
            "ballast.yaml:2 listeners[0].protocol: unknown value 'HTTP' (did you mean 'http'?);"
                + " expected one of: http, tcp");
  }

  @Test
  void badSlowStart() {
    String yaml =
        """
        listeners:
          - { name: web, listen: 0.0.0.0:8080, pool: web }
        pools:
          - name: web
            slow-start: { aggression: 0, min-weight: 150% }
          - name: api
            slow-start: { window: 10s, min-weight: 1.5, aggresion: 2 }
          - name: db
            slow-start: fast
        """;
    assertThat(errors(yaml))
        .containsExactly(
            "ballast.yaml:5 pools[0].slow-start.window: is required (such as 30s)",
            "ballast.yaml:5 pools[0].slow-start.aggression: must be greater than 0 (1 ramps"
                + " linearly)",
            "ballast.yaml:5 pools[0].slow-start.min-weight: 150% is out of range 0%..100%",
            "ballast.yaml:7 pools[1].slow-start.min-weight: 1.5 is out of range 0%..100% (a plain"
                + " number is a fraction: 0.5 is 50%)",
            "ballast.yaml:7 pools[1].slow-start.aggresion: unknown key (did you mean"
                + " 'aggression'?)",
            "ballast.yaml:9 pools[2].slow-start: 'fast' is not a duration (examples: 250ms, 30s,"
                + " 5m, 1m30s)");
  }

  @Test
  void busyPollingIsTrueOrFalse() {
    String yaml =
        """
        node: { busy-polling: always }
        listeners:
          - { name: web, listen: 0.0.0.0:8080, pool: web }
        pools:
          - { name: web, backends: [ { id: w1, address: 10.0.0.1:80 } ] }
        """;
    assertThat(errors(yaml))
        .singleElement()
        .asString()
        .startsWith("ballast.yaml:1 node.busy-polling: expected true or false");
  }

  @Test
  void badNamesAndLogLevels() {
    String yaml =
        """
        node: { name: Edge 1, transport: kqueue }
        logging:
          level: verbose
          levels:
            io.ballast.proxy: debg
        listeners:
          - { name: Web, listen: 0.0.0.0:8080, pool: web }
        pools:
          - { name: -web }
        """;
    assertThat(errors(yaml))
        .containsExactly(
            "ballast.yaml:1 node.name: 'Edge 1' is not a valid name (use lower-case letters,"
                + " digits, '.', '_' and '-', starting with a letter or digit)",
            "ballast.yaml:1 node.transport: unknown value 'kqueue'; expected one of: auto, epoll,"
                + " nio",
            "ballast.yaml:3 logging.level: unknown level 'verbose'; expected one of: error, warn,"
                + " info, debug, trace, off",
            "ballast.yaml:5 logging.levels[\"io.ballast.proxy\"]: unknown level 'debg' (did you"
                + " mean 'debug'?); expected one of: error, warn, info, debug, trace, off",
            "ballast.yaml:7 listeners[0].name: 'Web' is not a valid name (use lower-case letters,"
                + " digits, '.', '_' and '-', starting with a letter or digit)",
            "ballast.yaml:7 listeners[0].pool: no pool named 'web' (did you mean '-web'?); pools"
                + " are: -web",
            "ballast.yaml:9 pools[0].name: '-web' is not a valid name (use lower-case letters,"
                + " digits, '.', '_' and '-', starting with a letter or digit)");
  }

  @Test
  void yamlSyntaxErrorWithLine() {
    String yaml =
        """
        listeners:
          - name: web
           listen: 0.0.0.0:8080
        """;
    assertThat(errors(yaml))
        .containsExactly(
            "ballast.yaml:3 invalid YAML: expected <block end>, but found '<block mapping start>'"
                + " (while parsing a block collection that starts at line 2); check the"
                + " indentation");
    assertThat(errors("pools: [ { name: web }\nlisteners: []\n"))
        .containsExactly(
            "ballast.yaml:2 invalid YAML: expected ',' or ']', but got <scalar> (while parsing a"
                + " flow sequence that starts at line 1)");
    assertThat(errors("\tpools: []\n"))
        .containsExactly(
            "ballast.yaml:1 invalid YAML: found character '\\t(TAB)' that cannot start any token."
                + " (Do not use \\t(TAB) for indentation) (while scanning for the next token)");
  }

  @Test
  void emptyFile() {
    assertThat(errors(""))
        .containsExactly(
            "ballast.yaml the file is empty (a config needs at least 'listeners' and 'pools')");
    assertThat(errors("# nothing yet\n\n"))
        .containsExactly(
            "ballast.yaml the file is empty (a config needs at least 'listeners' and 'pools')");
  }

  @Test
  void topLevelIsNotAMapping() {
    assertThat(errors("- listeners\n- pools\n"))
        .containsExactly(
            "ballast.yaml:1 expected a mapping with listeners:, pools: and other sections at the"
                + " top level, got a list");
  }

  @Test
  void wrongTypes() {
    String yaml =
        """
        admin: [ 127.0.0.1:9090 ]
        listeners:
          name: web
        pools:
          - name: web
            timeouts: [ 1s ]
            algorithm: { name: round-robin }
            backends:
              - 10.0.0.1:80
              - { id: a, address: [ 10.0.0.2:80 ], vm: { name: x } }
        """;
    assertThat(errors(yaml))
        .containsExactly(
            "ballast.yaml:1 admin: expected a mapping, got a list",
            "ballast.yaml:2 listeners: expected a list, got a mapping (start each list item with"
                + " '- ')",
            "ballast.yaml:6 pools[0].timeouts: expected a mapping, got a list",
            "ballast.yaml:7 pools[0].algorithm: expected a string, got a mapping",
            "ballast.yaml:9 pools[0].backends[0]: expected a mapping, got '10.0.0.1:80'",
            "ballast.yaml:10 pools[0].backends[1].address: expected an address host:port, got a"
                + " list",
            "ballast.yaml:10 pools[0].backends[1].vm: expected a string, got a mapping");
  }

  @Test
  void emptyValuesCountAsAbsent() {
    String yaml =
        """
        node:
        logging:
          levels:
            io.ballast.proxy:
        listeners:
          - name: web
            listen:
            pool: ''
        pools:
          - name: web
            backends:
        """;
    assertThat(errors(yaml))
        .containsExactly(
            "ballast.yaml:4 logging.levels[\"io.ballast.proxy\"]: needs a level: error, warn,"
                + " info, debug, trace, off",
            "ballast.yaml:7 listeners[0].listen: is required (host:port, such as 10.0.0.11:8080)",
            "ballast.yaml:8 listeners[0].pool: must not be empty");
  }

  @Test
  void badBooleanAndDuplicateYamlKey() {
    String yaml =
        """
        listeners:
          - name: web
            listen: 0.0.0.0:8080
            pool: web
            forwarded: { x-forwarded-for: maybe }
            pool: api
        pools:
          - { name: web }
        """;
    assertThat(errors(yaml))
        .containsExactly(
            "ballast.yaml:5 listeners[0].forwarded.x-forwarded-for: expected true or false, got"
                + " 'maybe'",
            "ballast.yaml:6 listeners[0].pool: duplicate key; first set at line 4");
  }

  @Test
  void multipleErrorsAllReportedInLineOrder() {
    String yaml =
        """
        listeners:
          - name: web
            listen: 0.0.0.0:80800
            pool: wbe
            protocl: http
        pools:
          - name: web
            algorithm: least-magic
            timeouts: { connect: soon }
            backends:
              - { id: web-1, address: 10.0.0.1:80, weight: 20000 }
              - { id: web-1, address: 10.0.0.2, state: gone }
        """;
    assertThat(errors(yaml))
        .containsExactly(
            "ballast.yaml:3 listeners[0].listen: port 80800 is out of range 1..65535",
            "ballast.yaml:4 listeners[0].pool: no pool named 'wbe' (did you mean 'web'?); pools"
                + " are: web",
            "ballast.yaml:5 listeners[0].protocl: unknown key (did you mean 'protocol'?)",
            "ballast.yaml:8 pools[0].algorithm: unknown algorithm 'least-magic'; available: "
                + "first, least-connections, least-request, load-report, maglev, p2c-ewma, random, ring-hash, round-robin, source-hash, weighted-round-robin",
            "ballast.yaml:9 pools[0].timeouts.connect: 'soon' is not a duration (examples: 250ms,"
                + " 30s, 5m, 1m30s)",
            "ballast.yaml:11 pools[0].backends[0].weight: 20000 is out of range 0..10000",
            "ballast.yaml:12 pools[0].backends[1].address: '10.0.0.2' is not host:port (missing"
                + " ':port')",
            "ballast.yaml:12 pools[0].backends[1].state: unknown value 'gone'; expected one of:"
                + " active, draining, maintenance",
            "ballast.yaml:12 pools[0].backends[1].id: duplicate backend id 'web-1' in pool 'web';"
                + " first used at line 11");
  }

  @Test
  void aliasToUnknownAnchorAndSecondDocument() {
    String yaml =
        """
        listeners:
          - { name: web, listen: 0.0.0.0:8080, pool: web }
        pools:
          - { name: web, timeouts: *nope }
        ---
        pools: []
        """;
    assertThat(errors(yaml))
        .containsExactly(
            "ballast.yaml:4 pools[0].timeouts: alias *nope refers to no anchor &nope above it",
            "ballast.yaml:6 a second YAML document starts here; a config file holds exactly one"
                + " document");
  }

  @Test
  void parseThrowsEveryError() {
    assertThatThrownBy(() -> ConfigLoader.parse("listeners: []\npools: []\n", "x.yaml", REGISTRY))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.errors())
                    .containsExactly(
                        new ConfigError("x.yaml", 1, "listeners", "needs at least one listener"),
                        new ConfigError("x.yaml", 2, "pools", "needs at least one pool")))
        .hasMessage(
            "x.yaml:1 listeners: needs at least one listener\nx.yaml:2 pools: needs at least one"
                + " pool");
  }

  /** An algorithm with options, registered for {@link #algorithmOptionsAreReadByThePlugin}. */
  public static final class OptionsFactory implements BalancerFactory {
    /** The parsed options. */
    public record Options(int choices, double bias) {}

    @Override
    public String name() {
      return "test-options";
    }

    @Override
    public String description() {
      return "test only";
    }

    @Override
    public Object parseOptions(OptionReader options) {
      Options o =
          new Options(options.integer("choices", 2, 1, 10), options.percent("bias", 0, 0, 1));
      options.finish();
      return o;
    }

    @Override
    public Balancer create(Object options, BalancerContext context) {
      return eligible -> Picker.EMPTY;
    }
  }

  @Test
  void algorithmOptionsAreReadByThePlugin(@TempDir Path dir) throws Exception {
    Path services = dir.resolve("META-INF/services/" + BalancerFactory.class.getName());
    Files.createDirectories(services.getParent());
    Files.writeString(services, OptionsFactory.class.getName() + "\n");
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      BalancerRegistry registry = BalancerRegistry.load(loader);
      String good =
          """
          listeners:
            - { name: web, listen: 0.0.0.0:8080, pool: web }
          pools:
            - name: web
              algorithm: test-options
              algorithm-options: { choices: 3, bias: 20% }
          """;
      ConfigLoader.Result ok = ConfigLoader.validate(good, "b.yaml", null, () -> "h", registry);
      assertThat(ok.errors()).isEmpty();
      assertThat(ok.config().pools().get(0).balancer().options())
          .isEqualTo(new OptionsFactory.Options(3, 0.2));

      String bad =
          """
          listeners:
            - { name: web, listen: 0.0.0.0:8080, pool: web }
          pools:
            - name: web
              algorithm: test-option
              algorithm-options: { choices: 30 }
            - name: api
              algorithm: test-options
              algorithm-options:
                choises: 3
                bias: lots
          """;
      assertThat(errors(bad, registry))
          .containsExactly(
              "ballast.yaml:5 pools[0].algorithm: unknown algorithm 'test-option' (did you mean"
                  + " 'test-options'?); available: "
                  + "first, least-connections, least-request, load-report, maglev, p2c-ewma, random, ring-hash, round-robin, source-hash, test-options, weighted-round-robin",
              "ballast.yaml:10 pools[1].algorithm-options.choises: unknown key (did you mean"
                  + " 'choices'?)",
              "ballast.yaml:11 pools[1].algorithm-options.bias: expected a percentage such as 10%"
                  + " or 0.1, got 'lots'");
      String roundRobinTakesNothing =
          """
          listeners:
            - { name: web, listen: 0.0.0.0:8080, pool: web }
          pools:
            - { name: web, algorithm-options: { choices: 2 } }
          """;
      assertThat(errors(roundRobinTakesNothing, registry))
          .containsExactly(
              "ballast.yaml:4 pools[0].algorithm-options.choices: unknown key (nothing is allowed"
                  + " here)");
    }
  }
}
