package io.ballast.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ballast.core.config.ListenerTimeouts;
import io.ballast.core.config.NodeConfig;
import io.ballast.testing.NettyLeakCheck;
import io.ballast.testing.RawHttpClient;
import io.ballast.testing.TestBackend;
import io.ballast.testing.TestConfigs;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code node.busy-polling}: event loops that never sleep (they use CPU while idle), still proxy,
 * still run their timers when no I/O arrives (an idle connection is closed on time), and still
 * stop.
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
        // Busy polling is on: the idle event loop keeps using CPU. A sleeping loop uses next to
        // none and never gets there.
        long cpu0 = eventLoopCpuNanos();
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> eventLoopCpuNanos() - cpu0 >= Duration.ofMillis(200).toNanos());
        // Nothing more arrives on any socket: only the loop's own timer can close this connection,
        // 300 ms from now. A loop that waited for I/O before running its timers would keep it open
        // until the client's read timeout (10 s), and closedByServer() would answer false.
        assertThat(c.closedByServer()).isTrue();
      }
    }
  }

  /** CPU time of the live {@code ballast-io} event loop threads. */
  private static long eventLoopCpuNanos() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("ballast-io")) {
        sum += Math.max(0, mx.getThreadCpuTime(t.threadId()));
      }
    }
    return sum;
  }
}
