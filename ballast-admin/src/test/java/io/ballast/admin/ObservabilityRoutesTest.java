package io.ballast.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.admin.dashboard.Dashboard;
import io.ballast.admin.metrics.ProxyMetrics;
import io.ballast.admin.observe.Observability;
import io.ballast.admin.overlay.OverlayStore;
import io.ballast.core.time.Randoms;
import io.ballast.core.time.Ticker;
import io.ballast.core.world.ControlPlane;
import io.ballast.testing.NettyLeakCheck;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The routes a node adds for observability, on a real admin server. */
@ExtendWith(NettyLeakCheck.class)
class ObservabilityRoutesTest {

  @Test
  void metricsDashboardFilesAndTheEventStream() throws Exception {
    // The metrics and dashboard watch their own world with the same two pools.
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    ControlPlane world = new ControlPlane(executor, Ticker.system(), Randoms.threadLocal());
    world.applyConfig(AdminFixture.twoPools()).join();
    ProxyMetrics m = new ProxyMetrics(world, "edge-1", false);
    try (Dashboard d = new Dashboard(world, m, "edge-1", l -> -1);
        AdminFixture base =
            new AdminFixture(
                AdminFixture.twoPools(),
                OverlayStore.inMemory(),
                b -> Observability.routes(b, m, d))) {
      AdminServer server = base.server;
      AdminFixture.Answer metricsAnswer = base.get("/metrics");
      assertThat(metricsAnswer.status()).isEqualTo(200);
      assertThat(metricsAnswer.header("Content-Type"))
          .isEqualTo("text/plain; version=0.0.4; charset=utf-8");
      assertThat(metricsAnswer.body())
          .contains("ballast_backend_weight{backend=\"web-2\",pool=\"web\"} 50.0")
          .contains("ballast_node_info{node=\"edge-1\"} 1");

      AdminFixture.Answer redirect = base.get("/dashboard");
      assertThat(redirect.status()).isEqualTo(308);
      assertThat(redirect.header("Location")).isEqualTo("/dashboard/");

      AdminFixture.Answer page = base.get("/dashboard/");
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
      assertThat(page.header("Content-Security-Policy")).startsWith("default-src 'self'");
      assertThat(page.body()).contains("<script src=\"vendor/chart.umd.js\" defer></script>");

      AdminFixture.Answer chart = base.get("/dashboard/vendor/chart.umd.js");
      assertThat(chart.status()).isEqualTo(200);
      assertThat(chart.header("Content-Type")).isEqualTo("text/javascript; charset=utf-8");
      assertThat(chart.body()).contains("Chart.js v4");
      assertThat(base.get("/dashboard/dashboard.js").status()).isEqualTo(200);
      assertThat(base.get("/dashboard/dashboard.css").status()).isEqualTo(200);
      assertThat(base.get("/dashboard/pom.xml").status()).isEqualTo(404);
      assertThat(base.get("/dashboard/%2e%2e/openapi.json").status()).isEqualTo(404);

      // The event stream: history first, then a view within a second or two.
      try (Socket s = new Socket("127.0.0.1", server.port())) {
        s.setSoTimeout(10_000);
        s.getOutputStream()
            .write(
                "GET /api/v1/stream HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        StringBuilder got = new StringBuilder();
        byte[] buf = new byte[8192];
        while (!got.toString().contains("event: view")) {
          int n = in.read(buf);
          if (n < 0) {
            break;
          }
          got.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        }
        assertThat(got.toString())
            .contains("content-type: text/event-stream")
            .contains("event: history\ndata: {\"node\":\"edge-1\"")
            .contains("event: view\ndata: {")
            .contains("\"key\":\"web/web-1\"");
      }
    } finally {
      executor.shutdownNow();
    }
  }
}
