package io.ballast.proxy.handoff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ballast.core.config.BallastConfig;
import io.ballast.core.time.Randoms;
import io.ballast.core.time.Ticker;
import io.ballast.core.world.ControlPlane;
import io.ballast.proxy.ProxyServer;
import io.ballast.testing.NettyLeakCheck;
import io.ballast.testing.RawHttpClient;
import io.ballast.testing.TestBackend;
import io.ballast.testing.TestConfigs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A successor takes the listening sockets over under load: no request fails. */
@ExtendWith(NettyLeakCheck.class)
class ListenerHandoffTest {
  @TempDir Path dir;

  private static ProxyServer node(BallastConfig config, ScheduledExecutorService control) {
    ControlPlane cp = new ControlPlane(control, Ticker.system(), Randoms.threadLocal());
    cp.applyConfig(config).join();
    return new ProxyServer(cp, config.node());
  }

  @Test
  void successorTakesTheSocketsWithoutDroppingARequest() throws Exception {
    assumeTrue(ListenerHandoff.supported(), "needs epoll");
    ScheduledExecutorService control = Executors.newSingleThreadScheduledExecutor();
    ExecutorService load = Executors.newFixedThreadPool(4);
    try (TestBackend backend = TestBackend.start("b")) {
      ProxyServer old = node(TestConfigs.simple("round-robin", backend), control);
      old.start();
      int port = old.port("web");
      Path socket = dir.resolve("handoff.sock");
      AtomicBoolean retired = new AtomicBoolean();
      ListenerHandoff.Server handoff =
          ListenerHandoff.serve(
              socket,
              ListenerHandoff.donor(
                  old::listeningChannels,
                  () -> {
                    old.shutdown(Duration.ofSeconds(5));
                    retired.set(true);
                  }));

      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger ok = new AtomicInteger();
      AtomicInteger failed = new AtomicInteger();
      List<Future<?>> clients = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        boolean keepAlive = t % 2 == 0;
        clients.add(
            load.submit(
                () -> {
                  RawHttpClient c = null;
                  while (!stop.get()) {
                    try {
                      if (c == null) {
                        c = new RawHttpClient(port);
                      }
                      c.send(
                          "GET / HTTP/1.1\r\nHost: t\r\n"
                              + (keepAlive ? "" : "Connection: close\r\n")
                              + "\r\n");
                      RawHttpClient.Response r = c.read();
                      if (r.status() == 200) {
                        ok.incrementAndGet();
                      } else {
                        failed.incrementAndGet();
                      }
                      if (!keepAlive || "close".equalsIgnoreCase(r.header("Connection"))) {
                        c.close();
                        c = null;
                      }
                    } catch (Exception e) {
                      failed.incrementAndGet();
                      System.out.println("failed (keep-alive " + keepAlive + "): " + e);
                      c = null;
                    }
                  }
                  return null;
                }));
      }
      await().until(() -> ok.get() > 200);

      // The successor: same config (same port), adopts the sockets, confirms, the old one goes.
      ListenerHandoff.Taken taken = ListenerHandoff.take(socket, 5_000);
      assertThat(taken.fds()).containsKey("web");
      ProxyServer successor =
          node(
              TestConfigs.builder()
                  .listener("web", port, "web")
                  .pool("web", "round-robin", backend)
                  .build(),
              control);
      successor.start(taken.fds());
      assertThat(successor.port("web")).isEqualTo(port);
      assertThat(taken.confirmServing(10_000)).isTrue();
      await().untilTrue(retired);
      int before = ok.get();
      await().until(() -> ok.get() > before + 200);
      stop.set(true);
      for (Future<?> f : clients) {
        f.get();
      }
      assertThat(failed.get()).as("failed requests during the handoff").isZero();
      handoff.close();
      successor.shutdown(Duration.ofSeconds(2));
    } finally {
      load.shutdownNow();
      control.shutdownNow();
    }
  }
}
