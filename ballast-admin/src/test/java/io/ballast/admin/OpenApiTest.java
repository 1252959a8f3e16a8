package io.ballast.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ballast.admin.dashboard.Dashboard;
import io.ballast.admin.internal.Router;
import io.ballast.admin.metrics.ProxyMetrics;
import io.ballast.admin.observe.Observability;
import io.ballast.admin.overlay.OverlayStore;
import io.ballast.core.time.Randoms;
import io.ballast.core.time.Ticker;
import io.ballast.core.world.ControlPlane;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

/** The OpenAPI description is served and covers every route the server has. */
class OpenApiTest {

  @Test
  void everyRoutedPathAndMethodIsDescribed() throws Exception {
    // The routes a node adds for observability (metrics, dashboard, event stream) too.
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    ControlPlane world = new ControlPlane(executor, Ticker.system(), Randoms.threadLocal());
    ProxyMetrics metrics = new ProxyMetrics(world, "test", false);
    try (Dashboard dashboard = new Dashboard(world, metrics, "test", listener -> -1);
        AdminFixture admin =
            new AdminFixture(
                AdminFixture.twoPools(),
                OverlayStore.inMemory(),
                b -> Observability.routes(b, metrics, dashboard))) {
      AdminFixture.Answer a = admin.get("/api/v1/openapi.json");
      assertThat(a.status()).isEqualTo(200);
      JsonNode doc = a.json();
      assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");
      JsonNode paths = doc.get("paths");
      assertThat(admin.server.routes()).hasSizeGreaterThan(10);
      for (Router.Route r : admin.server.routes()) {
        String path = r.pattern().pattern();
        assertThat(paths.has(path)).as("OpenAPI describes %s", path).isTrue();
        String method = r.method().name().toLowerCase(Locale.ROOT);
        assertThat(paths.get(path).has(method))
            .as("OpenAPI describes %s %s", r.method(), path)
            .isTrue();
      }
      // And describes nothing that is not routed.
      for (var e : paths.properties()) {
        for (var op : e.getValue().properties()) {
          if (op.getKey().equals("parameters")) {
            continue;
          }
          boolean routed =
              admin.server.routes().stream()
                  .anyMatch(
                      r ->
                          r.pattern().pattern().equals(e.getKey())
                              && r.method().name().equalsIgnoreCase(op.getKey()));
          assertThat(routed).as("%s %s is routed", op.getKey(), e.getKey()).isTrue();
        }
      }
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void everyReferenceResolves() throws Exception {
    JsonNode doc = AdminResponse.mapper().readTree(io.ballast.admin.api.OpenApiResource.load());
    checkRefs(doc, doc);
  }

  private static void checkRefs(JsonNode root, JsonNode node) {
    if (node.isObject()) {
      JsonNode ref = node.get("$ref");
      if (ref != null) {
        String pointer = ref.asText().substring(1); // "#/components/..." → "/components/..."
        assertThat(root.at(pointer).isMissingNode()).as("%s resolves", ref.asText()).isFalse();
      }
      for (var e : node.properties()) {
        checkRefs(root, e.getValue());
      }
    } else if (node.isArray()) {
      for (JsonNode n : node) {
        checkRefs(root, n);
      }
    }
  }
}
