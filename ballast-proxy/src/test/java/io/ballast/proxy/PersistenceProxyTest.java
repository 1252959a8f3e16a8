package io.ballast.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.core.config.PersistenceConfig;
import io.ballast.core.model.AdminState;
import io.ballast.testing.NettyLeakCheck;
import io.ballast.testing.RawHttpClient;
import io.ballast.testing.TestBackend;
import io.ballast.testing.TestConfigs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Session persistence over real sockets: it holds, drains keep it, failures move it cleanly. */
@ExtendWith(NettyLeakCheck.class)
class PersistenceProxyTest {
  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  private TestBackend backend(String id) {
    TestBackend b = TestBackend.start(id);
    resources.add(b);
    return b;
  }

  static final PersistenceConfig COOKIE =
      new PersistenceConfig(
          PersistenceConfig.Type.COOKIE,
          "SRV",
          Duration.ofMinutes(30),
          false,
          true,
          "lax",
          null,
          "/",
          null,
          0,
          PersistenceConfig.SourceMode.TABLE);

  private ProxyFixture proxy(PersistenceConfig persistence, TestBackend... backends) {
    ProxyFixture p =
        new ProxyFixture(
            TestConfigs.builder()
                .listener("web", 0, "web")
                .pool(
                    "web",
                    "round-robin",
                    x -> TestConfigs.withPersistence(x, persistence),
                    backends)
                .build());
    resources.add(p);
    return p;
  }

  /** A browser-like client: one keep-alive connection and a cookie jar of one cookie. */
  static final class Browser implements AutoCloseable {
    final int port;
    RawHttpClient conn;
    String cookie;
    String lastBackend;
    int errors;

    Browser(int port) throws Exception {
      this.port = port;
      this.conn = new RawHttpClient(port);
    }

    String get(String path) throws Exception {
      String req =
          "GET "
              + path
              + " HTTP/1.1\r\nHost: t\r\n"
              + (cookie == null ? "" : "Cookie: " + cookie + "\r\n")
              + "\r\n";
      RawHttpClient.Response r;
      try {
        conn.send(req);
        r = conn.read();
      } catch (java.io.IOException e) {
        conn.close();
        conn = new RawHttpClient(port);
        conn.send(req);
        r = conn.read();
      }
      if (r.status() != 200) {
        errors++;
      }
      String set = r.header("Set-Cookie");
      if (set != null) {
        cookie = set.substring(0, set.indexOf(';'));
      }
      if ("close".equalsIgnoreCase(r.header("Connection"))) {
        conn.close();
        conn = new RawHttpClient(port);
      }
      lastBackend = r.header("X-Backend");
      return lastBackend;
    }

    @Override
    public void close() throws java.io.IOException {
      conn.close();
    }
  }

  @Test
  void cookieSessionsHoldOver10kRequests() throws Exception {
    ProxyFixture p = proxy(COOKIE, backend("a"), backend("b"), backend("c"));
    try (Browser browser = new Browser(p.port())) {
      String first = browser.get("/");
      assertThat(browser.cookie).startsWith("SRV=");
      for (int i = 0; i < 10_000; i++) {
        assertThat(browser.get("/")).isEqualTo(first);
      }
      assertThat(browser.errors).isZero();
    }
    // Without the cookie the same pool rotates.
    try (RawHttpClient c = new RawHttpClient(p.port())) {
      List<String> seen = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        c.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
        seen.add(c.read().header("X-Backend"));
      }
      assertThat(seen).containsExactlyInAnyOrder("a", "b", "c");
    }
  }

  @Test
  void drainingBackendKeepsItsSessionsButTakesNoNewOnes() throws Exception {
    ProxyFixture p = proxy(COOKIE, backend("a"), backend("b"), backend("c"));
    List<Browser> browsers = new ArrayList<>();
    Map<String, List<Browser>> byBackend = new HashMap<>();
    for (int i = 0; i < 9; i++) {
      Browser br = new Browser(p.port());
      browsers.add(br);
      byBackend.computeIfAbsent(br.get("/"), k -> new ArrayList<>()).add(br);
    }
    assertThat(byBackend).containsKeys("a", "b", "c");
    p.controlPlane.setState("web", "a", AdminState.DRAINING).join();
    for (int round = 0; round < 20; round++) {
      for (Browser br : byBackend.get("a")) {
        assertThat(br.get("/")).isEqualTo("a");
      }
    }
    for (int i = 0; i < 30; i++) {
      try (Browser fresh = new Browser(p.port())) {
        assertThat(fresh.get("/")).isNotEqualTo("a");
      }
    }
    for (Browser br : browsers) {
      assertThat(br.errors).isZero();
      br.close();
    }
  }

  @Test
  void sessionsOfAFailedBackendMoveWithoutAnError() throws Exception {
    TestBackend a = backend("a");
    TestBackend b = backend("b");
    TestBackend c = backend("c");
    ProxyFixture p = proxy(COOKIE, a, b, c);
    // Eight clients bound to their backends, each sending requests in a loop while one dies.
    int clients = 8;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    AtomicInteger killedAfter = new AtomicInteger();
    try {
      List<Future<Browser>> done = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        done.add(
            pool.submit(
                () -> {
                  Browser br = new Browser(p.port());
                  for (int n = 0; n < 400; n++) {
                    br.get("/");
                    if (n == 100 && killedAfter.compareAndSet(0, 1)) {
                      a.close(); // the VM dies: refused connects and resets from now on
                    }
                  }
                  return br;
                }));
      }
      for (Future<Browser> f : done) {
        Browser br = f.get();
        assertThat(br.errors).as("client errors").isZero();
        assertThat(br.lastBackend).isNotEqualTo("a");
        assertThat(br.cookie).isNotNull();
        br.close();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
