package io.ballast.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.ballast.admin.overlay.OverlayStore;
import io.ballast.core.config.AdminConfig;
import io.ballast.core.config.BallastConfig;
import io.ballast.core.config.HostPort;
import io.ballast.core.time.Randoms;
import io.ballast.core.time.Ticker;
import io.ballast.core.world.ControlPlane;
import io.ballast.testing.TestConfigs;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.UnaryOperator;

/**
 * A control plane with a config (no data plane: the admin API only reads snapshots) behind a real
 * admin server on 127.0.0.1 port 0, and an HTTP client for it.
 */
final class AdminFixture implements AutoCloseable {
  final ScheduledExecutorService control =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "test-control");
            t.setDaemon(true);
            return t;
          });
  final ControlPlane controlPlane =
      new ControlPlane(control, Ticker.system(), Randoms.threadLocal());
  final OverlayStore overlay;
  final RuntimeChanges changes;
  final AdminServer server;
  final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  String token;

  /** A response with its JSON body parsed (or {@code null} when it is not JSON). */
  record Answer(int status, HttpResponse<String> response, JsonNode json) {
    String header(String name) {
      return response.headers().firstValue(name).orElse(null);
    }

    String body() {
      return response.body();
    }

    String error() {
      return json == null || !json.has("error") ? null : json.get("error").asText();
    }
  }

  AdminFixture(
      BallastConfig config, OverlayStore overlay, UnaryOperator<AdminServer.Builder> tweak) {
    this(config, overlay, loopbackAdmin(null), tweak);
  }

  AdminFixture(
      BallastConfig config,
      OverlayStore overlay,
      AdminConfig admin,
      UnaryOperator<AdminServer.Builder> tweak) {
    controlPlane.applyConfig(config).join();
    this.overlay = overlay;
    this.changes = new RuntimeChanges(controlPlane, overlay);
    this.server =
        tweak
            .apply(AdminServer.builder(admin).controlPlane(controlPlane).changes(changes))
            .build()
            .start();
  }

  /** Two pools: web (web-1, web-2) and api (api-1), nothing listening behind them. */
  static BallastConfig twoPools() {
    return TestConfigs.builder()
        .listener("web", 0, "web")
        .poolOf(
            "web",
            "round-robin",
            UnaryOperator.identity(),
            List.of(
                TestConfigs.backend("web-1", 9001, 100), TestConfigs.backend("web-2", 9002, 50)))
        .poolOf(
            "api",
            "least-connections",
            UnaryOperator.identity(),
            List.of(TestConfigs.backend("api-1", 9101, 100)))
        .build();
  }

  static AdminConfig loopbackAdmin(Path tokenFile) {
    return new AdminConfig(true, HostPort.ephemeral("127.0.0.1"), tokenFile);
  }

  String base() {
    return "http://127.0.0.1:" + server.port();
  }

  Answer get(String path) throws IOException, InterruptedException {
    return send("GET", path, null, null);
  }

  Answer send(String method, String path, String json) throws IOException, InterruptedException {
    return send(method, path, json, "application/json");
  }

  Answer send(String method, String path, String body, String contentType)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(10));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      if (contentType != null) {
        b.header("Content-Type", contentType);
      }
      b.method(method, HttpRequest.BodyPublishers.ofString(body));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json = null;
    if (r.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) {
      json = AdminResponse.mapper().readTree(r.body());
    }
    return new Answer(r.statusCode(), r, json);
  }

  @Override
  public void close() {
    server.close();
    changes.close();
    control.shutdownNow();
  }
}
