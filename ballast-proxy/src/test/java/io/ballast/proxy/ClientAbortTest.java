package io.ballast.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ballast.core.config.NodeConfig;
import io.ballast.testing.NettyLeakCheck;
import io.ballast.testing.RawHttpClient;
import io.ballast.testing.TestBackend;
import io.ballast.testing.TestConfigs;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A client that goes away while its response is on the way does not cost a backend connection: the
 * proxy reads the rest of the response and pools the connection, unless the response does not end
 * within a second.
 */
@ExtendWith(NettyLeakCheck.class)
class ClientAbortTest {
  TestBackend backend;
  ProxyFixture proxy;

  @BeforeEach
  void start() {
    backend = TestBackend.start("b");
    // One event loop: upstream pools are per loop, and this test counts one pool's connections.
    proxy =
        new ProxyFixture(
            TestConfigs.builder()
                .node(new NodeConfig("test", 1, NodeConfig.Transport.AUTO, Duration.ofSeconds(1)))
                .listener("web", 0, "web")
                .pool("web", "round-robin", backend)
                .build());
  }

  @AfterEach
  void stop() {
    proxy.close();
    backend.close();
  }

  @Test
  void theConnectionOfAnAbandonedResponseIsReused() throws Exception {
    assertThat(get().status()).isEqualTo(200);
    assertThat(backend.connectionsAccepted()).isEqualTo(1);
    backend.delay(300);
    try (RawHttpClient c = new RawHttpClient(proxy.port())) {
      c.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n");
      await().atMost(Duration.ofSeconds(5)).until(() -> backend.requests() == 2);
    } // the client leaves before the response
    backend.delay(0);
    assertThat(backend.openConnections()).isEqualTo(1); // not closed when the client left
    // The response, sent 300 ms later, is read and dropped by the proxy before it sees the next
    // request (the bytes are in its socket before this test connects), and the same connection
    // serves that request.
    await().atMost(Duration.ofSeconds(5)).until(() -> backend.responses() == 2);
    assertThat(get().status()).isEqualTo(200);
    assertThat(backend.requests()).isEqualTo(3);
    assertThat(backend.connectionsAccepted()).isEqualTo(1);
    assertThat(backend.openConnections()).isEqualTo(1);
  }

  @Test
  void aResponseThatDoesNotEndWithinASecondCostsItsConnection() throws Exception {
    assertThat(get().status()).isEqualTo(200);
    backend.mode(TestBackend.Mode.BLACK_HOLE);
    try (RawHttpClient c = new RawHttpClient(proxy.port())) {
      c.send("GET /never HTTP/1.1\r\nHost: t\r\n\r\n");
      await().atMost(Duration.ofSeconds(5)).until(() -> backend.requests() == 2);
    }
    // The drain gives up after a second and closes the connection.
    await().atMost(Duration.ofSeconds(10)).until(() -> backend.openConnections() == 0);
    backend.mode(TestBackend.Mode.NORMAL);
    assertThat(get().status()).isEqualTo(200);
    assertThat(backend.connectionsAccepted()).isEqualTo(2);
  }

  private RawHttpClient.Response get() throws Exception {
    try (RawHttpClient c = new RawHttpClient(proxy.port())) {
      c.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
      return c.read();
    }
  }
}
