package io.ballast.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.core.config.RouteConfig;
import io.ballast.core.config.RouteMatch;
import io.ballast.testing.NettyLeakCheck;
import io.ballast.testing.RawHttpClient;
import io.ballast.testing.TestBackend;
import io.ballast.testing.TestConfigs;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Routes by host and path prefix, first match wins, default pool otherwise. */
@ExtendWith(NettyLeakCheck.class)
class RoutingTest {
  static TestBackend web;
  static TestBackend api;
  static TestBackend admin;
  static ProxyFixture proxy;

  @BeforeAll
  static void start() {
    web = TestBackend.start("web");
    api = TestBackend.start("api");
    admin = TestBackend.start("admin");
    proxy =
        new ProxyFixture(
            TestConfigs.builder()
                .listener(
                    "web",
                    0,
                    "web",
                    List.of(
                        new RouteConfig(new RouteMatch("admin.example.com", null), "admin"),
                        new RouteConfig(new RouteMatch("*.example.com", "/api"), "api"),
                        new RouteConfig(new RouteMatch(null, "/v2/api/"), "api")),
                    l -> l)
                .pool("web", "round-robin", web)
                .pool("api", "round-robin", api)
                .pool("admin", "round-robin", admin)
                .build());
  }

  @AfterAll
  static void stop() {
    proxy.close();
    web.close();
    api.close();
    admin.close();
  }

  private static String backendFor(String host, String path) throws Exception {
    try (RawHttpClient c = new RawHttpClient(proxy.port())) {
      c.send("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
      return c.read().header("X-Backend");
    }
  }

  @Test
  void routesByHostThenPathPrefix() throws Exception {
    assertThat(backendFor("admin.example.com", "/api/x")).isEqualTo("admin");
    assertThat(backendFor("ADMIN.example.com:8080", "/")).isEqualTo("admin");
    assertThat(backendFor("shop.example.com", "/api")).isEqualTo("api");
    assertThat(backendFor("shop.example.com", "/api/orders?id=1")).isEqualTo("api");
    assertThat(backendFor("shop.example.com", "/api?x=1")).isEqualTo("api");
    assertThat(backendFor("shop.example.com", "/apix")).isEqualTo("web");
    assertThat(backendFor("example.com", "/api")).isEqualTo("web");
    assertThat(backendFor("other.org", "/v2/api/x")).isEqualTo("api");
    assertThat(backendFor("other.org", "/v2/api")).isEqualTo("web");
    assertThat(backendFor("other.org", "/")).isEqualTo("web");
  }

  @Test
  void absoluteFormTargetsRouteByTheirAuthority() throws Exception {
    try (RawHttpClient c = new RawHttpClient(proxy.port())) {
      c.send("GET http://admin.example.com/x HTTP/1.1\r\nHost: ignored.org\r\n\r\n");
      assertThat(c.read().header("X-Backend")).isEqualTo("admin");
    }
  }
}
