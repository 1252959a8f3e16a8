package io.ballast.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.core.config.ForwardedConfig;
import io.ballast.testing.NettyLeakCheck;
import io.ballast.testing.RawHttpClient;
import io.ballast.testing.TestBackend;
import io.ballast.testing.TestConfigs;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** HTTP/1.1 intermediary behaviour, checked on the wire against a real backend. */
@ExtendWith(NettyLeakCheck.class)
class HttpSemanticsTest {
  static TestBackend backend;
  static ProxyFixture proxy;

  @BeforeAll
  static void start() {
    backend = TestBackend.start("b1");
    proxy = new ProxyFixture(TestConfigs.simple("round-robin", backend));
  }

  @AfterAll
  static void stop() {
    proxy.close();
    backend.close();
  }

  private static RawHttpClient client() throws Exception {
    return new RawHttpClient(proxy.port());
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    try (RawHttpClient c = client()) {
      // The first is the slowest: answers must still come back in request order.
      c.send(
          "GET /delay?ms=150 HTTP/1.1\r\nHost: t\r\n\r\n"
              + "GET /status?code=201 HTTP/1.1\r\nHost: t\r\n\r\n"
              + "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello"
              + "GET /headers HTTP/1.1\r\nHost: t\r\n\r\n");
      RawHttpClient.Response r1 = c.read();
      RawHttpClient.Response r2 = c.read();
      RawHttpClient.Response r3 = c.read();
      RawHttpClient.Response r4 = c.read();
      assertThat(r1.status()).isEqualTo(200);
      assertThat(r1.text()).isEqualTo("b1\n");
      assertThat(r2.status()).isEqualTo(201);
      assertThat(r3.text()).isEqualTo("5\n");
      assertThat(r4.text()).startsWith("GET /headers HTTP/1.1");
    }
  }

  @Test
  void expectContinueIsRelayedBeforeTheBody() throws Exception {
    try (RawHttpClient c = client()) {
      c.send(
          "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\nExpect: 100-continue\r\n\r\n");
      RawHttpClient.Response interim = c.read();
      assertThat(interim.status()).isEqualTo(100);
      c.send("hello world");
      RawHttpClient.Response r = c.read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("11\n");
    }
  }

  @Test
  void hopByHopFieldsAreRemovedInBothDirections() throws Exception {
    try (RawHttpClient c = client()) {
      c.send(
          "GET /headers HTTP/1.1\r\nHost: shop.example\r\n"
              + "Connection: keep-alive, X-Hop\r\nX-Hop: 1\r\nKeep-Alive: timeout=9\r\n"
              + "TE: trailers\r\nProxy-Connection: keep-alive\r\nUpgrade: h2c\r\n"
              + "X-End-To-End: 1\r\n\r\n");
      RawHttpClient.Response r = c.read();
      String seen = r.text().toLowerCase(java.util.Locale.ROOT);
      assertThat(seen)
          .contains("x-end-to-end: 1")
          .contains("host: shop.example")
          .doesNotContain("x-hop")
          .doesNotContain("keep-alive: timeout")
          .doesNotContain("te: trailers")
          .doesNotContain("proxy-connection")
          .doesNotContain("upgrade")
          .doesNotContain("connection:");

      c.send("GET /hop HTTP/1.1\r\nHost: t\r\n\r\n");
      RawHttpClient.Response hop = c.read();
      assertThat(hop.status()).isEqualTo(200);
      assertThat(hop.header("X-Kept")).isEqualTo("yes");
      assertThat(hop.header("X-Private")).isNull();
      assertThat(hop.header("Keep-Alive")).isNull();
      assertThat(hop.header("Proxy-Connection")).isNull();
      assertThat(hop.header("Connection")).isNull();
    }
  }

  @Test
  void forwardingHeadersReplaceWhatTheClientClaims() throws Exception {
    try (RawHttpClient c = client()) {
      c.send(
          "GET /headers HTTP/1.1\r\nHost: shop.example:8080\r\nX-Forwarded-For: 6.6.6.6\r\n"
              + "X-Forwarded-Proto: https\r\n\r\n");
      String seen = c.read().text();
      assertThat(seen)
          .contains("X-Forwarded-For: 127.0.0.1")
          .doesNotContain("6.6.6.6")
          .contains("X-Forwarded-Proto: http")
          .doesNotContain("https")
          .contains("X-Forwarded-Host: shop.example:8080")
          .contains("Host: shop.example:8080");
    }
  }

  @Test
  void forwardedHeaderAndTrustedChainsWhenConfigured() throws Exception {
    TestBackend b = TestBackend.start("fw");
    ForwardedConfig trusting = new ForwardedConfig(true, true, true, true, true);
    try (ProxyFixture p =
        new ProxyFixture(
            TestConfigs.builder()
                .listener("web", 0, "web", List.of(), l -> TestConfigs.withForwarded(l, trusting))
                .pool("web", "round-robin", b)
                .build())) {
      try (RawHttpClient c = new RawHttpClient(p.port())) {
        c.send(
            "GET /headers HTTP/1.1\r\nHost: a.example\r\nX-Forwarded-For: 10.1.1.1\r\n"
                + "Forwarded: for=10.1.1.1\r\n\r\n");
        String seen = c.read().text();
        assertThat(seen)
            .contains("X-Forwarded-For: 10.1.1.1, 127.0.0.1")
            .contains("Forwarded: for=10.1.1.1, for=127.0.0.1;proto=http;host=\"a.example\"");
      }
    } finally {
      b.close();
    }
  }

  @Test
  void http10ClientsWithoutHostAreServedAndClosed() throws Exception {
    try (RawHttpClient c = client()) {
      c.send("GET / HTTP/1.0\r\n\r\n");
      RawHttpClient.Response r = c.read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("b1\n");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void http10KeepAliveIsHonouredWhenTheLengthIsKnown() throws Exception {
    try (RawHttpClient c = client()) {
      c.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
      RawHttpClient.Response r = c.read();
      assertThat(r.header("Connection")).isEqualToIgnoringCase("keep-alive");
      c.send("GET /status?code=202 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
      assertThat(c.read().status()).isEqualTo(202);
    }
  }

  @Test
  void http10ClientsGetChunkedBodiesDechunked() throws Exception {
    try (RawHttpClient c = client()) {
      c.send("GET /download?bytes=100000&chunked=true HTTP/1.0\r\n\r\n");
      RawHttpClient.Response r = c.read();
      assertThat(r.header("Transfer-Encoding")).isNull();
      assertThat(r.body()).hasSize(100_000);
    }
  }

  @Test
  void chunkedBodiesStreamThroughBothWays() throws Exception {
    try (RawHttpClient c = client()) {
      c.send(
          "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
              + "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n");
      RawHttpClient.Response r = c.read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("Transfer-Encoding")).isEqualToIgnoringCase("chunked");
      assertThat(r.text()).isEqualTo("hello world");
    }
  }

  @Test
  void headResponsesHaveNoBody() throws Exception {
    try (RawHttpClient c = client()) {
      c.send("HEAD / HTTP/1.1\r\nHost: t\r\n\r\nGET / HTTP/1.1\r\nHost: t\r\n\r\n");
      RawHttpClient.Response head = c.read(true);
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.header("Content-Length")).isEqualTo("3");
      assertThat(c.read().text()).isEqualTo("b1\n");
    }
  }

  @Test
  void upstreamConnectionsAreReused() throws Exception {
    int before = backend.connectionsAccepted();
    try (RawHttpClient c = client()) {
      for (int i = 0; i < 50; i++) {
        c.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
        assertThat(c.read().status()).isEqualTo(200);
      }
    }
    // One client connection at a time needs at most one upstream connection per event loop.
    assertThat(backend.connectionsAccepted() - before).isLessThanOrEqualTo(2);
  }

  @Test
  void protocolUpgradeBecomesATunnel() throws Exception {
    try (RawHttpClient c = client()) {
      c.send("GET /ws HTTP/1.1\r\nHost: t\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n");
      RawHttpClient.Response r = c.read(true);
      assertThat(r.status()).isEqualTo(101);
      assertThat(r.header("Upgrade")).isEqualTo("echo");
      c.send("ping-over-tunnel");
      assertThat(new String(c.readBytes(16), StandardCharsets.ISO_8859_1))
          .isEqualTo("ping-over-tunnel");
      c.send("second");
      assertThat(new String(c.readBytes(6), StandardCharsets.ISO_8859_1)).isEqualTo("second");
    }
  }
}
