package io.ballast.server;

import static io.ballast.server.NodeFixtures.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ballast.core.balance.BalancerRegistry;
import io.ballast.core.config.BallastConfig;
import io.ballast.core.config.ConfigLoader;
import io.ballast.core.model.Endpoint;
import io.ballast.core.world.PoolSnapshot;
import io.ballast.server.NodeFixtures.Answer;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The admin API on a whole node: drain with real traffic, durability across restart and reload. */
@ExtendWith(NettyLeakCheck.class)
class AdminNodeTest {
  @TempDir Path dir;

  private final TestBackend b1 = TestBackend.start("b1");
  private final TestBackend b2 = TestBackend.start("b2");
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

  private PoolSnapshot web() {
    return node.controlPlane().current().pool("web");
  }

  private Path writeConfig(String name, int listenerPort, int adminPort, TestBackend... backends)
      throws Exception {
    StringBuilder sb = new StringBuilder();
    sb.append("node: { name: edge-1, shutdown-grace: 5s }\n");
    sb.append("admin: { listen: 127.0.0.1:").append(adminPort).append(" }\n");
    sb.append("listeners: [ { name: web, listen: 127.0.0.1:")
        .append(listenerPort)
        .append(", pool: web } ]\n");
    sb.append("pools:\n  - name: web\n    backends:\n");
    for (TestBackend b : backends) {
      sb.append("      - { id: ")
          .append(b.id())
          .append(", address: ")
          .append(b.address())
          .append(" }\n");
    }
    Path f = dir.resolve(name);
    Files.writeString(f, sb.toString());
    return f;
  }

  private static BallastConfig load(Path file) throws Exception {
    return ConfigLoader.load(file, BalancerRegistry.defaults());
  }

  @Test
  void drainAndWaitLetsASlowRequestFinishThenRemovesTheBackend() throws Exception {
    node =
        Node.start(
            NodeFixtures.withAdmin(TestConfigs.simple("round-robin", b1, b2), null),
            (java.nio.file.Path) null);
    CompletableFuture<HttpResponse<String>> slow =
        NodeFixtures.client()
            .sendAsync(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:" + node.proxy().port("web") + "/delay?ms=1500"))
                    .timeout(Duration.ofSeconds(30))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> web().endpoints().stream().anyMatch(e -> e.backend().load().inflight() == 1));
    Endpoint busy =
        web().endpoints().stream()
            .filter(e -> e.backend().load().inflight() == 1)
            .findFirst()
            .orElseThrow();
    String busyId = busy.id();

    Answer d =
        call(node, "DELETE", "/api/v1/pools/web/backends/" + busyId + "?drain=true&wait=10s", null);

    assertThat(d.status()).as(d.body()).isEqualTo(200);
    assertThat(d.json().get("drained").asBoolean()).isTrue();
    assertThat(d.json().get("removed").get("id").asText()).isEqualTo(busyId);
    HttpResponse<String> r = slow.get(10, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(busyId + "\n");
    assertThat(web().endpoint(busyId)).isNull();
    assertThat(call(node, "GET", "/api/v1/pools/web/backends/" + busyId, null).status())
        .isEqualTo(404);
    // Traffic goes on to the other backend.
    for (int i = 0; i < 4; i++) {
      HttpResponse<String> ok = NodeFixtures.proxyGet(node, "/");
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body()).isNotEqualTo(busyId + "\n");
    }
  }

  @Test
  void listenersShowTheBoundPortAndLiveCounts() throws Exception {
    node = Node.start(NodeFixtures.withAdmin(TestConfigs.simple("round-robin", b1, b2), null));
    Answer l = call(node, "GET", "/api/v1/listeners", null);
    assertThat(l.json().get("listeners").get(0).get("port").asInt())
        .isEqualTo(node.proxy().port("web"))
        .isPositive();
    assertThat(l.json().get("listeners").get(0).get("listen").asText()).isEqualTo("127.0.0.1:0");
    assertThat(l.json().get("listeners").get(0).get("bound").asBoolean()).isTrue();
    NodeFixtures.proxyGet(node, "/");
    Answer p = call(node, "GET", "/api/v1/pools/web", null);
    int connections = 0;
    for (var b : p.json().get("backends")) {
      connections += b.get("connections").asInt();
    }
    assertThat(connections).isEqualTo(1); // the pooled keep-alive connection
    assertThat(call(node, "GET", "/readyz", null).status()).isEqualTo(200);
  }

  @Test
  void runtimeChangesSurviveARestartAndReloads() throws Exception {
    int listenerPort = NodeFixtures.freePort();
    int adminPort = NodeFixtures.freePort();
    Path file = writeConfig("ballast.yaml", listenerPort, adminPort, b1);
    node = Node.start(load(file), file);

    Answer add =
        call(
            node,
            "POST",
            "/api/v1/pools/web/backends",
            "{\"id\": \"b2\", \"address\": \"" + b2.address() + "\", \"weight\": 30}");
    assertThat(add.status()).as(add.body()).isEqualTo(201);
    assertThat(call(node, "PATCH", "/api/v1/pools/web/backends/b1", "{\"weight\": 7}").status())
        .isEqualTo(200);
    assertThat(dir.resolve("ballast.yaml.runtime.json")).exists();

    // Restart from the same file: the runtime changes are back.
    node.close();
    node = Node.start(load(file), file);
    assertThat(web().endpoint("b2")).isNotNull();
    assertThat(web().endpoint("b2").configuredWeight()).isEqualTo(30);
    assertThat(web().endpoint("b1").configuredWeight()).isEqualTo(7);
    assertThat(NodeFixtures.proxyGet(node, "/").statusCode()).isEqualTo(200);

    // Reload: still there.
    Answer reload = call(node, "POST", "/api/v1/config/reload", null);
    assertThat(reload.status()).as(reload.body()).isEqualTo(200);
    assertThat(reload.json().get("message").asText())
        .isEqualTo(
            "reloaded "
                + file.toAbsolutePath()
                + ": 1 listener(s), 1 pool(s), 2 backend(s) (2 runtime change(s) re-applied)");
    assertThat(web().endpoint("b2")).isNotNull();
    assertThat(web().endpoint("b1").configuredWeight()).isEqualTo(7);

    // The operator replaces b1 by b3 in the file: b1's weight override no longer applies.
    writeConfig("ballast.yaml", listenerPort, adminPort, b3);
    Answer second = call(node, "POST", "/api/v1/config/reload", null);
    assertThat(second.status()).as(second.body()).isEqualTo(200);
    assertThat(second.json().get("overlay-dropped").get(0).asText())
        .isEqualTo(
            "pool 'web': the weight override of backend 'b1' is dropped: the config file no longer"
                + " has it");
    assertThat(web().endpoints().stream().map(Endpoint::id)).containsExactly("b3", "b2");
    Answer overlay = call(node, "GET", "/api/v1/overlay", null);
    assertThat(overlay.json().get("changes").asInt()).isEqualTo(1);
  }

  @Test
  void aReloadWithErrorsKeepsTheRunningConfig() throws Exception {
    Path file = writeConfig("bad.yaml", NodeFixtures.freePort(), NodeFixtures.freePort(), b1);
    node = Node.start(load(file), file);
    long generation = node.controlPlane().current().generation();
    Files.writeString(
        file,
        Files.readString(file)
            .replace("pools:", "pools:\n  - name: web\n    algorithm: least-magic"));
    Answer r = call(node, "POST", "/api/v1/config/reload", null);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("error").asText())
        .isEqualTo("2 error(s) in " + file.toAbsolutePath() + "; the running config is unchanged");
    assertThat(r.json().get("errors")).hasSize(2);
    assertThat(r.json().get("errors").get(0).asText())
        .startsWith(
            file.toAbsolutePath() + ":6 pools[0].algorithm: unknown algorithm 'least-magic'");
    assertThat(node.controlPlane().current().generation()).isEqualTo(generation);
    assertThat(NodeFixtures.proxyGet(node, "/").statusCode()).isEqualTo(200);
  }

  @Test
  void aNodeWithoutAFileKeepsChangesInMemoryAndCannotReload() throws Exception {
    node = Node.start(NodeFixtures.withAdmin(TestConfigs.simple("round-robin", b1), null));
    Answer r = call(node, "POST", "/api/v1/config/reload", null);
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.json().get("error").asText())
        .isEqualTo(
            "no config file: this node was started without one (like the demo), so there is"
                + " nothing to reload");
    call(node, "PATCH", "/api/v1/pools/web/backends/b1", "{\"weight\": 3}");
    Answer o = call(node, "GET", "/api/v1/overlay", null);
    assertThat(o.json().get("file").isNull()).isTrue();
    assertThat(o.json().get("changes").asInt()).isEqualTo(1);
  }

  @Test
  void readyzTurns503WhileTheNodeDrainsOnShutdown() throws Exception {
    node = Node.start(NodeFixtures.withAdmin(TestConfigs.simple("round-robin", b1), null));
    String readyz = node.admin().baseUrl() + "/readyz";
    CompletableFuture<HttpResponse<String>> slow =
        NodeFixtures.client()
            .sendAsync(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:" + node.proxy().port("web") + "/delay?ms=1500"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> b1.requests() == 1);
    Node n = node;
    CompletableFuture<Boolean> stopping = CompletableFuture.supplyAsync(() -> n.shutdown());
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                NodeFixtures.client()
                        .send(
                            HttpRequest.newBuilder(URI.create(readyz)).build(),
                            HttpResponse.BodyHandlers.ofString())
                        .statusCode()
                    == 503);
    assertThat(stopping.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(slow.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
  }

  @Test
  void aBadOverlayFileStopsTheStartWithAClearReason() throws Exception {
    Path file = writeConfig("o.yaml", NodeFixtures.freePort(), NodeFixtures.freePort(), b1);
    Path overlay = dir.resolve("o.yaml.runtime.json");
    Files.writeString(overlay, "{\"pools\": {\"web\": {\"states\": {\"b1\": \"paused\"}}}}");
    BallastConfig c = load(file);
    assertThatThrownBy(() -> Node.start(c, file))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            overlay.toAbsolutePath()
                + ": pools.web.states.b1: unknown value 'paused'; expected one of: active,"
                + " draining, maintenance");
  }

  @Test
  void aMissingTokenFileStopsTheStartBeforeAnythingBinds() throws Exception {
    int listenerPort = NodeFixtures.freePort();
    Path file = writeConfig("t.yaml", listenerPort, NodeFixtures.freePort(), b1);
    Files.writeString(
        file,
        Files.readString(file)
            .replace(" }\nlisteners", ", token-file: missing.token }\nlisteners"));
    BallastConfig c = load(file);
    assertThatThrownBy(() -> Node.start(c, file))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "admin.token-file " + dir.resolve("missing.token") + ": no such file");
    try (ServerSocket s = new ServerSocket(listenerPort)) {
      assertThat(s.isBound()).isTrue(); // the listener was never bound (or was released)
    }
  }

  @Test
  void writesNeedTheTokenWhenOneIsConfigured() throws Exception {
    Path token = Files.writeString(dir.resolve("admin.token"), "tok-123\n");
    node = Node.start(NodeFixtures.withAdmin(TestConfigs.simple("round-robin", b1), token));
    assertThat(call(node, "GET", "/api/v1/pools", null).status()).isEqualTo(200);
    assertThat(call(node, "PATCH", "/api/v1/pools/web/backends/b1", "{\"weight\": 3}").status())
        .isEqualTo(401);
    assertThat(
            call(node, "PATCH", "/api/v1/pools/web/backends/b1", "{\"weight\": 3}", "tok-123")
                .status())
        .isEqualTo(200);
  }
}
