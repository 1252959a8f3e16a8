package io.ballast.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.core.balance.BalancerRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code persistence:} on a pool: every mode reads its own keys, and mistakes are explained. */
class PersistenceConfigTest {

  private static ConfigLoader.Result load(String persistence) {
    String yaml =
        """
        listeners:
          - { name: web, listen: 0.0.0.0:8080, pool: web }
        pools:
          - name: web
            persistence: %s
            backends:
              - { id: a, address: 10.0.0.1:80 }
        """
            .formatted(persistence);
    return ConfigLoader.validate(
        yaml, "ballast.yaml", null, () -> "h", BalancerRegistry.defaults());
  }

  private static List<String> errors(String persistence) {
    ConfigLoader.Result r = load(persistence);
    assertThat(r.config()).isNull();
    return r.errors().stream().map(ConfigError::toString).toList();
  }

  @Test
  void cookieWithEveryOption() {
    PersistenceConfig p =
        load("{ type: cookie, name: SRVID, ttl: 30m, secure: true, http-only: false,"
                + " same-site: strict, domain: example.com, path: /app }")
            .config()
            .pools()
            .get(0)
            .persistence();
    assertThat(p.type()).isEqualTo(PersistenceConfig.Type.COOKIE);
    assertThat(p.name()).isEqualTo("SRVID");
    assertThat(p.ttl()).isEqualTo(Duration.ofMinutes(30));
    assertThat(p.secure()).isTrue();
    assertThat(p.httpOnly()).isFalse();
    assertThat(p.sameSite()).isEqualTo("strict");
    assertThat(p.domain()).isEqualTo("example.com");
    assertThat(p.path()).isEqualTo("/app");
  }

  @Test
  void defaultsPerMode() {
    PersistenceConfig cookie = load("{ type: cookie }").config().pools().get(0).persistence();
    assertThat(cookie.name()).isEqualTo("BALLAST");
    assertThat(cookie.ttl()).isZero();
    assertThat(cookie.httpOnly()).isTrue();
    assertThat(cookie.sameSite()).isEqualTo("lax");
    PersistenceConfig app =
        load("{ type: app-cookie, name: JSESSIONID }").config().pools().get(0).persistence();
    assertThat(app.ttl()).isEqualTo(Duration.ofMinutes(30));
    assertThat(app.maxEntries()).isEqualTo(100_000);
    PersistenceConfig src =
        load("{ type: source-ip, mode: hash }").config().pools().get(0).persistence();
    assertThat(src.sourceMode()).isEqualTo(PersistenceConfig.SourceMode.HASH);
    assertThat(load("{ type: none }").config().pools().get(0).persistence().enabled()).isFalse();
  }

  @Test
  void mistakesAreExplained() {
    assertThat(errors("{ name: X }"))
        .containsExactly(
            "ballast.yaml:5 pools[0].persistence.type: is required (cookie, app-cookie, source-ip or none)",
            "ballast.yaml:5 pools[0].persistence.name: unknown key; known keys here: type");
    assertThat(errors("{ type: sticky }"))
        .containsExactly(
            "ballast.yaml:5 pools[0].persistence.type: unknown value 'sticky'; expected one of: none, cookie, app-cookie, source-ip");
    assertThat(errors("{ type: app-cookie }"))
        .containsExactly("ballast.yaml:5 pools[0].persistence.name: is required");
    assertThat(errors("{ type: cookie, same-site: none }"))
        .containsExactly(
            "ballast.yaml:5 pools[0].persistence.same-site: SameSite=None requires secure: true (browsers reject it otherwise)");
    assertThat(errors("{ type: cookie, name: \"a b\" }"))
        .containsExactly(
            "ballast.yaml:5 pools[0].persistence.name: 'a b' is not a valid cookie name");
    assertThat(errors("{ type: cookie, mode: hash }"))
        .containsExactly(
            "ballast.yaml:5 pools[0].persistence.mode: unknown key; known keys here: type, name,"
                + " ttl, secure, http-only, same-site, domain, path, secret-file");
    assertThat(errors("{ type: source-ip, ttl: soon }"))
        .containsExactly(
            "ballast.yaml:5 pools[0].persistence.ttl: 'soon' is not a duration (examples: 250ms, 30s, 5m, 1m30s)");
  }
}
