package io.ballast.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ballast.admin.overlay.OverlayStore;
import io.ballast.testing.NettyLeakCheck;
import io.ballast.testing.RawHttpClient;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What later parts build on: extra routes (metrics, dashboard files), streams, readiness. */
@ExtendWith(NettyLeakCheck.class)
class ExtensionTest {

  @Test
  void extraRoutesServeTextFilesAndStreams() throws Exception {
    AtomicBoolean clientGone = new AtomicBoolean();
    AtomicReference<ResponseStream> held = new AtomicReference<>();
    try (AdminFixture admin =
        new AdminFixture(
            AdminFixture.twoPools(),
            OverlayStore.inMemory(),
            b ->
                b.route(
                        HttpMethod.GET,
                        "/metrics",
                        AdminHandler.sync(
                            r -> AdminResponse.text(HttpResponseStatus.OK, "ballast_up 1\n")))
                    .route(
                        HttpMethod.GET,
                        "/dashboard/{*file}",
                        AdminHandler.sync(
                            r ->
                                AdminResponse.of(
                                    HttpResponseStatus.OK,
                                    "text/html",
                                    ("file=" + r.pathParam("file"))
                                        .getBytes(StandardCharsets.UTF_8))))
                    .route(
                        HttpMethod.GET,
                        "/api/v1/events",
                        AdminHandler.sync(
                            r ->
                                AdminResponse.stream(
                                    "text/event-stream",
                                    s -> {
                                      s.write("data: one\n\n");
                                      s.write("data: two\n\n");
                                      s.close();
                                    })))
                    .route(
                        HttpMethod.GET,
                        "/api/v1/forever",
                        AdminHandler.sync(
                            r ->
                                AdminResponse.stream(
                                    "text/event-stream",
                                    s -> {
                                      s.onClose(() -> clientGone.set(true));
                                      held.set(s);
                                      s.write("data: hello\n\n");
                                    }))))) {
      AdminFixture.Answer m = admin.get("/metrics");
      assertThat(m.status()).isEqualTo(200);
      assertThat(m.body()).isEqualTo("ballast_up 1\n");
      assertThat(m.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");

      assertThat(admin.get("/dashboard/").body()).isEqualTo("file=");
      assertThat(admin.get("/dashboard/js/app.js").body()).isEqualTo("file=js/app.js");

      // A stream, then another request on the same connection.
      try (RawHttpClient c = new RawHttpClient(admin.server.port())) {
        c.send("GET /api/v1/events HTTP/1.1\r\nHost: x\r\n\r\n");
        RawHttpClient.Response r = c.read();
        assertThat(r.header("content-type")).isEqualTo("text/event-stream");
        assertThat(r.header("transfer-encoding")).isEqualTo("chunked");
        assertThat(r.text()).isEqualTo("data: one\n\ndata: two\n\n");
        c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(c.read().text()).isEqualTo("ok\n");
      }

      // A stream the client leaves: the producer hears of it.
      try (RawHttpClient c = new RawHttpClient(admin.server.port())) {
        c.send("GET /api/v1/forever HTTP/1.1\r\nHost: x\r\n\r\n");
        Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> held.get() != null);
        assertThat(held.get().isOpen()).isTrue();
      }
      Awaitility.await().atMost(5, TimeUnit.SECONDS).untilTrue(clientGone);
      assertThat(held.get().isOpen()).isFalse();
      held.get().write("ignored after close");
    }
  }

  @Test
  void routesCannotBeRegisteredTwice() {
    assertThatThrownBy(
            () ->
                new AdminFixture(
                    AdminFixture.twoPools(),
                    OverlayStore.inMemory(),
                    b ->
                        b.route(
                            HttpMethod.GET,
                            "/healthz",
                            AdminHandler.sync(r -> AdminResponse.text(HttpResponseStatus.OK, "")))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("route GET /healthz is already registered");
  }

  @Test
  void readinessFollowsTheNode() throws Exception {
    AtomicBoolean ready = new AtomicBoolean(false);
    try (AdminFixture admin =
        new AdminFixture(
            AdminFixture.twoPools(), OverlayStore.inMemory(), b -> b.readiness(ready::get))) {
      AdminFixture.Answer starting = admin.get("/readyz");
      assertThat(starting.status()).isEqualTo(503);
      assertThat(starting.body()).isEqualTo("not ready\n");
      assertThat(admin.get("/healthz").status()).isEqualTo(200);
      ready.set(true);
      assertThat(admin.get("/readyz").status()).isEqualTo(200);
    }
  }

  @Test
  void handlerFailuresAre500WithTheReason() throws Exception {
    try (AdminFixture admin =
        new AdminFixture(
            AdminFixture.twoPools(),
            OverlayStore.inMemory(),
            b ->
                b.route(
                    HttpMethod.GET,
                    "/boom",
                    AdminHandler.sync(
                        r -> {
                          throw new IllegalStateException("kaput");
                        })))) {
      AdminFixture.Answer a = admin.get("/boom");
      assertThat(a.status()).isEqualTo(500);
      assertThat(a.error()).isEqualTo("internal error: java.lang.IllegalStateException: kaput");
    }
  }
}
