package io.ballast.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.core.balance.BalancerRegistry;
import io.ballast.core.config.ActiveCheckConfig.CheckType;
import io.ballast.core.config.HealthConfig.InitState;
import io.ballast.core.config.RetryConfig.Condition;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code health:}, {@code retries:} and {@code limits:} on a pool: values, defaults, errors. */
class HealthConfigTest {
  private static final BalancerRegistry REGISTRY = BalancerRegistry.defaults();

  /** A config whose only pool has {@code poolBody} (indented under the pool) added. */
  private static String pool(String poolBody) {
    StringBuilder sb =
        new StringBuilder(
            """
            listeners:
              - { name: web, listen: 0.0.0.0:8080, pool: web }
            pools:
              - name: web
            """);
    for (String line : poolBody.split("\n", -1)) {
      if (!line.isEmpty()) {
        sb.append("    ").append(line).append('\n');
      }
    }
    return sb.toString();
  }

  private static ConfigLoader.Result validate(String yaml) {
    return ConfigLoader.validate(yaml, "ballast.yaml", null, () -> "h", REGISTRY);
  }

  private static PoolConfig load(String poolBody) {
    ConfigLoader.Result r = validate(pool(poolBody));
    assertThat(r.errors()).isEmpty();
    return r.config().pools().get(0);
  }

  private static List<String> errors(String poolBody) {
    ConfigLoader.Result r = validate(pool(poolBody));
    assertThat(r.config()).isNull();
    return r.errors().stream().map(ConfigError::toString).toList();
  }

  private static List<String> warnings(String poolBody) {
    ConfigLoader.Result r = validate(pool(poolBody));
    assertThat(r.errors()).isEmpty();
    return r.warnings().stream().map(ConfigError::toString).toList();
  }

  // ---- defaults ----

  @Test
  void defaultsWhenAbsent() {
    PoolConfig p = load("backends: []");
    assertThat(p.health()).isEqualTo(HealthConfig.defaults());
    assertThat(p.health().active()).isNull();
    assertThat(p.health().hasActiveChecks()).isFalse();
    assertThat(p.health().panicThreshold()).isEqualTo(0.5);
    assertThat(p.health().initState()).isEqualTo(InitState.UP);
    PassiveHealthConfig passive = p.health().passive();
    assertThat(passive.consecutiveErrors()).isEqualTo(5);
    assertThat(passive.consecutiveGatewayErrors()).isZero();
    assertThat(passive.errorStatuses()).isEqualTo(StatusSet.range(500, 599));
    assertThat(passive.interval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(passive.ejection()).isEqualTo(Duration.ofSeconds(30));
    assertThat(passive.maxEjection()).isEqualTo(Duration.ofSeconds(300));
    assertThat(passive.maxEjected()).isEqualTo(0.5);
    assertThat(passive.successRate()).isNull();
    assertThat(passive.failurePercentage()).isNull();
    assertThat(passive.enabled()).isTrue();

    RetryConfig retries = p.retries();
    assertThat(retries).isEqualTo(RetryConfig.defaults());
    assertThat(retries.attempts()).isEqualTo(2);
    assertThat(retries.budget()).isEqualTo(0.09);
    assertThat(retries.minRetriesPerSecond()).isEqualTo(3);
    assertThat(retries.on()).isEqualTo(EnumSet.allOf(Condition.class));
    assertThat(retries.statuses()).isEqualTo(StatusSet.of(502, 503, 504));
    assertThat(retries.perTryTimeout()).isZero();
    assertThat(retries.buffer()).isEqualTo(64 * 1024);
    assertThat(retries.idempotentOnly()).isTrue();

    assertThat(p.limits()).isEqualTo(new PoolLimits(0, 1024, 0, Duration.ofSeconds(5)));
    assertThat(p.limits().limited()).isFalse();
  }

  @Test
  void activeCheckDefaultsPerType() {
    ActiveCheckConfig http = load("health: { active: { type: http } }").health().active();
    assertThat(http).isEqualTo(ActiveCheckConfig.http(HttpCheckConfig.defaults()));
    assertThat(http.interval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(http.fastInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(http.downInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(http.jitter()).isEqualTo(0.1);
    assertThat(http.timeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(http.rise()).isEqualTo(2);
    assertThat(http.fall()).isEqualTo(3);
    assertThat(http.port()).isZero();
    assertThat(http.portFor(8080)).isEqualTo(8080);
    assertThat(http.http())
        .isEqualTo(new HttpCheckConfig("GET", "/healthz", null, StatusSet.range(200, 399), null));
    assertThat(http.agent()).isNull();

    assertThat(load("health: { active: { type: tcp } }").health().active())
        .isEqualTo(ActiveCheckConfig.tcp());
  }

  @Test
  void fastIntervalDefaultsToAQuarterAtLeast100ms() {
    assertThat(fast("8s")).isEqualTo(Duration.ofSeconds(2));
    assertThat(fast("1s")).isEqualTo(Duration.ofMillis(250));
    assertThat(fast("200ms")).isEqualTo(Duration.ofMillis(100));
    assertThat(fast("50ms")).isEqualTo(Duration.ofMillis(50)); // never longer than the interval
    ActiveCheckConfig c = load("health: { active: { type: tcp, interval: 8s } }").health().active();
    assertThat(c.downInterval()).isEqualTo(Duration.ofSeconds(8));
  }

  private static Duration fast(String interval) {
    return load("health: { active: { type: tcp, interval: " + interval + " } }")
        .health()
        .active()
        .fastInterval();
  }

  // ---- full values ----

  @Test
  void everyHttpCheckValue() {
    PoolConfig p =
        load(
            """
            health:
              active:
                type: http
                interval: 5s
                fast-interval: 1s
                down-interval: 30s
                jitter: 20%
                timeout: 800ms
                rise: 3
                fall: 2
                port: 9000
                method: HEAD
                path: /status?full=1
                host: app.example.com
                expect-status: [200, 204, "300-302"]
              passive: { consecutive-errors: 0 }
              panic-threshold: 30%
              init-state: down
            """);
    ActiveCheckConfig a = p.health().active();
    assertThat(a)
        .isEqualTo(
            new ActiveCheckConfig(
                CheckType.HTTP,
                Duration.ofSeconds(5),
                Duration.ofSeconds(1),
                Duration.ofSeconds(30),
                0.2,
                Duration.ofMillis(800),
                3,
                2,
                9000,
                new HttpCheckConfig(
                    "HEAD",
                    "/status?full=1",
                    "app.example.com",
                    StatusSet.of(200, 204, 300, 301, 302),
                    null),
                null,
                null));
    assertThat(a.portFor(8080)).isEqualTo(9000);
    assertThat(a.http().expectStatus().toString()).isEqualTo("200,204,300-302");
    assertThat(p.health().panicThreshold()).isEqualTo(0.3);
    assertThat(p.health().initState()).isEqualTo(InitState.DOWN);
    assertThat(p.health().passive().enabled()).isFalse();
  }

  @Test
  void expectStatusForms() {
    assertThat(status("200")).isEqualTo(StatusSet.of(200));
    assertThat(status("\"200-204\"")).isEqualTo(StatusSet.range(200, 204));
    assertThat(status("\"200,204,300-399\"").toString()).isEqualTo("200,204,300-399");
    assertThat(status("[ 200, 301-302 ]")).isEqualTo(StatusSet.of(200, 301, 302));
  }

  private static StatusSet status(String value) {
    return load("health: { active: { type: http, expect-status: " + value + " } }")
        .health()
        .active()
        .http()
        .expectStatus();
  }

  @Test
  void httpBodyCheck() {
    HttpCheckConfig h =
        load("health: { active: { type: http, expect-body: ok } }").health().active().http();
    assertThat(h.expectBody()).isEqualTo("ok");
  }

  @Test
  void tcpExpectWithEscapes() {
    TcpExpectConfig doubleQuoted =
        load("""
                health: { active: { type: tcp-expect, send: "PING\\r\\n", expect: "+PONG" } }
                """)
            .health()
            .active()
            .tcpExpect();
    assertThat(doubleQuoted.send().bytes()).isEqualTo("PING\r\n".getBytes(StandardCharsets.UTF_8));
    assertThat(doubleQuoted.expect().matches("+PONG\r\n")).isTrue();
    assertThat(doubleQuoted.expect().isRegex()).isFalse();

    // Single-quoted YAML keeps the backslashes; the loader decodes them.
    TcpExpectConfig singleQuoted =
        load("""
                health:
                  active: { type: tcp-expect, send: 'INFO\\r\\n\\x00', expect: 'regex:^\\$\\d+' }
                """)
            .health()
            .active()
            .tcpExpect();
    assertThat(singleQuoted.send().bytes())
        .isEqualTo(new byte[] {'I', 'N', 'F', 'O', '\r', '\n', 0});
    assertThat(singleQuoted.expect().isRegex()).isTrue();
    assertThat(singleQuoted.expect().matches("$1234\r\n")).isTrue();
    assertThat(singleQuoted.expect().matches("-ERR")).isFalse();

    // A greeting check sends nothing.
    TcpExpectConfig greeting =
        load("health: { active: { type: tcp-expect, expect: '220 ' } }")
            .health()
            .active()
            .tcpExpect();
    assertThat(greeting.send()).isEqualTo(Payload.EMPTY);
  }

  @Test
  void agentCheck() {
    ActiveCheckConfig a =
        load("health: { active: { type: agent, agent-port: 9777, agent-send: 'status\\n' } }")
            .health()
            .active();
    assertThat(a.type()).isEqualTo(CheckType.AGENT);
    assertThat(a.agent())
        .isEqualTo(new AgentCheckConfig(9777, Duration.ofSeconds(2), Payload.parse("status\n")));

    // Beside another check, with its own interval.
    ActiveCheckConfig aux =
        load("health: { active: { type: http, agent-port: 9777, agent-interval: 5s } }")
            .health()
            .active();
    assertThat(aux.type()).isEqualTo(CheckType.HTTP);
    assertThat(aux.agent())
        .isEqualTo(new AgentCheckConfig(9777, Duration.ofSeconds(5), Payload.EMPTY));
  }

  @Test
  void everyPassiveValue() {
    PassiveHealthConfig p =
        load("""
                health:
                  passive:
                    consecutive-errors: 3
                    consecutive-gateway-errors: 2
                    error-statuses: [500-504, 429]
                    interval: 5s
                    ejection: 10s
                    max-ejection: 1m
                    max-ejected: 100%
                    success-rate: { minimum-hosts: 3, request-volume: 20, stdev-factor: 1.5 }
                    failure-percentage: { threshold: 50%, minimum-hosts: 2, request-volume: 10 }
                """)
            .health()
            .passive();
    assertThat(p)
        .isEqualTo(
            new PassiveHealthConfig(
                3,
                2,
                StatusSet.range(500, 504).union(StatusSet.of(429)),
                Duration.ofSeconds(5),
                Duration.ofSeconds(10),
                Duration.ofMinutes(1),
                1.0,
                new SuccessRateConfig(3, 20, 1.5),
                new FailurePercentageConfig(0.5, 2, 10)));
  }

  @Test
  void emptyMappingsTurnOnSuccessRateAndFailurePercentageWithDefaults() {
    PassiveHealthConfig p =
        load("health: { passive: { success-rate: {}, failure-percentage: {} } }")
            .health()
            .passive();
    assertThat(p.successRate()).isEqualTo(SuccessRateConfig.defaults());
    assertThat(p.successRate()).isEqualTo(new SuccessRateConfig(5, 100, 1.9));
    assertThat(p.failurePercentage()).isEqualTo(FailurePercentageConfig.defaults());
    assertThat(p.failurePercentage()).isEqualTo(new FailurePercentageConfig(0.85, 5, 50));
  }

  @Test
  void longEjectionRaisesTheDefaultCap() {
    PassiveHealthConfig p = load("health: { passive: { ejection: 10m } }").health().passive();
    assertThat(p.maxEjection()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void emptyErrorStatusesCountOnlyConnectionFailures() {
    assertThat(
            load("health: { passive: { error-statuses: [] } }").health().passive().errorStatuses())
        .isEqualTo(StatusSet.EMPTY);
  }

  @Test
  void everyRetryAndLimitValue() {
    PoolConfig p =
        load(
            """
            retries:
              attempts: 3
              budget: 25%
              min-retries-per-second: 10
              on: [connect-failure, 503, 500-501]
              per-try-timeout: 2s
              buffer: 1MiB
              idempotent-only: false
            limits:
              max-connections-per-backend: 100
              max-pending: 50
              max-requests-per-backend: 200
              queue-timeout: 2s
            """);
    assertThat(p.retries())
        .isEqualTo(
            new RetryConfig(
                3,
                0.25,
                10,
                Set.of(Condition.CONNECT_FAILURE),
                StatusSet.of(500, 501, 503),
                Duration.ofSeconds(2),
                1 << 20,
                false));
    assertThat(p.retries().retriesOn(Condition.RESET)).isFalse();
    assertThat(p.retries().retriesOnStatus(503)).isTrue();
    assertThat(p.retries().retriesOnStatus(502)).isFalse();
    assertThat(p.limits()).isEqualTo(new PoolLimits(100, 50, 200, Duration.ofSeconds(2)));
    assertThat(p.limits().limited()).isTrue();
    assertThat(p.limits().maxConnectionsFor(0)).isEqualTo(100);
    assertThat(p.limits().maxConnectionsFor(20)).isEqualTo(20);
  }

  @Test
  void retriesOffAndEmptyOn() {
    assertThat(load("retries: { attempts: 0 }").retries().enabled()).isFalse();
    RetryConfig none = load("retries: { on: [] }").retries();
    assertThat(none.on()).isEmpty();
    assertThat(none.statuses()).isEqualTo(StatusSet.EMPTY);
  }

  // ---- errors ----

  @Test
  void activeNeedsAKnownType() {
    assertThat(errors("health: { active: { interval: 2s } }"))
        .containsExactly(
            "ballast.yaml:5 pools[0].health.active.type: is required (http, tcp, tcp-expect or"
                + " agent)");
    assertThat(errors("health: { active: { type: htp, path: /x, expect: ok } }"))
        .containsExactly(
            "ballast.yaml:5 pools[0].health.active.type: unknown value 'htp' (did you mean"
                + " 'http'?); expected one of: http, tcp, tcp-expect, agent");
    assertThat(errors("health: { active: http }"))
        .containsExactly("ballast.yaml:5 pools[0].health.active: expected a mapping, got 'http'");
  }

  @Test
  void badTimings() {
    String yaml =
        """
        health:
          active:
            type: tcp
            interval: 0
            fast-interval: 0
            timeout: 5x
            jitter: 60%
            rise: 0
            fall: 101
            port: 70000
        """;
    assertThat(errors(yaml))
        .containsExactly(
            "ballast.yaml:8 pools[0].health.active.interval: must be greater than 0",
            "ballast.yaml:9 pools[0].health.active.fast-interval: must be greater than 0",
            "ballast.yaml:10 pools[0].health.active.timeout: '5x' has an unknown unit 'x' (use ms,"
                + " s, m, h, d)",
            "ballast.yaml:11 pools[0].health.active.jitter: 60% is out of range 0%..50%",
            "ballast.yaml:12 pools[0].health.active.rise: 0 is out of range 1..100",
            "ballast.yaml:13 pools[0].health.active.fall: 101 is out of range 1..100",
            "ballast.yaml:14 pools[0].health.active.port: 70000 is out of range 1..65535");
  }

  @Test
  void badHttpSettings() {
    String yaml =
        """
        health:
          active:
            type: http
            method: get
            path: healthz
            host: "a b"
            expect-status: "200-99,700"
            expect-body: ""
        """;
    assertThat(errors(yaml))
        .containsExactly(
            "ballast.yaml:8 pools[0].health.active.method: 'get' is not an HTTP method; methods"
                + " are case-sensitive (did you mean 'GET'?)",
            "ballast.yaml:9 pools[0].health.active.path: 'healthz' must start with '/'",
            "ballast.yaml:10 pools[0].health.active.host: 'a b' is not a Host header value (such"
                + " as api.example.com)",
            "ballast.yaml:11 pools[0].health.active.expect-status: '99' is not an HTTP status"
                + " (100..599)",
            "ballast.yaml:12 pools[0].health.active.expect-body: must not be empty (leave it out"
                + " to skip the body check)");
  }

  @Test
  void moreHttpErrors() {
    assertThat(errors("health: { active: { type: http, method: 'GE T', path: '/a b' } }"))
        .containsExactly(
            "ballast.yaml:5 pools[0].health.active.method: 'GE T' is not an HTTP method (such as"
                + " GET or HEAD)",
            "ballast.yaml:5 pools[0].health.active.path: '/a b' must not contain spaces or"
                + " control characters");
    assertThat(errors("health: { active: { type: http, method: HEAD, expect-body: ok } }"))
        .containsExactly(
            "ballast.yaml:5 pools[0].health.active.expect-body: a response to HEAD has no body;"
                + " use method: GET");
    assertThat(errors("health: { active: { type: http, expect-status: [] } }"))
        .containsExactly(
            "ballast.yaml:5 pools[0].health.active.expect-status: needs at least one status (such"
                + " as 200-399)");
    assertThat(errors("health: { active: { type: http, expect-status: \"399-200\" } }"))
        .containsExactly(
            "ballast.yaml:5 pools[0].health.active.expect-status: '399-200' is an empty range"
                + " (write it low-high)");
    assertThat(errors("health: { active: { type: http, expect-status: ok } }"))
        .containsExactly(
            "ballast.yaml:5 pools[0].health.active.expect-status: 'ok' is not a status or range"
                + " (such as 503 or 500-599)");
    assertThat(errors("health: { active: { type: http, expect-status: { a: 1 } } }"))
        .containsExactly(
            "ballast.yaml:5 pools[0].health.active.expect-status: expected a list of strings, got"
                + " a mapping");
  }

  @Test
  void tcpExpectErrors() {
    assertThat(errors("health: { active: { type: tcp-expect, send: PING } }"))
        .containsExactly(
            "ballast.yaml:5 pools[0].health.active.expect: is required with type: tcp-expect (a"
                + " substring such as +PONG, or regex:PATTERN)");
    assertThat(errors("health: { active: { type: tcp-expect, send: 'a\\q', expect: 'regex:[' } }"))
        .containsExactly(
            "ballast.yaml:5 pools[0].health.active.send: '\\q' is not an escape (use \\r, \\n,"
                + " \\t, \\0, \\\\ or \\xHH)",
            "ballast.yaml:5 pools[0].health.active.expect: 'regex:[' is not a valid regular"
                + " expression: Unclosed character class");
    assertThat(errors("health: { active: { type: tcp-expect, send: 'a\\x4', expect: '' } }"))
        .containsExactly(
            "ballast.yaml:5 pools[0].health.active.send: '\\x4' is not an escape (use \\r, \\n,"
                + " \\t, \\0, \\\\ or \\xHH)",
            "ballast.yaml:5 pools[0].health.active.expect: must not be empty");
  }

  @Test
  void agentErrors() {
    assertThat(errors("health: { active: { type: agent } }"))
        .containsExactly(
            "ballast.yaml:5 pools[0].health.active.agent-port: is required with type: agent (the"
                + " port the agent listens on)");
    assertThat(errors("health: { active: { type: agent, agent-port: 0, agent-interval: 0 } }"))
        .containsExactly(
            "ballast.yaml:5 pools[0].health.active.agent-port: 0 is out of range 1..65535",
            "ballast.yaml:5 pools[0].health.active.agent-interval: must be greater than 0");
  }

  @Test
  void settingsOfAnotherTypeDrawWarnings() {
    assertThat(
            warnings(
                """
                health:
                  active:
                    type: tcp
                    path: /healthz
                    expect: +PONG
                    agent-interval: 5s
                """))
        .containsExactly(
            "ballast.yaml:8 pools[0].health.active.path: has no effect with type: tcp (it applies"
                + " to type: http)",
            "ballast.yaml:9 pools[0].health.active.expect: has no effect with type: tcp (it"
                + " applies to type: tcp-expect)",
            "ballast.yaml:10 pools[0].health.active.agent-interval: has no effect without"
                + " agent-port");
    assertThat(warnings("health: { active: { type: agent, agent-port: 1, agent-interval: 1s } }"))
        .containsExactly(
            "ballast.yaml:5 pools[0].health.active.agent-interval: has no effect with type: agent"
                + " (the check's intervals apply)");
  }

  @Test
  void initStateDownNeedsActiveChecks() {
    assertThat(errors("health: { init-state: down }"))
        .containsExactly(
            "ballast.yaml:5 pools[0].health.init-state: down needs active checks (set"
                + " health.active; nothing else would bring the backends up)");
    assertThat(errors("health: { init-state: starting }"))
        .containsExactly(
            "ballast.yaml:5 pools[0].health.init-state: unknown value 'starting'; expected one"
                + " of: up, down");
    // An active section with its own error does not add a second, misleading one.
    assertThat(errors("health: { init-state: down, active: { type: tcpp } }"))
        .containsExactly(
            "ballast.yaml:5 pools[0].health.active.type: unknown value 'tcpp' (did you mean"
                + " 'tcp'?); expected one of: http, tcp, tcp-expect, agent");
  }

  @Test
  void badPassiveSettings() {
    String yaml =
        """
        health:
          panic-threshold: 150%
          passive:
            consecutive-errors: -1
            error-statuses: [5xx]
            ejection: 1m
            max-ejection: 30s
            max-ejected: 2
            success-rate: { stdev-factor: 0, minimum-hosts: 0 }
            failure-percentage: { threshold: 0%, request-volume: 0 }
            consecutive-gateway: 1
        """;
    assertThat(errors(yaml))
        .containsExactly(
            "ballast.yaml:6 pools[0].health.panic-threshold: 150% is out of range 0%..100%",
            "ballast.yaml:8 pools[0].health.passive.consecutive-errors: -1 is out of range"
                + " 0..1000",
            "ballast.yaml:9 pools[0].health.passive.error-statuses: '5xx' is not a status or"
                + " range (such as 503 or 500-599)",
            "ballast.yaml:11 pools[0].health.passive.max-ejection: 30s is shorter than ejection"
                + " (1m)",
            "ballast.yaml:12 pools[0].health.passive.max-ejected: 2 is out of range 0%..100% (a"
                + " plain number is a fraction: 0.5 is 50%)",
            "ballast.yaml:13 pools[0].health.passive.success-rate.minimum-hosts: 0 is out of"
                + " range 1..100000",
            "ballast.yaml:13 pools[0].health.passive.success-rate.stdev-factor: must be greater"
                + " than 0 (1.9 ejects clear outliers only)",
            "ballast.yaml:14 pools[0].health.passive.failure-percentage.threshold: 0% is out of"
                + " range 1%..100%",
            "ballast.yaml:14 pools[0].health.passive.failure-percentage.request-volume: must be at"
                + " least 1, got 0",
            "ballast.yaml:15 pools[0].health.passive.consecutive-gateway: unknown key; known keys"
                + " here: consecutive-errors, consecutive-gateway-errors, error-statuses, interval,"
                + " ejection, max-ejection, max-ejected, success-rate, failure-percentage");
  }

  @Test
  void badRetriesAndLimits() {
    String yaml =
        """
        retries:
          attempts: 11
          budget: 120%
          on: [connect-failure, rest, 200, 503]
          per-try-timeout: soon
          buffer: 1GiB
          idempotent-only: maybe
        limits:
          max-pending: -1
          queue-timeout: 5
          max-connections: 10
        """;
    assertThat(errors(yaml))
        .containsExactly(
            "ballast.yaml:6 pools[0].retries.attempts: 11 is out of range 0..10",
            "ballast.yaml:7 pools[0].retries.budget: 120% is out of range 0%..100%",
            "ballast.yaml:8 pools[0].retries.on: unknown retry condition 'rest' (did you mean"
                + " 'reset'?); expected a status such as 503, or one of: connect-failure, reset,"
                + " timeout",
            "ballast.yaml:8 pools[0].retries.on: only error statuses (400..599) can be retried,"
                + " got 200,503",
            "ballast.yaml:9 pools[0].retries.per-try-timeout: 'soon' is not a duration (examples:"
                + " 250ms, 30s, 5m, 1m30s)",
            "ballast.yaml:10 pools[0].retries.buffer: 1GiB is out of range 0..64MiB",
            "ballast.yaml:11 pools[0].retries.idempotent-only: expected true or false, got"
                + " 'maybe'",
            "ballast.yaml:13 pools[0].limits.max-pending: -1 is out of range 0..1000000",
            "ballast.yaml:14 pools[0].limits.queue-timeout: '5' needs a unit (examples: 250ms,"
                + " 30s, 5m, 1h)",
            "ballast.yaml:15 pools[0].limits.max-connections: unknown key; known keys here:"
                + " max-connections-per-backend, max-pending, max-requests-per-backend,"
                + " queue-timeout");
  }

  @Test
  void aBudgetThatAllowsNothingDrawsAWarning() {
    assertThat(warnings("retries: { budget: 0%, min-retries-per-second: 0 }"))
        .containsExactly(
            "ballast.yaml:5 pools[0].retries.budget: 0% with min-retries-per-second: 0 allows no"
                + " retries (set attempts: 0 to turn retries off)");
  }

  @Test
  void unknownKeysInHealth() {
    assertThat(errors("health: { activ: { type: tcp } }"))
        .containsExactly(
            "ballast.yaml:5 pools[0].health.activ: unknown key (did you mean 'active'?)");
  }
}
