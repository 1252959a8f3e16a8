package io.ballast.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ballast.admin.AdminFixture.Answer;
import io.ballast.admin.overlay.OverlayStore;
import io.ballast.core.model.AdminState;
import io.ballast.core.world.PoolSnapshot;
import io.ballast.testing.NettyLeakCheck;
import io.ballast.testing.RawHttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The admin API over real sockets: reads, changes, and every error with its JSON message. */
@ExtendWith(NettyLeakCheck.class)
class AdminApiTest {
  @TempDir Path dir;

  private AdminFixture admin;
  private Path overlayFile;

  @BeforeEach
  void start() throws Exception {
    overlayFile = dir.resolve("ballast.yaml.runtime.json");
    admin =
        new AdminFixture(
            AdminFixture.twoPools(), OverlayStore.open(overlayFile), UnaryOperator.identity());
  }

  @AfterEach
  void stop() {
    admin.close();
  }

  private PoolSnapshot pool(String name) {
    return admin.controlPlane.current().pool(name);
  }

  // ---- reads ----

  @Test
  void listsPoolsWithCountsAndAlgorithm() throws Exception {
    Answer a = admin.get("/api/v1/pools");
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.header("Content-Type")).isEqualTo("application/json");
    JsonNode pools = a.json().get("pools");
    assertThat(pools).hasSize(2);
    assertThat(pools.get(0).get("name").asText()).isEqualTo("web");
    assertThat(pools.get(0).get("algorithm").asText()).isEqualTo("round-robin");
    assertThat(pools.get(0).get("backend-count").asInt()).isEqualTo(2);
    assertThat(pools.get(0).get("eligible").asInt()).isEqualTo(2);
    assertThat(pools.get(1).get("algorithm").asText()).isEqualTo("least-connections");
    assertThat(a.json().get("generation").asLong()).isPositive();
    // Pretty-printed for people reading it with curl.
    assertThat(a.body()).contains("\n  \"pools\": [").endsWith("}\n");
  }

  @Test
  void showsAPoolWithItsBackendsLiveState() throws Exception {
    Answer a = admin.get("/api/v1/pools/web");
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.json().get("hash-on").asText()).isEqualTo("source-ip");
    JsonNode b = a.json().get("backends").get(1);
    assertThat(b.get("id").asText()).isEqualTo("web-2");
    assertThat(b.get("address").asText()).isEqualTo("127.0.0.1:9002");
    assertThat(b.get("state").asText()).isEqualTo("active");
    assertThat(b.get("healthy").asBoolean()).isTrue();
    assertThat(b.get("weight").asInt()).isEqualTo(50);
    assertThat(b.get("effective-weight").asInt()).isEqualTo(50);
    assertThat(b.get("inflight").asInt()).isZero();
    assertThat(b.get("connections").asInt()).isZero();
    assertThat(b.has("vm")).isTrue();
    assertThat(b.has("host")).isTrue();

    Answer list = admin.get("/api/v1/pools/web/backends");
    assertThat(list.json().get("backends")).hasSize(2);
    assertThat(list.json().get("eligible").asInt()).isEqualTo(2);

    Answer one = admin.get("/api/v1/pools/web/backends/web-1");
    assertThat(one.status()).isEqualTo(200);
    assertThat(one.json().get("id").asText()).isEqualTo("web-1");
    // A trailing slash is tolerated.
    assertThat(admin.get("/api/v1/pools/web/").status()).isEqualTo(200);
  }

  @Test
  void listsListenersAndStatus() throws Exception {
    Answer l = admin.get("/api/v1/listeners");
    assertThat(l.status()).isEqualTo(200);
    JsonNode web = l.json().get("listeners").get(0);
    assertThat(web.get("name").asText()).isEqualTo("web");
    assertThat(web.get("protocol").asText()).isEqualTo("http");
    assertThat(web.get("pool").asText()).isEqualTo("web");
    assertThat(web.get("routes")).isEmpty();
    assertThat(web.get("bound").asBoolean()).isFalse(); // no data plane in this fixture
    assertThat(l.json().get("client-connections").asInt()).isZero();

    Answer s = admin.get("/api/v1/status");
    assertThat(s.json().get("node").asText()).isEqualTo("test");
    assertThat(s.json().get("ready").asBoolean()).isTrue();
    assertThat(s.json().get("pools").asInt()).isEqualTo(2);
    assertThat(s.json().get("backends").asInt()).isEqualTo(3);
    assertThat(s.json().get("overlay").get("file").asText()).isEqualTo(overlayFile.toString());
  }

  @Test
  void probesAnswerPlainText() throws Exception {
    Answer h = admin.get("/healthz");
    assertThat(h.status()).isEqualTo(200);
    assertThat(h.body()).isEqualTo("ok\n");
    assertThat(admin.get("/readyz").status()).isEqualTo(200);
    // HEAD works wherever GET does, without the body.
    try (RawHttpClient c = new RawHttpClient(admin.server.port())) {
      c.send("HEAD /readyz HTTP/1.1\r\nHost: x\r\n\r\n");
      RawHttpClient.Response r = c.read(true);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("content-length")).isEqualTo("6");
      c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(c.read().text()).isEqualTo("ok\n");
    }
  }

  // ---- changes ----

  @Test
  void addsABackendWithLocationAndRecordsIt() throws Exception {
    Answer a =
        admin.send(
            "POST",
            "/api/v1/pools/web/backends",
            """
            {"id": "web-3", "address": "127.0.0.1:9003", "weight": 70, "vm": "vm-3", "host": "hv-b"}
            """);
    assertThat(a.status()).isEqualTo(201);
    assertThat(a.header("Location")).isEqualTo("/api/v1/pools/web/backends/web-3");
    assertThat(a.json().get("id").asText()).isEqualTo("web-3");
    assertThat(a.json().get("vm").asText()).isEqualTo("vm-3");
    assertThat(a.json().get("weight").asInt()).isEqualTo(70);
    assertThat(pool("web").endpoint("web-3")).isNotNull();
    assertThat(admin.get(a.header("Location")).status()).isEqualTo(200);

    // Durable: in the overlay file, human-readable.
    String file = Files.readString(overlayFile);
    assertThat(file).contains("\"web-3\"", "\"127.0.0.1:9003\"", "\"about\"");
    assertThat(OverlayStore.read(overlayFile).pool("web").added()).containsKey("web-3");
  }

  @Test
  void patchesWeightAndState() throws Exception {
    Answer w = admin.send("PATCH", "/api/v1/pools/web/backends/web-1", "{\"weight\": 5}");
    assertThat(w.status()).isEqualTo(200);
    assertThat(w.json().get("weight").asInt()).isEqualTo(5);
    assertThat(pool("web").endpoint("web-1").configuredWeight()).isEqualTo(5);

    Answer s = admin.send("PATCH", "/api/v1/pools/web/backends/web-1", "{\"state\": \"draining\"}");
    assertThat(s.status()).isEqualTo(200);
    assertThat(s.json().get("state").asText()).isEqualTo("draining");
    assertThat(s.json().get("eligible").asBoolean()).isFalse();
    assertThat(pool("web").eligibleCount()).isEqualTo(1);

    Answer both =
        admin.send(
            "PATCH",
            "/api/v1/pools/web/backends/web-2",
            "{\"weight\": 0, \"state\": \"maintenance\"}");
    assertThat(both.json().get("weight").asInt()).isZero();
    assertThat(both.json().get("state").asText()).isEqualTo("maintenance");

    var o = OverlayStore.read(overlayFile).pool("web");
    assertThat(o.weights()).containsEntry("web-1", 5).containsEntry("web-2", 0);
    assertThat(o.states())
        .containsEntry("web-1", AdminState.DRAINING)
        .containsEntry("web-2", AdminState.MAINTENANCE);
  }

  @Test
  void deletesABackendAtOnce() throws Exception {
    Answer d = admin.send("DELETE", "/api/v1/pools/web/backends/web-2", null);
    assertThat(d.status()).isEqualTo(200);
    assertThat(d.json().get("removed").get("id").asText()).isEqualTo("web-2");
    assertThat(pool("web").endpoint("web-2")).isNull();
    assertThat(admin.get("/api/v1/pools/web/backends/web-2").status()).isEqualTo(404);
    assertThat(OverlayStore.read(overlayFile).pool("web").removed()).containsExactly("web-2");
  }

  @Test
  void drainWithWaitRemovesAnIdleBackendAt200() throws Exception {
    Answer d = admin.send("DELETE", "/api/v1/pools/web/backends/web-1?drain=true&wait=5s", null);
    assertThat(d.status()).isEqualTo(200);
    assertThat(d.json().get("drained").asBoolean()).isTrue();
    assertThat(d.json().get("inflight-at-removal").asInt()).isZero();
    assertThat(pool("web").endpoint("web-1")).isNull();
  }

  @Test
  void drainWithoutWaitAnswers202AndRemovesInTheBackground() throws Exception {
    Answer d = admin.send("DELETE", "/api/v1/pools/api/backends/api-1?drain=true", null);
    assertThat(d.status()).isEqualTo(202);
    assertThat(d.header("Location")).isEqualTo("/api/v1/pools/api/backends/api-1");
    assertThat(d.json().get("backend").get("state").asText()).isEqualTo("draining");
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(5))
        .until(() -> pool("api").endpoint("api-1") == null);
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(5))
        .until(() -> OverlayStore.read(overlayFile).pool("api").removed().contains("api-1"));
  }

  @Test
  void clearsTheOverlay() throws Exception {
    admin.send("PATCH", "/api/v1/pools/web/backends/web-1", "{\"weight\": 5}");
    Answer g = admin.get("/api/v1/overlay");
    assertThat(g.json().get("changes").asInt()).isEqualTo(1);
    assertThat(g.json().get("pools").get("web").get("weights").get("web-1").asInt()).isEqualTo(5);

    Answer c = admin.send("DELETE", "/api/v1/overlay", null);
    assertThat(c.status()).isEqualTo(200);
    assertThat(c.json().get("cleared").asInt()).isEqualTo(1);
    assertThat(overlayFile).doesNotExist();
    assertThat(admin.get("/api/v1/overlay").json().get("changes").asInt()).isZero();
    // The running world is unchanged until the next reload.
    assertThat(pool("web").endpoint("web-1").configuredWeight()).isEqualTo(5);
  }

  @Test
  void reloadWithoutAHookAnswers409() throws Exception {
    Answer r = admin.send("POST", "/api/v1/config/reload", null);
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.error()).isEqualTo("this node cannot reload its config");
  }

  // ---- errors ----

  @Test
  void malformedJsonIs400() throws Exception {
    Answer a = admin.send("POST", "/api/v1/pools/web/backends", "{\"id\": ");
    assertThat(a.status()).isEqualTo(400);
    assertThat(a.json().get("status").asInt()).isEqualTo(400);
    assertThat(a.error()).startsWith("the body is not valid JSON: ");

    Answer list = admin.send("POST", "/api/v1/pools/web/backends", "[1, 2]");
    assertThat(list.status()).isEqualTo(400);
    assertThat(list.error()).isEqualTo("expected a JSON object in the request body, got array");

    Answer empty = admin.send("PATCH", "/api/v1/pools/web/backends/web-1", null);
    assertThat(empty.status()).isEqualTo(400);
    assertThat(empty.error()).isEqualTo("expected a JSON object in the request body");
  }

  @Test
  void fieldProblemsAre400NamingTheField() throws Exception {
    assertError(
        admin.send("POST", "/api/v1/pools/web/backends", "{\"address\": \"127.0.0.1:1\"}"),
        400,
        "id: is required");
    assertError(
        admin.send(
            "POST",
            "/api/v1/pools/web/backends",
            "{\"id\": \"x\", \"address\": \"127.0.0.1:1\", \"wieght\": 3}"),
        400,
        "wieght: unknown field; known fields: id, address, weight, vm, host, state,"
            + " max-connections");
    assertError(
        admin.send("PATCH", "/api/v1/pools/web/backends/web-1", "{\"weight\": \"heavy\"}"),
        400,
        "weight: expected an integer, got a string ('heavy')");
    assertError(
        admin.send("PATCH", "/api/v1/pools/web/backends/web-1", "{\"colour\": \"red\"}"),
        400,
        "colour: unknown field; a PATCH may change: weight, state");
    assertError(
        admin.send("PATCH", "/api/v1/pools/web/backends/web-1", "{}"),
        400,
        "expected \"weight\" and/or \"state\", as in {\"weight\": 50} or {\"state\": \"draining\"}");
    assertError(
        admin.send("DELETE", "/api/v1/pools/web/backends/web-1?drain=maybe", null),
        400,
        "query parameter 'drain': expected true or false, got 'maybe'");
  }

  @Test
  void invalidValuesAre422WithTheAllowedRange() throws Exception {
    assertError(
        admin.send("PATCH", "/api/v1/pools/web/backends/web-1", "{\"weight\": 20000}"),
        422,
        "weight: 20000 is out of range 0..10000");
    assertError(
        admin.send("PATCH", "/api/v1/pools/web/backends/web-1", "{\"state\": \"paused\"}"),
        422,
        "state: unknown value 'paused'; expected one of: active, draining, maintenance");
    assertError(
        admin.send(
            "POST",
            "/api/v1/pools/web/backends",
            "{\"id\": \"web-9\", \"address\": \"127.0.0.1:70000\"}"),
        422,
        "address: port 70000 is out of range 1..65535");
    assertError(
        admin.send(
            "POST",
            "/api/v1/pools/web/backends",
            "{\"id\": \"Web 9\", \"address\": \"127.0.0.1:1\"}"),
        422,
        "id: 'Web 9' is not a valid id (lower-case letters, digits, '.', '_', '-'; starting with a"
            + " letter or digit)");
    assertError(
        admin.send("DELETE", "/api/v1/pools/web/backends/web-1?wait=2h", null),
        422,
        "query parameter 'wait': 2h is out of range 0..1h");
    // Nothing was applied or recorded.
    assertThat(pool("web").endpoint("web-1").configuredWeight()).isEqualTo(100);
    assertThat(overlayFile).doesNotExist();
  }

  @Test
  void unknownPoolsAndBackendsAre404NamingThem() throws Exception {
    assertError(admin.get("/api/v1/pools/wbe"), 404, "no pool named 'wbe'; pools are: web, api");
    assertError(
        admin.get("/api/v1/pools/web/backends/web-9"),
        404,
        "pool 'web' has no backend 'web-9'; backends are: web-1, web-2");
    assertError(
        admin.send("PATCH", "/api/v1/pools/web/backends/web-9", "{\"weight\": 1}"),
        404,
        "pool 'web' has no backend 'web-9'; backends are: web-1, web-2");
    assertError(
        admin.send(
            "POST", "/api/v1/pools/nope/backends", "{\"id\": \"a\", \"address\": \"127.0.0.1:1\"}"),
        404,
        "no pool named 'nope'; pools are: web, api");
    assertError(admin.get("/api/v2/pools"), 404, "no such resource: /api/v2/pools");
  }

  @Test
  void wrongMethodIs405WithAllow() throws Exception {
    Answer a = admin.send("PUT", "/api/v1/pools/web/backends/web-1", "{}");
    assertThat(a.status()).isEqualTo(405);
    assertThat(a.header("Allow")).isEqualTo("GET, PATCH, DELETE");
    assertThat(a.error())
        .isEqualTo(
            "PUT is not allowed on /api/v1/pools/web/backends/web-1; allowed: GET, PATCH, DELETE");
    assertThat(admin.send("DELETE", "/api/v1/pools", null).header("Allow")).isEqualTo("GET");
  }

  @Test
  void duplicateIdIs409() throws Exception {
    assertError(
        admin.send(
            "POST",
            "/api/v1/pools/web/backends",
            "{\"id\": \"web-1\", \"address\": \"127.0.0.1:9009\"}"),
        409,
        "pool 'web' already has a backend 'web-1'; remove it first or pick another id");
  }

  @Test
  void nonJsonBodyIs415() throws Exception {
    Answer a =
        admin.send(
            "POST",
            "/api/v1/pools/web/backends",
            "id=web-3&address=127.0.0.1:9003",
            "application/x-www-form-urlencoded");
    assertError(
        a,
        415,
        "the request body must be JSON sent with 'Content-Type: application/json' (got"
            + " 'application/x-www-form-urlencoded'; with curl add -H 'Content-Type:"
            + " application/json')");
    // A JSON type with parameters is fine.
    Answer ok =
        admin.send(
            "PATCH",
            "/api/v1/pools/web/backends/web-1",
            "{\"weight\": 7}",
            "application/json; charset=utf-8");
    assertThat(ok.status()).isEqualTo(200);
  }

  @Test
  void oversizedBodiesAre413() throws Exception {
    try (RawHttpClient c = new RawHttpClient(admin.server.port())) {
      c.send(
          "POST /api/v1/pools/web/backends HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              + "Content-Length: 100000\r\n\r\n");
      RawHttpClient.Response r = c.read();
      assertThat(r.status()).isEqualTo(413);
      assertThat(r.header("content-type")).isEqualTo("application/json");
      JsonNode j = AdminResponse.mapper().readTree(r.body());
      assertThat(j.get("error").asText())
          .isEqualTo("the request body is larger than the admin API accepts (65536 bytes)");
      assertThat(j.get("status").asInt()).isEqualTo(413);
      assertThat(c.closedByServer()).isTrue();
    }
    // Under the limit is fine.
    Answer ok =
        admin.send(
            "PATCH",
            "/api/v1/pools/web/backends/web-1",
            "{\"weight\": 7" + " ".repeat(60_000) + "}");
    assertThat(ok.status()).isEqualTo(200);
  }

  @Test
  void malformedHttpIs400() throws Exception {
    try (RawHttpClient c = new RawHttpClient(admin.server.port())) {
      c.send("GET /api/v1/pools HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n");
      RawHttpClient.Response r = c.read();
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.text()).contains("\"error\": \"malformed HTTP request");
    }
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    try (RawHttpClient c = new RawHttpClient(admin.server.port())) {
      String patch =
          "PATCH /api/v1/pools/web/backends/web-1 HTTP/1.1\r\nHost: x\r\n"
              + "Content-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"weight\": 9}";
      c.send(
          patch
              + "GET /api/v1/pools/web/backends/web-1 HTTP/1.1\r\nHost: x\r\n\r\n"
              + "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
      RawHttpClient.Response first = c.read();
      RawHttpClient.Response second = c.read();
      RawHttpClient.Response third = c.read();
      assertThat(first.status()).isEqualTo(200);
      assertThat(AdminResponse.mapper().readTree(second.body()).get("weight").asInt()).isEqualTo(9);
      assertThat(third.text()).isEqualTo("ok\n");
    }
  }

  @Test
  void manyChangesAreRecordedInOrder() throws Exception {
    List<Integer> statuses = new ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      statuses.add(
          admin
              .send("PATCH", "/api/v1/pools/web/backends/web-2", "{\"weight\": " + i + "}")
              .status());
    }
    assertThat(statuses).containsOnly(200);
    assertThat(pool("web").endpoint("web-2").configuredWeight()).isEqualTo(20);
    assertThat(OverlayStore.read(overlayFile).pool("web").weights()).containsEntry("web-2", 20);
  }

  private static void assertError(Answer a, int status, String message) {
    assertThat(a.status()).as(a.body()).isEqualTo(status);
    assertThat(a.header("Content-Type")).isEqualTo("application/json");
    assertThat(a.json().get("status").asInt()).isEqualTo(status);
    assertThat(a.error()).isEqualTo(message);
  }
}
