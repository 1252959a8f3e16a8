package io.ballast.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ballast.core.config.BackendConfig;
import io.ballast.core.config.HttpLimits;
import io.ballast.core.config.ListenerTimeouts;
import io.ballast.core.config.PoolTimeouts;
import io.ballast.core.model.AdminState;
import io.ballast.testing.NettyLeakCheck;
import io.ballast.testing.RawHttpClient;
import io.ballast.testing.TestBackend;
import io.ballast.testing.TestConfigs;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every error a client can get is distinct and precise, and nothing malformed or smuggled ever
 * reaches a backend.
 */
@ExtendWith(NettyLeakCheck.class)
class HttpErrorsTest {
  static TestBackend backend;
  static ProxyFixture proxy;

  @BeforeAll
  static void start() {
    backend = TestBackend.start("b1");
    proxy =
        new ProxyFixture(
            TestConfigs.builder()
                .listener(
                    "web",
                    0,
                    "web",
                    List.of(),
                    l ->
                        TestConfigs.withLimits(
                            TestConfigs.withTimeouts(
                                l,
                                new ListenerTimeouts(
                                    Duration.ofMillis(300),
                                    Duration.ofSeconds(30),
                                    Duration.ofMillis(500))),
                            new HttpLimits(256, 1024, 20, 1000)))
                .pool("web", "round-robin", backend)
                .build());
  }

  @AfterAll
  static void stop() {
    proxy.close();
    backend.close();
  }

  private static RawHttpClient.Response exchange(String request) throws Exception {
    try (RawHttpClient c = new RawHttpClient(proxy.port())) {
      c.send(request);
      RawHttpClient.Response r = c.read();
      if (r.status() >= 400 && r.status() != 503 && r.status() != 502 && r.status() != 504) {
        assertThat(c.closedByServer()).as("connection closed after %s", r.status()).isTrue();
      }
      return r;
    }
  }

  /** Each attack is answered by the proxy itself; the backend never sees a request. */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "CL and TE together|400|POST / HTTP/1.1\\r\\nHost: t\\r\\nContent-Length: 4\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n",
        "TE and CL together|400|POST / HTTP/1.1\\r\\nHost: t\\r\\nTransfer-Encoding: chunked\\r\\nContent-Length: 4\\r\\n\\r\\n0\\r\\n\\r\\n",
        "conflicting CL|400|POST / HTTP/1.1\\r\\nHost: t\\r\\nContent-Length: 4\\r\\nContent-Length: 5\\r\\n\\r\\nabcde",
        "CL list|400|POST / HTTP/1.1\\r\\nHost: t\\r\\nContent-Length: 4, 5\\r\\n\\r\\nabcde",
        "signed CL|400|POST / HTTP/1.1\\r\\nHost: t\\r\\nContent-Length: +4\\r\\n\\r\\nabcd",
        "TE not ending in chunked|400|POST / HTTP/1.1\\r\\nHost: t\\r\\nTransfer-Encoding: chunked, identity\\r\\n\\r\\n0\\r\\n\\r\\n",
        "TE chunked twice|400|POST / HTTP/1.1\\r\\nHost: t\\r\\nTransfer-Encoding: chunked\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n",
        "unknown coding|501|POST / HTTP/1.1\\r\\nHost: t\\r\\nTransfer-Encoding: xchunked\\r\\n\\r\\n0\\r\\n\\r\\n",
        "TE in HTTP/1.0|400|POST / HTTP/1.0\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n",
        "space before colon|400|GET / HTTP/1.1\\r\\nHost: t\\r\\nContent-Length : 0\\r\\n\\r\\n",
        "obsolete folding|400|GET / HTTP/1.1\\r\\nHost: t\\r\\nX-A: 1\\r\\n  folded\\r\\n\\r\\n",
        "bare CR in value|400|GET / HTTP/1.1\\r\\nHost: t\\r\\nX-A: 1\\rX-B: 2\\r\\n\\r\\n",
        "NUL in value|400|GET / HTTP/1.1\\r\\nHost: t\\r\\nX-A: a\\u0000b\\r\\n\\r\\n",
        "missing Host|400|GET / HTTP/1.1\\r\\n\\r\\n",
        "two Hosts|400|GET / HTTP/1.1\\r\\nHost: a\\r\\nHost: b\\r\\n\\r\\n",
        "bad Host|400|GET / HTTP/1.1\\r\\nHost: a b/c\\r\\n\\r\\n",
        "bad request line|400|GET  / HTTP/1.1\\r\\nHost: t\\r\\n\\r\\n",
        "bad target|400|GET foo HTTP/1.1\\r\\nHost: t\\r\\n\\r\\n",
        "HTTP/2 line|505|GET / HTTP/2.0\\r\\nHost: t\\r\\n\\r\\n",
        "garbage version|400|GET / HTTX/1.1\\r\\nHost: t\\r\\n\\r\\n",
        "CONNECT|501|CONNECT a.example:443 HTTP/1.1\\r\\nHost: a.example:443\\r\\n\\r\\n",
        "unknown expectation|417|GET / HTTP/1.1\\r\\nHost: t\\r\\nExpect: teapot\\r\\n\\r\\n",
        "body over max-body|413|POST / HTTP/1.1\\r\\nHost: t\\r\\nContent-Length: 5000\\r\\n\\r\\n",
      })
  void malformedAndSmuggledRequestsNeverReachTheBackend(String name, int status, String raw)
      throws Exception {
    int before = backend.requests();
    RawHttpClient.Response r =
        exchange(raw.replace("\\r", "\r").replace("\\n", "\n").replace("\\u0000", "\0"));
    assertThat(r.status()).as(name).isEqualTo(status);
    assertThat(r.text()).as("one-line reason").doesNotContain("Exception").endsWith("\n");
    assertThat(backend.requests()).as("backend untouched by " + name).isEqualTo(before);
  }

  @Test
  void invalidChunkSizeCutsTheRequestAndNothingElseIsForwarded() throws Exception {
    try (RawHttpClient c = new RawHttpClient(proxy.port())) {
      int before = backend.requests();
      c.send(
          "POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
              + "zz\r\nhello\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: t\r\n\r\n");
      RawHttpClient.Response r = c.read();
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.text()).contains("invalid chunk size");
      assertThat(c.closedByServer()).isTrue();
      // The body may have started upstream, but the smuggled request never became a request.
      assertThat(backend.requests()).isLessThanOrEqualTo(before + 1);
    }
  }

  @Test
  void oversizedRequestLineIs414() throws Exception {
    RawHttpClient.Response r = exchange("GET /" + "a".repeat(400) + " HTTP/1.1\r\nHost: t\r\n\r\n");
    assertThat(r.status()).isEqualTo(414);
  }

  @Test
  void oversizedHeadersAre431() throws Exception {
    RawHttpClient.Response r =
        exchange("GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + "b".repeat(2000) + "\r\n\r\n");
    assertThat(r.status()).isEqualTo(431);
    StringBuilder many = new StringBuilder("GET / HTTP/1.1\r\nHost: t\r\n");
    for (int i = 0; i < 30; i++) {
      many.append("X-").append(i).append(": 1\r\n");
    }
    assertThat(exchange(many.append("\r\n").toString()).status()).isEqualTo(431);
  }

  @Test
  void slowHeaderClientIsCutOffWith408() throws Exception {
    try (RawHttpClient c = new RawHttpClient(proxy.port())) {
      long start = System.nanoTime();
      c.send("GET / HTTP/1.1\r\nHost: t\r\nX-Slow: ");
      RawHttpClient.Response r = c.read();
      long tookMillis = (System.nanoTime() - start) / 1_000_000;
      assertThat(r.status()).isEqualTo(408);
      assertThat(tookMillis).isBetween(250L, 5_000L);
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void stalledRequestBodyIs408() throws Exception {
    try (RawHttpClient c = new RawHttpClient(proxy.port())) {
      c.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\npartial");
      RawHttpClient.Response r = c.read();
      assertThat(r.status()).isEqualTo(408);
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void connectRefusedIs502NamingThePool() throws Exception {
    int deadPort;
    try (ServerSocket s = new ServerSocket(0)) {
      deadPort = s.getLocalPort();
    }
    try (ProxyFixture p =
        new ProxyFixture(
            TestConfigs.builder()
                .listener("web", 0, "dead")
                .poolOf(
                    "dead",
                    "round-robin",
                    x -> x,
                    List.of(TestConfigs.backend("gone", deadPort, 100)))
                .build())) {
      try (RawHttpClient c = new RawHttpClient(p.port())) {
        c.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
        RawHttpClient.Response r = c.read();
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.text())
            .isEqualTo(
                "502 Bad Gateway: could not connect to a backend (pool 'dead'): connection refused\n");
        // The request was complete, so the client connection stays usable.
        c.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
        assertThat(c.read().status()).isEqualTo(502);
      }
    }
  }

  /** A proxy whose pool 'web' has these connect and response timeouts. */
  private static ProxyFixture proxyWithTimeouts(
      Duration connect, Duration response, BackendConfig backend) {
    return new ProxyFixture(
        TestConfigs.builder()
            .listener("web", 0, "web")
            .poolOf(
                "web",
                "round-robin",
                x ->
                    TestConfigs.withTimeouts(
                        x, new PoolTimeouts(connect, response, Duration.ofSeconds(5))),
                List.of(backend))
            .build());
  }

  /** A POST answered 504 with exactly {@code text}, no sooner than the 300 ms timeout. */
  private static void assertPostTimesOut(ProxyFixture p, String text) throws Exception {
    try (RawHttpClient c = new RawHttpClient(p.port())) {
      long start = System.nanoTime();
      c.send("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n");
      RawHttpClient.Response r = c.read();
      assertThat(r.status()).isEqualTo(504);
      assertThat(r.text()).isEqualTo(text);
      assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(290);
    }
  }

  @Test
  void backendThatNeverCompletesTheHandshakeIs504AfterTheConnectTimeout() throws Exception {
    // A listening socket whose accept queue is full drops new SYNs (tcp(7)): connects to it hang.
    try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      List<Socket> queued = new ArrayList<>();
      try {
        while (true) {
          Socket s = new Socket();
          try {
            s.connect(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), full.getLocalPort()), 200);
            queued.add(s);
          } catch (SocketTimeoutException e) {
            s.close();
            break;
          }
        }
        try (ProxyFixture p =
            proxyWithTimeouts(
                Duration.ofMillis(300),
                Duration.ofSeconds(5),
                TestConfigs.backend("full", full.getLocalPort(), 100))) {
          assertPostTimesOut(
              p, "504 Gateway Timeout: timed out connecting to a backend (pool 'web')\n");
        }
      } finally {
        for (Socket s : queued) {
          s.close();
        }
      }
    }
  }

  @Test
  void noEligibleBackendIs503() throws Exception {
    TestBackend b = TestBackend.start("m");
    try (ProxyFixture p = new ProxyFixture(TestConfigs.simple("round-robin", b))) {
      p.controlPlane.setState("web", "m", AdminState.MAINTENANCE).join();
      try (RawHttpClient c = new RawHttpClient(p.port())) {
        c.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
        RawHttpClient.Response r = c.read();
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.text())
            .isEqualTo("503 Service Unavailable: no backend available in pool 'web'\n");
      }
      assertThat(b.requests()).isZero();
    } finally {
      b.close();
    }
  }

  @Test
  void silentBackendIs504AfterTheResponseTimeout() throws Exception {
    TestBackend hole = TestBackend.start("hole").mode(TestBackend.Mode.BLACK_HOLE);
    try (ProxyFixture p =
        proxyWithTimeouts(
            Duration.ofSeconds(1),
            Duration.ofMillis(300),
            TestConfigs.backend(hole.id(), hole.port(), 100))) {
      assertPostTimesOut(
          p, "504 Gateway Timeout: backend did not respond within 300ms (pool 'web')\n");
    } finally {
      hole.close();
    }
  }

  @Test
  void backendThatResetsIs502() throws Exception {
    TestBackend reset = TestBackend.start("reset").mode(TestBackend.Mode.RESET);
    try (ProxyFixture p = new ProxyFixture(TestConfigs.simple("round-robin", reset))) {
      try (RawHttpClient c = new RawHttpClient(p.port())) {
        c.send("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nhi");
        RawHttpClient.Response r = c.read();
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.text())
            .isEqualTo(
                "502 Bad Gateway: backend closed the connection without a response (pool 'web')\n");
      }
    } finally {
      reset.close();
    }
  }

  @Test
  void idempotentRequestsMoveToAHealthyBackendWhenOneRefuses() throws Exception {
    TestBackend good = TestBackend.start("good");
    int deadPort;
    try (ServerSocket s = new ServerSocket(0)) {
      deadPort = s.getLocalPort();
    }
    try (ProxyFixture p =
        new ProxyFixture(
            TestConfigs.builder()
                .listener("web", 0, "web")
                .poolOf(
                    "web",
                    "round-robin",
                    x -> x,
                    List.of(
                        TestConfigs.backend("gone", deadPort, 100),
                        TestConfigs.backend("good", good.port(), 100)))
                .build())) {
      for (int i = 0; i < 20; i++) {
        assertThat(p.get("/").statusCode()).isEqualTo(200);
      }
      await().until(() -> good.requests() == 20);
    } finally {
      good.close();
    }
  }
}
