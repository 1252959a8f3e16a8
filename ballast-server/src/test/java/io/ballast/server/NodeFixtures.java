package io.ballast.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ballast.core.config.AdminConfig;
import io.ballast.core.config.BallastConfig;
import io.ballast.core.config.HostPort;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/** Helpers for node-level tests: free ports, admin configs, an admin API client. */
public final class NodeFixtures {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private NodeFixtures() {}

  /** A port free right now on 127.0.0.1 (for config files, which cannot say port 0). */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  /** The same config with the admin API on 127.0.0.1, a free port, optionally with a token. */
  public static BallastConfig withAdmin(BallastConfig c, Path tokenFile) {
    return new BallastConfig(
        c.source(),
        c.node(),
        new AdminConfig(true, HostPort.ephemeral("127.0.0.1"), tokenFile),
        c.logging(),
        c.listeners(),
        c.pools());
  }

  /** An admin API answer. */
  public record Answer(int status, String body, JsonNode json) {}

  /** Calls a node's admin API. */
  public static Answer call(Node node, String method, String path, String json) throws Exception {
    return call(node, method, path, json, null);
  }

  /** Calls a node's admin API with a bearer token. */
  public static Answer call(Node node, String method, String path, String json, String token)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(node.admin().baseUrl() + path))
            .timeout(Duration.ofSeconds(30));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (json != null) {
      b.header("Content-Type", "application/json");
      b.method(method, HttpRequest.BodyPublishers.ofString(json));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode j =
        r.headers().firstValue("Content-Type").orElse("").startsWith("application/json")
            ? MAPPER.readTree(r.body())
            : null;
    return new Answer(r.statusCode(), r.body(), j);
  }

  /** A GET through the proxy. */
  public static HttpResponse<String> proxyGet(Node node, String path) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.proxy().port("web") + path))
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The shared HTTP client. */
  public static HttpClient client() {
    return CLIENT;
  }
}
