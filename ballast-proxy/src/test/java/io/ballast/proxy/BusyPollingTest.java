package io.ballast.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.core.config.ListenerTimeouts;
import io.ballast.core.config.NodeConfig;
import io.ballast.testing.NettyLeakCheck;
import io.ballast.testing.RawHttpClient;
import io.ballast.testing.TestBackend;
import io.ballast.testing.TestConfigs;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code node.busy-polling}: event loops that never sleep still proxy, still run their timers when
 * no I/O arrives (an idle connection is closed on time), and still stop.
 */
@ExtendWith(NettyLeakCheck.class)
class BusyPollingTest {

  @ParameterizedTest
  @EnumSource(
      value = NodeConfig.Transport.class,
      names = {"AUTO", "NIO"})
  void proxiesAndStillRunsTimersWithNoTraffic(NodeConfig.Transport transport) throws Exception {
    try (TestBackend backend = TestBackend.start("b1");
        ProxyFixture proxy =
            new ProxyFixture(
                TestConfigs.builder()
                    .node(new NodeConfig("test", 1, transport, Duration.ofSeconds(1), true))
                    .listener(
                        "web",
                        0,
                        "web",
                        List.of(),
                        l ->
                            TestConfigs.withTimeouts(
                                l,
                                new ListenerTimeouts(
                                    Duration.ofSeconds(10),
                                    Duration.ofMillis(300),
                                    Duration.ofSeconds(10))))
                    .pool("web", "round-robin", backend)
                    .build())) {
      try (RawHttpClient c = new RawHttpClient(proxy.port(), 10_000)) {
        c.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
        RawHttpClient.Response r = c.read();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("x-backend")).isEqualTo("b1");
        // Nothing more arrives on any socket: only the loop's own timer can close this connection,
        // 300 ms from now. A loop that waited for I/O before running its timers would keep it open
        // until the client's read timeout (10 s), and closedByServer() would answer false.
        assertThat(c.closedByServer()).isTrue();
      }
    }
  }
}
