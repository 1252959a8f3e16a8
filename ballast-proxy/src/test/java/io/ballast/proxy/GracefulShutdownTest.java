package io.ballast.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ballast.testing.NettyLeakCheck;
import io.ballast.testing.RawHttpClient;
import io.ballast.testing.TestBackend;
import io.ballast.testing.TestConfigs;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Shutdown stops accepting, lets in-flight requests finish, and closes idle connections. */
@ExtendWith(NettyLeakCheck.class)
class GracefulShutdownTest {

  @Test
  void inFlightRequestsCompleteAndIdleConnectionsClose() throws Exception {
    try (TestBackend b = TestBackend.start("b")) {
      ProxyFixture proxy = new ProxyFixture(TestConfigs.simple("round-robin", b));
      int port = proxy.port();
      try (RawHttpClient busy = new RawHttpClient(port);
          RawHttpClient idle = new RawHttpClient(port)) {
        idle.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
        assertThat(idle.read().status()).isEqualTo(200);

        busy.send("GET /delay?ms=600 HTTP/1.1\r\nHost: t\r\n\r\n");
        await().until(() -> b.requests() == 2);

        CompletableFuture<Boolean> clean =
            CompletableFuture.supplyAsync(() -> proxy.server.shutdown(Duration.ofSeconds(10)));

        // The idle keep-alive connection is closed at once.
        assertThat(idle.closedByServer()).isTrue();
        // New connections are refused once listeners are closed.
        await()
            .atMost(Duration.ofSeconds(5))
            .untilAsserted(
                () ->
                    assertThatThrownBy(() -> new RawHttpClient(port).close())
                        .isInstanceOf(IOException.class));
        // The in-flight request completes, told that the connection closes.
        RawHttpClient.Response r = busy.read();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
        assertThat(busy.closedByServer()).isTrue();
        assertThat(clean.get()).isTrue();
      } finally {
        proxy.close();
      }
    }
  }

  @Test
  void requestsStillBusyAtTheDeadlineAreCut() throws Exception {
    try (TestBackend b = TestBackend.start("b")) {
      ProxyFixture proxy = new ProxyFixture(TestConfigs.simple("round-robin", b));
      try (RawHttpClient busy = new RawHttpClient(proxy.port())) {
        busy.send("GET /delay?ms=5000 HTTP/1.1\r\nHost: t\r\n\r\n");
        await().until(() -> b.requests() == 1);
        assertThat(proxy.server.shutdown(Duration.ofMillis(200))).isFalse();
        assertThat(busy.closedByServer()).isTrue();
      } finally {
        proxy.close();
      }
    }
  }
}
