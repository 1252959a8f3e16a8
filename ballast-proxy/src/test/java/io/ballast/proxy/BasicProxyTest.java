package io.ballast.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ballast.testing.NettyLeakCheck;
import io.ballast.testing.TestBackend;
import io.ballast.testing.TestConfigs;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NettyLeakCheck.class)
class BasicProxyTest {
  private final List<AutoCloseable> closeables = new ArrayList<>();

  private <T extends AutoCloseable> T track(T t) {
    closeables.add(t);
    return t;
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  @Test
  void roundRobinVisitsEachBackendInTurn() throws Exception {
    TestBackend a = track(TestBackend.start("a"));
    TestBackend b = track(TestBackend.start("b"));
    TestBackend c = track(TestBackend.start("c"));
    ProxyFixture proxy = track(new ProxyFixture(TestConfigs.simple("round-robin", a, b, c)));
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      HttpResponse<String> r = proxy.get("/");
      assertThat(r.statusCode()).isEqualTo(200);
      seen.add(r.body().trim());
    }
    for (int i = 3; i < 30; i++) {
      assertThat(seen.get(i)).isEqualTo(seen.get(i - 3));
    }
    assertThat(seen.subList(0, 3)).containsExactlyInAnyOrder("a", "b", "c");
  }

  @Test
  void aClientAskingToCloseGetsItsWholeResponseThenAnOrderlyClose() throws Exception {
    TestBackend a = track(TestBackend.start("a"));
    ProxyFixture proxy = track(new ProxyFixture(TestConfigs.simple("round-robin", a)));
    for (int i = 0; i < 20; i++) {
      try (Socket s = new Socket("127.0.0.1", proxy.port())) {
        s.setSoTimeout(10_000);
        s.getOutputStream()
            .write(
                "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
        // Everything up to an end of stream (a FIN, not a reset, which would throw here).
        String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(all).startsWith("HTTP/1.1 200 ").contains("\r\nConnection: close\r\n");
        assertThat(all.substring(all.indexOf("\r\n\r\n") + 4).trim()).isEqualTo("a");
      }
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> proxy.server.clientConnections() == 0);
  }
}
