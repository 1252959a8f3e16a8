package io.ballast.server;

import static io.ballast.server.NodeFixtures.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ballast.admin.metrics.HealthMetrics;
import io.ballast.core.config.AccessLogConfig;
import io.ballast.core.config.BallastConfig;
import io.ballast.testing.NettyLeakCheck;
import io.ballast.testing.TestBackend;
import io.ballast.testing.TestConfigs;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Known traffic through a real node, then {@code /metrics} scraped, parsed strictly and checked
 * number by number.
 */
@ExtendWith(NettyLeakCheck.class)
class MetricsNodeTest {
  private final TestBackend b1 = TestBackend.start("b1");
  private final TestBackend b2 = TestBackend.start("b2").delay(60);
  private final TestBackend b3 = TestBackend.start("b3");
  private Node node;

  @AfterEach
  void stop() {
    if (node != null) {
      node.close();
    }
    b1.close();
    b2.close();
    b3.close();
  }

  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort(); // nothing listens here once closed: connect is refused
    }
  }

  private Node start() throws Exception {
    return start(AccessLogConfig.OFF);
  }

  private Node start(AccessLogConfig accessLog) throws Exception {
    BallastConfig config =
        TestConfigs.builder()
            .listener("web", 0, "web", List.of(), l -> l.withAccessLog(accessLog))
            .listener("api", 0, "empty")
            .listener("flaky", 0, "flaky")
            .pool("web", "round-robin", b1, b2)
            .poolOf("empty", "round-robin", UnaryOperator.identity(), List.of())
            .poolOf(
                "flaky",
                "round-robin",
                UnaryOperator.identity(),
                List.of(
                    TestConfigs.backend("dead", closedPort(), 100),
                    TestConfigs.backend("b3", b3.port(), 100)))
            .build();
    node = Node.start(NodeFixtures.withAdmin(config, null));
    return node;
  }

  private HttpResponse<String> send(String listener, String method, String path, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.proxy().port(listener) + path))
            .timeout(Duration.ofSeconds(20));
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return NodeFixtures.client().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Waits until a scrape satisfies the condition (a series appears with its first event). */
  private void awaitMetrics(java.util.function.Predicate<PrometheusText> condition) {
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .until(() -> condition.test(scrape()));
  }

  private PrometheusText scrape() throws Exception {
    HttpResponse<String> r =
        NodeFixtures.client()
            .send(
                HttpRequest.newBuilder(URI.create(node.admin().baseUrl() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    return PrometheusText.parse(r.body());
  }

  @Test
  void knownTrafficGivesExactCountsAndBuckets() throws Exception {
    start();
    for (int i = 0; i < 7; i++) {
      assertThat(send("web", "GET", "/", null).statusCode()).isEqualTo(200);
    }
    String body = "x".repeat(1000);
    assertThat(send("web", "POST", "/upload", body).statusCode()).isEqualTo(200);
    assertThat(send("web", "GET", "/status?code=404", null).statusCode()).isEqualTo(404);
    assertThat(send("api", "GET", "/", null).statusCode()).isEqualTo(503);
    for (int i = 0; i < 4; i++) {
      assertThat(send("flaky", "GET", "/", null).statusCode()).isEqualTo(200);
    }

    PrometheusText m = scrape();
    // 9 requests on web: 7 GET + 1 POST answered 2xx, 1 answered 404; split by round robin.
    double b1ok =
        m.value("ballast_requests_total", "listener", "web", "backend", "b1", "code", "2xx");
    double b2ok =
        m.value("ballast_requests_total", "listener", "web", "backend", "b2", "code", "2xx");
    assertThat(b1ok + b2ok).isEqualTo(8);
    assertThat(b1ok + b2ok + m.sum("ballast_requests_total", "listener", "web", "code", "4xx"))
        .isEqualTo(b1.requests() + b2.requests());
    assertThat(m.sum("ballast_requests_total", "listener", "web", "code", "4xx")).isEqualTo(1);
    assertThat(m.sum("ballast_requests_total", "listener", "web", "code", "5xx")).isZero();
    assertThat(m.sum("ballast_requests_total", "listener", "web")).isEqualTo(9);
    assertThat(
            m.value("ballast_requests_total", "listener", "web", "backend", "b1", "code", "4xx")
                + m.value(
                    "ballast_requests_total", "listener", "web", "backend", "b2", "code", "4xx"))
        .isEqualTo(1);

    // The one request with no backend: pool 'empty', backend "".
    assertThat(
            m.value(
                "ballast_requests_total",
                "listener",
                "api",
                "pool",
                "empty",
                "backend",
                "",
                "code",
                "5xx"))
        .isEqualTo(1);

    // Request body bytes: exactly the POST's 1000.
    assertThat(m.sum("ballast_request_bytes_total", "listener", "web")).isEqualTo(1000);
    assertThat(m.sum("ballast_response_bytes_total", "listener", "web")).isGreaterThan(9 * 40);

    // Histograms: every request in _count and in +Inf; b2 answers after 60 ms, so nothing of
    // its lands at or below 50 ms.
    int b2requests = b2.requests();
    assertThat(
            m.value("ballast_request_duration_seconds_count", "listener", "web", "backend", "b2"))
        .isEqualTo(b2requests);
    assertThat(
            m.value(
                "ballast_request_duration_seconds_bucket",
                "listener",
                "web",
                "backend",
                "b2",
                "le",
                "+Inf"))
        .isEqualTo(b2requests);
    assertThat(
            m.value(
                "ballast_request_duration_seconds_bucket",
                "listener",
                "web",
                "backend",
                "b2",
                "le",
                "0.05"))
        .isZero();
    assertThat(
            m.value(
                "ballast_request_duration_seconds_bucket",
                "listener",
                "web",
                "backend",
                "b2",
                "le",
                "30.0"))
        .isEqualTo(b2requests);
    assertThat(m.value("ballast_request_duration_seconds_sum", "listener", "web", "backend", "b2"))
        .isGreaterThanOrEqualTo(0.06 * b2requests);
    assertThat(
            m.value("ballast_time_to_first_byte_seconds_count", "listener", "web", "backend", "b1"))
        .isEqualTo(b1.requests());
    assertThat(m.family("ballast_request_duration_seconds").samples)
        .filteredOn(s -> s.name().endsWith("_bucket") && "b1".equals(s.label("backend")))
        .extracting(s -> s.label("le"))
        .containsExactly(
            "5.0E-4", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5",
            "1.0", "2.5", "5.0", "10.0", "30.0", "+Inf");

    // One connect observed per upstream connection the backend accepted.
    assertThat(m.value("ballast_upstream_connect_seconds_count", "pool", "web", "backend", "b1"))
        .isEqualTo(b1.connectionsAccepted());

    // The dead backend's picks were retried on b3 (connection refused), and every request
    // succeeded there.
    double retried =
        m.value(
            "ballast_retries_total",
            "listener",
            "flaky",
            "backend",
            "dead",
            "reason",
            "connect-refused");
    assertThat(retried).isBetween(1.0, 4.0);
    assertThat(
            m.value("ballast_requests_total", "listener", "flaky", "backend", "b3", "code", "2xx"))
        .isEqualTo(4);
    assertThat(b3.requests()).isEqualTo(4);

    // The world at scrape time.
    assertThat(m.value("ballast_backend_weight", "pool", "web", "backend", "b1")).isEqualTo(100);
    assertThat(m.value("ballast_backend_effective_weight", "pool", "web", "backend", "b1"))
        .isEqualTo(100);
    assertThat(m.value("ballast_backend_up", "pool", "web", "backend", "b2")).isEqualTo(1);
    assertThat(
            m.value(
                "ballast_backend_admin_state", "pool", "web", "backend", "b1", "state", "active"))
        .isEqualTo(1);
    assertThat(m.value("ballast_pool_backends", "pool", "flaky")).isEqualTo(2);
    assertThat(m.value("ballast_pool_eligible_backends", "pool", "empty")).isZero();
    assertThat(m.value("ballast_requests_in_flight", "pool", "web", "backend", "b1")).isZero();
    assertThat(
            m.value(
                "ballast_upstream_connections", "pool", "web", "backend", "b1", "state", "idle"))
        .isEqualTo(b1.openConnections());
    assertThat(m.value("ballast_client_connections_opened_total", "listener", "web"))
        .isGreaterThanOrEqualTo(1);
    assertThat(m.value("ballast_node_info", "node", "test")).isEqualTo(1);
    assertThat(m.family("ballast_requests_total").type).isEqualTo("counter");
    assertThat(m.family("ballast_request_duration_seconds").type).isEqualTo("histogram");
    assertThat(m.family("ballast_backend_up").type).isEqualTo("gauge");

    // The JVM and the process.
    assertThat(m.families).containsKeys("jvm_memory_used_bytes", "process_cpu_seconds_total");
    assertThat(m.families.keySet()).anyMatch(f -> f.startsWith("jvm_gc"));

    // A drain through the API shows at the next scrape.
    assertThat(
            call(node, "PATCH", "/api/v1/pools/web/backends/b1", "{\"state\": \"draining\"}")
                .status())
        .isEqualTo(200);
    PrometheusText after = scrape();
    assertThat(
            after.value(
                "ballast_backend_admin_state", "pool", "web", "backend", "b1", "state", "draining"))
        .isEqualTo(1);
    assertThat(after.value("ballast_backend_eligible", "pool", "web", "backend", "b1")).isZero();
  }

  @Test
  void healthEventsAreCounted() throws Exception {
    start();
    HealthMetrics health = node.observability().health();
    health.ejected("web", "b1", "consecutive-errors");
    health.ejected("web", "b1", "consecutive-errors");
    health.ejected("web", "b1", "active-check");
    health.checkCompleted("web", "b2", true, 2_000_000);
    health.checkCompleted("web", "b2", true, 3_000_000);
    health.checkCompleted("web", "b2", false, 1_200_000_000L);
    health.healthState("web", "b2", "falling");

    PrometheusText m = scrape();
    assertThat(m.value("ballast_ejections_total", "backend", "b1", "reason", "consecutive-errors"))
        .isEqualTo(2);
    assertThat(m.value("ballast_ejections_total", "backend", "b1", "reason", "active-check"))
        .isEqualTo(1);
    assertThat(m.value("ballast_health_checks_total", "backend", "b2", "result", "ok"))
        .isEqualTo(2);
    assertThat(m.value("ballast_health_checks_total", "backend", "b2", "result", "failed"))
        .isEqualTo(1);
    assertThat(
            m.value(
                "ballast_health_check_duration_seconds_bucket", "backend", "b2", "le", "0.0025"))
        .isEqualTo(1);
    assertThat(
            m.value("ballast_health_check_duration_seconds_bucket", "backend", "b2", "le", "0.005"))
        .isEqualTo(2);
    assertThat(
            m.value("ballast_health_check_duration_seconds_bucket", "backend", "b2", "le", "1.0"))
        .isEqualTo(2);
    assertThat(
            m.value("ballast_health_check_duration_seconds_bucket", "backend", "b2", "le", "2.5"))
        .isEqualTo(3);
    assertThat(m.value("ballast_health_check_duration_seconds_sum", "backend", "b2"))
        .isEqualTo(1.205);
    assertThat(m.value("ballast_backend_health_state", "backend", "b2", "state", "falling"))
        .isEqualTo(1);
  }

  @Test
  void realChecksEjectionsAndHealthStateReachTheMetrics() throws Exception {
    BallastConfig config =
        io.ballast.core.config.ConfigLoader.parse(
            """
            node: { name: edge-1, shutdown-grace: 2s }
            listeners:
              - { name: web, listen: 127.0.0.1:%d, pool: web }
            pools:
              - name: web
                health: { active: { type: http, path: /, interval: 100ms, fall: 2, rise: 1 } }
                backends:
                  - { id: b1, address: 127.0.0.1:%d }
                  - { id: b3, address: 127.0.0.1:%d }
            """
                .formatted(NodeFixtures.freePort(), b1.port(), b3.port()),
            "metrics-health.yaml",
            io.ballast.core.balance.BalancerRegistry.defaults());
    node = Node.start(NodeFixtures.withAdmin(config, null));
    awaitMetrics(m -> m.value("ballast_health_checks_total", "backend", "b1", "result", "ok") >= 2);
    b1.mode(TestBackend.Mode.UNAVAILABLE);
    awaitMetrics(
        m ->
            m.value("ballast_backend_health_state", "backend", "b1", "state", "down") == 1
                && m.value("ballast_ejections_total", "backend", "b1", "reason", "check") == 1);
    PrometheusText down = scrape();
    assertThat(down.value("ballast_health_checks_total", "backend", "b1", "result", "failed"))
        .isGreaterThanOrEqualTo(2);
    assertThat(down.value("ballast_health_check_duration_seconds_count", "backend", "b3"))
        .isGreaterThanOrEqualTo(2);

    b1.mode(TestBackend.Mode.NORMAL);
    awaitMetrics(m -> m.value("ballast_backend_health_state", "backend", "b1", "state", "up") == 1);
    assertThat(scrape().value("ballast_ejections_total", "backend", "b1", "reason", "check"))
        .isEqualTo(1);
  }

  @Test
  void aNodeWithMetricsStillEjectsABackendAnswering503() throws Exception {
    int port = NodeFixtures.freePort();
    BallastConfig config =
        io.ballast.core.config.ConfigLoader.parse(
            """
            node: { name: edge-1, shutdown-grace: 2s }
            listeners:
              - { name: web, listen: 127.0.0.1:%d, pool: web }
            pools:
              - name: web
                algorithm: least-request
                timeouts: { connect: 1s, response: 500ms }
                health: { active: { type: http, path: /healthz, interval: 1s, timeout: 500ms } }
                backends:
                  - { id: fast-1, address: 127.0.0.1:%d }
                  - { id: failing, address: 127.0.0.1:%d }
                  - { id: slow, address: 127.0.0.1:%d }
            """
                .formatted(port, b1.port(), b3.port(), b2.port()),
            "metrics-503.yaml",
            io.ballast.core.balance.BalancerRegistry.defaults());
    node = Node.start(NodeFixtures.withAdmin(config, null));
    try (io.ballast.testing.LoadLoop l = io.ballast.testing.LoadLoop.start(port, 64, "/", 60)) {
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> l.ok() > 5_000);
      b3.mode(TestBackend.Mode.UNAVAILABLE); // the backend configured as "failing"
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(3))
          .until(() -> !node.controlPlane().current().pool("web").endpoint("failing").healthy());
      long at = l.ok();
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> l.ok() > at + 3_000);
      l.stop();
      assertThat(l.failed()).as("failed: %s", l.failures()).isZero();
    }
  }

  @Test
  void openMetricsOnRequest() throws Exception {
    start();
    send("web", "GET", "/", null);
    HttpResponse<String> r =
        NodeFixtures.client()
            .send(
                HttpRequest.newBuilder(URI.create(node.admin().baseUrl() + "/metrics"))
                    .header(
                        "Accept",
                        "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("application/openmetrics-text; version=1.0.0");
    assertThat(r.body()).endsWith("# EOF\n").contains("# TYPE ballast_requests counter");
  }

  @Test
  void theGrafanaDashboardOnlyUsesMetricsTheNodeExposes(@TempDir Path dir) throws Exception {
    start(new AccessLogConfig(AccessLogConfig.Format.JSON, dir.resolve("access.log"), 64));
    send("web", "GET", "/", null);
    send("flaky", "GET", "/", null);
    node.observability().health().ejected("web", "b1", "active-check");
    node.observability().health().checkCompleted("web", "b1", false, 1_000_000);
    node.observability().metrics().listener("web").retryBudgetExhausted("web");
    PrometheusText m = scrape();
    String dashboard = Files.readString(Path.of("..", "deploy", "grafana", "ballast.json"));
    JsonNode doc = new ObjectMapper().readTree(dashboard);
    assertThat(doc.get("uid").asText()).isEqualTo("ballast-overview");
    Matcher names = Pattern.compile("\\b((?:ballast|jvm|process)_[a-z_]+)").matcher(dashboard);
    Set<String> used = new TreeSet<>();
    while (names.find()) {
      used.add(names.group(1));
    }
    assertThat(used).hasSizeGreaterThan(15);
    for (String name : used) {
      String family = name.replaceAll("_(bucket|count|sum)$", "");
      assertThat(m.families.containsKey(family) || m.families.containsKey(name))
          .as("the dashboard's %s is exposed", name)
          .isTrue();
    }
  }

  @Test
  void theStrictParserRejectsWhatTheFormatForbids() {
    assertThatThrownBy(() -> PrometheusText.parse("a 1")).hasMessageContaining("newline");
    assertThatThrownBy(() -> PrometheusText.parse("a{b=\"c\" 1\n")).hasMessageContaining("line 1");
    assertThatThrownBy(() -> PrometheusText.parse("# TYPE a counter\na 1\nb 2\na 3\n"))
        .hasMessageContaining("not together");
    assertThatThrownBy(() -> PrometheusText.parse("a 1\na 2\n")).hasMessageContaining("duplicate");
    assertThatThrownBy(
            () ->
                PrometheusText.parse(
                    "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\n"
                        + "h_count 1\nh_sum 1\n"))
        .hasMessageContaining("cumulative");
    assertThatThrownBy(() -> PrometheusText.parse("a{b=\"\\x\"} 1\n"))
        .hasMessageContaining("labels");
    assertThat(
            PrometheusText.parse("# HELP a x\n# TYPE a gauge\na{b=\"q\\\"\"} 1.5e3\n")
                .value("a", "b", "q\""))
        .isEqualTo(1500);
  }
}
