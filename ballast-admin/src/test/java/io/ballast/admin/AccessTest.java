package io.ballast.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ballast.admin.AdminFixture.Answer;
import io.ballast.admin.internal.AccessPolicy;
import io.ballast.admin.overlay.OverlayStore;
import io.ballast.core.config.AdminConfig;
import io.ballast.core.config.HostPort;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Token rules: who may read, who may change, and how refusals look. */
class AccessTest {
  private static final String TOKEN = "s3cr3t-t0ken";
  private static final String NEW_BACKEND = "{\"id\": \"web-3\", \"address\": \"127.0.0.1:9003\"}";

  @TempDir Path dir;

  private Path tokenFile() throws Exception {
    Path f = dir.resolve("admin.token");
    Files.writeString(f, TOKEN + "\n"); // the trailing newline is not part of the token
    return f;
  }

  @Test
  void withATokenChangesNeedItButLoopbackReadsDoNot() throws Exception {
    try (AdminFixture admin =
        new AdminFixture(
            AdminFixture.twoPools(),
            OverlayStore.inMemory(),
            AdminFixture.loopbackAdmin(tokenFile()),
            UnaryOperator.identity())) {
      assertThat(admin.get("/api/v1/pools").status()).isEqualTo(200);

      Answer missing = admin.send("POST", "/api/v1/pools/web/backends", NEW_BACKEND);
      assertThat(missing.status()).isEqualTo(401);
      assertThat(missing.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"ballast\"");
      assertThat(missing.error())
          .isEqualTo(
              "changes need the admin token: send 'Authorization: Bearer <token>' (the token is"
                  + " in admin.token-file)");

      admin.token = "s3cr3t-t0ke"; // a prefix
      Answer wrong = admin.send("POST", "/api/v1/pools/web/backends", NEW_BACKEND);
      assertThat(wrong.status()).isEqualTo(401);
      assertThat(wrong.header("WWW-Authenticate"))
          .isEqualTo("Bearer realm=\"ballast\", error=\"invalid_token\"");
      assertThat(wrong.error()).isEqualTo("the admin token is wrong");

      admin.token = TOKEN;
      assertThat(admin.send("POST", "/api/v1/pools/web/backends", NEW_BACKEND).status())
          .isEqualTo(201);
      assertThat(admin.get("/api/v1/status").json().get("token-required").asBoolean()).isTrue();
    }
  }

  @Test
  void onAPublicBindEverythingButProbesNeedsTheToken() throws Exception {
    AdminConfig publicAdmin = new AdminConfig(true, HostPort.ephemeral(HostPort.ANY), tokenFile());
    try (AdminFixture admin =
        new AdminFixture(
            AdminFixture.twoPools(),
            OverlayStore.inMemory(),
            publicAdmin,
            UnaryOperator.identity())) {
      Answer read = admin.get("/api/v1/pools");
      assertThat(read.status()).isEqualTo(401);
      assertThat(read.error()).startsWith("this admin API needs the admin token");
      assertThat(admin.get("/healthz").status()).isEqualTo(200);
      assertThat(admin.get("/readyz").status()).isEqualTo(200);
      admin.token = TOKEN;
      assertThat(admin.get("/api/v1/pools").status()).isEqualTo(200);
    }
  }

  @Test
  void aSchemeOtherThanBearerIs401() throws Exception {
    try (AdminFixture admin =
        new AdminFixture(
            AdminFixture.twoPools(),
            OverlayStore.inMemory(),
            AdminFixture.loopbackAdmin(tokenFile()),
            UnaryOperator.identity())) {
      var req =
          java.net.http.HttpRequest.newBuilder(
                  java.net.URI.create(admin.base() + "/api/v1/config/reload"))
              .header("Authorization", "Basic " + TOKEN)
              .POST(java.net.http.HttpRequest.BodyPublishers.noBody())
              .build();
      var r = admin.client.send(req, java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.body()).contains("expected 'Authorization: Bearer <token>'");
    }
  }

  @Test
  void withoutATokenOnlyLoopbackClientsGetIn() throws Exception {
    AccessPolicy open = new AccessPolicy(null, true);
    HttpHeaders none = new DefaultHttpHeaders();
    InetSocketAddress remote = new InetSocketAddress("10.1.2.3", 40000);
    for (Access a : new Access[] {Access.READ, Access.WRITE}) {
      assertThatThrownBy(() -> open.check(a, none, remote))
          .isInstanceOfSatisfying(
              AdminException.class,
              e -> {
                assertThat(e.status()).isEqualTo(403);
                assertThat(e.getMessage())
                    .isEqualTo(
                        "the admin API has no token configured (admin.token-file), so it only"
                            + " accepts requests from this machine");
              });
    }
    open.check(Access.OPEN, none, remote);
    open.check(Access.WRITE, none, new InetSocketAddress("127.0.0.1", 40000));
    open.check(Access.WRITE, none, new InetSocketAddress("::1", 40000));
  }

  @Test
  void tokensAreComparedWhole() {
    AccessPolicy p = new AccessPolicy(TOKEN, true);
    assertThat(p.matches(TOKEN)).isTrue();
    assertThat(p.matches("s3cr3t-t0ke")).isFalse();
    assertThat(p.matches(TOKEN + "x")).isFalse();
    assertThat(p.matches("S3CR3T-T0KEN")).isFalse();
    assertThat(p.matches("")).isFalse();
    assertThat(new AccessPolicy(null, true).matches(TOKEN)).isFalse();
  }

  @Test
  void refusesAPublicBindWithoutAToken() {
    AdminConfig publicAdmin = new AdminConfig(true, HostPort.ephemeral(HostPort.ANY), null);
    assertThatThrownBy(
            () ->
                new AdminFixture(
                    AdminFixture.twoPools(),
                    OverlayStore.inMemory(),
                    publicAdmin,
                    UnaryOperator.identity()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "admin API: 0.0.0.0:0 is reachable from other machines; set admin.token-file so the"
                + " admin API requires a token, or listen on 127.0.0.1");
  }

  @Test
  void refusesAMissingOrEmptyTokenFile() throws Exception {
    Path missing = dir.resolve("nope.token");
    assertThatThrownBy(() -> AdminServer.readToken(missing))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("admin.token-file " + missing + ": no such file");
    Path empty = Files.writeString(dir.resolve("empty.token"), "\n");
    assertThatThrownBy(() -> AdminServer.readToken(empty))
        .hasMessage("admin.token-file " + empty + ": the file is empty");
    Path spaced = Files.writeString(dir.resolve("spaced.token"), "two words\n");
    assertThatThrownBy(() -> AdminServer.readToken(spaced))
        .hasMessage("admin.token-file " + spaced + ": the token must be one line without spaces");
    assertThat(AdminServer.readToken(tokenFile())).isEqualTo(TOKEN);
  }
}
