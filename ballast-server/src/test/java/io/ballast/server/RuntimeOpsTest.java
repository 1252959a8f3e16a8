package io.ballast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ballast.core.balance.BalancerRegistry;
import io.ballast.core.config.BallastConfig;
import io.ballast.core.config.ConfigLoader;
import io.ballast.proxy.handoff.ListenerHandoff;
import io.ballast.testing.LoadLoop;
import io.ballast.testing.TestBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime operations an operator does on a live node, each ten times in a row under 64
 * keep-alive connections of load: not one failed request, not one reset connection.
 */
class RuntimeOpsTest {
  static final int CONNECTIONS = 64;
  @TempDir Path dir;
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final List<TestBackend> backends = new ArrayList<>();
  private Path configFile;
  private int port;
  private Node node;

  @BeforeEach
  void start() throws Exception {
    for (int i = 1; i <= 3; i++) {
      backends.add(track(TestBackend.start("b" + i)));
    }
    port = NodeFixtures.freePort();
    configFile = dir.resolve("ballast.yaml");
    Files.writeString(configFile, config("round-robin", false));
    node = start(Map.of(), false);
  }

  @AfterEach
  void stop() throws Exception {
    if (node != null) {
      node.close();
    }
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  private <T extends AutoCloseable> T track(T t) {
    resources.add(t);
    return t;
  }

  private String config(String algorithm, boolean extraPool) {
    return io.ballast.testing.TestConfigs.runtimeOpsYaml(
        "node: { event-loops: 2, shutdown-grace: 10s }",
        port,
        adminPort(),
        backends.stream().map(TestBackend::port).toList(),
        algorithm,
        extraPool);
  }

  private int adminPort;

  private int adminPort() {
    if (adminPort == 0) {
      try {
        adminPort = NodeFixtures.freePort();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return adminPort;
  }

  private Node start(Map<String, List<Integer>> inherited, boolean deferAdmin) throws Exception {
    BallastConfig c = ConfigLoader.load(configFile, BalancerRegistry.defaults());
    return Node.start(c, new Node.Options(configFile, inherited, deferAdmin, null));
  }

  private LoadLoop load() {
    LoadLoop l = track(LoadLoop.start(port, CONNECTIONS, "/", 180));
    await().atMost(Duration.ofSeconds(20)).until(() -> l.ok() > 1_000);
    return l;
  }

  /** Lets some load flow between two operations so each one happens under traffic. */
  private static void flow(LoadLoop l) {
    long at = l.ok();
    await().atMost(Duration.ofSeconds(20)).until(() -> l.ok() > at + 200);
  }

  private static void assertClean(LoadLoop l) {
    l.stop();
    assertThat(l.failed()).as("failed requests or reset connections: %s", l.failures()).isZero();
    assertThat(l.ok()).isGreaterThan(2_000);
  }

  @Test
  void addingBackends() throws Exception {
    LoadLoop l = load();
    for (int i = 0; i < 10; i++) {
      TestBackend added = track(TestBackend.start("n" + i));
      NodeFixtures.Answer a =
          NodeFixtures.call(
              node,
              "POST",
              "/api/v1/pools/web/backends",
              "{\"id\":\"n" + i + "\",\"address\":\"127.0.0.1:" + added.port() + "\"}");
      assertThat(a.status()).isEqualTo(201);
      flow(l);
    }
    await().until(() -> l.servedBy("n9") > 0);
    assertClean(l);
  }

  @Test
  void drainingThenRemovingBackends() throws Exception {
    LoadLoop l = load();
    for (int i = 0; i < 10; i++) {
      TestBackend extra = track(TestBackend.start("d" + i));
      assertThat(
              NodeFixtures.call(
                      node,
                      "POST",
                      "/api/v1/pools/web/backends",
                      "{\"id\":\"d" + i + "\",\"address\":\"127.0.0.1:" + extra.port() + "\"}")
                  .status())
          .isEqualTo(201);
      flow(l);
      NodeFixtures.Answer removed =
          NodeFixtures.call(
              node, "DELETE", "/api/v1/pools/web/backends/d" + i + "?drain=true&wait=10s", null);
      assertThat(removed.status()).isEqualTo(200);
      flow(l);
    }
    assertClean(l);
  }

  @Test
  void changingWeights() throws Exception {
    LoadLoop l = load();
    for (int i = 0; i < 10; i++) {
      int w = i % 2 == 0 ? 300 : 50;
      assertThat(
              NodeFixtures.call(
                      node, "PATCH", "/api/v1/pools/web/backends/b2", "{\"weight\":" + w + "}")
                  .status())
          .isEqualTo(200);
      flow(l);
    }
    assertClean(l);
  }

  @Test
  void reloadingAConfigThatAddsAPoolAndChangesTheAlgorithm() throws Exception {
    LoadLoop l = load();
    for (int i = 0; i < 10; i++) {
      boolean odd = i % 2 == 0;
      Files.writeString(configFile, config(odd ? "least-request" : "round-robin", odd));
      NodeFixtures.Answer r = NodeFixtures.call(node, "POST", "/api/v1/config/reload", null);
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      assertThat(node.controlPlane().current().pool("web").config().algorithm())
          .isEqualTo(odd ? "least-request" : "round-robin");
      assertThat(node.controlPlane().current().pool("extra") != null).isEqualTo(odd);
      flow(l);
    }
    assertClean(l);
  }

  @Test
  void restartingTheNodeHitlessly() throws Exception {
    assumeTrue(ListenerHandoff.supported(), "hitless restart needs epoll");
    LoadLoop l = load();
    for (int i = 0; i < 10; i++) {
      // One path for every restart, as a real node uses: each successor takes over from the last.
      Path socket = dir.resolve("handoff.sock");
      Node old = node;
      ListenerHandoff.Server handoff =
          ListenerHandoff.serve(
              socket, ListenerHandoff.donor(() -> old.proxy().listeningChannels(), old::retire));
      ListenerHandoff.Taken taken = ListenerHandoff.take(socket, 10_000);
      Node successor = start(taken.fds(), true);
      assertThat(taken.confirmServing(10_000)).isTrue();
      assertThat(successor.startAdminRetrying(Duration.ofSeconds(10))).isTrue();
      old.awaitStopped();
      handoff.close();
      node = successor;
      flow(l);
    }
    assertClean(l);
  }
}
