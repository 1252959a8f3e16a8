package io.ballast.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.core.balance.BalancerRegistry;
import io.ballast.core.config.AccessLogConfig.Format;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code listeners[].access-log}: every form it takes, and every mistake, with exact messages. */
class AccessLogConfigTest {
  private static final BalancerRegistry REGISTRY = BalancerRegistry.defaults();

  private static String withAccessLog(String accessLog) {
    return withAccessLog(accessLog, "http");
  }

  private static String withAccessLog(String accessLog, String protocol) {
    return """
        listeners:
          - name: web
            listen: 0.0.0.0:8080
            protocol: %s
            pool: web
            access-log: %s
        pools:
          - name: web
            backends:
              - { id: web-1, address: 10.0.0.11:8080 }
        """
        .formatted(protocol, accessLog);
  }

  private static ConfigLoader.Result validate(String yaml) {
    return ConfigLoader.validate(yaml, "ballast.yaml", null, () -> "h", REGISTRY);
  }

  private static AccessLogConfig load(String accessLog) {
    ConfigLoader.Result r = validate(withAccessLog(accessLog));
    assertThat(r.errors()).isEmpty();
    return r.config().listeners().get(0).accessLog();
  }

  private static List<String> errors(String accessLog) {
    ConfigLoader.Result r = validate(withAccessLog(accessLog));
    assertThat(r.config()).isNull();
    return r.errors().stream().map(ConfigError::toString).toList();
  }

  @Test
  void offUnlessConfigured() {
    ConfigLoader.Result r =
        validate(
            """
            listeners: [ { name: web, listen: 0.0.0.0:8080, pool: web } ]
            pools: [ { name: web } ]
            """);
    assertThat(r.config().listeners().get(0).accessLog()).isEqualTo(AccessLogConfig.OFF);
    assertThat(AccessLogConfig.OFF.enabled()).isFalse();
  }

  @Test
  void everyKey() {
    AccessLogConfig c = load("{ format: combined, to: /var/log/ballast/web.log, buffer: 1024 }");
    assertThat(c)
        .isEqualTo(new AccessLogConfig(Format.COMBINED, Path.of("/var/log/ballast/web.log"), 1024));
    assertThat(c.target()).isEqualTo("/var/log/ballast/web.log");
    assertThat(c.enabled()).isTrue();
  }

  @Test
  void defaults() {
    assertThat(load("{ }"))
        .isEqualTo(new AccessLogConfig(Format.JSON, null, AccessLogConfig.DEFAULT_BUFFER));
    assertThat(load("{ format: common, to: stdout }"))
        .isEqualTo(new AccessLogConfig(Format.COMMON, null, 8192));
    assertThat(load("{ format: common }").target()).isEqualTo("stdout");
    assertThat(load("{ format: off, to: /tmp/x.log }").enabled()).isFalse();
  }

  @Test
  void aFormatAloneLogsToStdout() {
    assertThat(load("json")).isEqualTo(new AccessLogConfig(Format.JSON, null, 8192));
    assertThat(load("combined").format()).isEqualTo(Format.COMBINED);
    // Unquoted, YAML reads 'off' as a boolean; it still means the format.
    assertThat(load("off")).isEqualTo(AccessLogConfig.OFF);
    assertThat(load("{ format: off }").format()).isEqualTo(Format.OFF);
  }

  @Test
  void aRelativeFileIsResolvedAgainstTheConfigFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("ballast.yaml");
    Files.writeString(file, withAccessLog("{ format: json, to: logs/web.log }"));
    ConfigLoader.Result r = ConfigLoader.validate(file, REGISTRY);
    assertThat(r.errors()).isEmpty();
    assertThat(r.config().listeners().get(0).accessLog().file())
        .isEqualTo(dir.resolve("logs/web.log"));
  }

  @Test
  void mistakes() {
    assertThat(errors("{ format: apache }"))
        .containsExactly(
            "ballast.yaml:6 listeners[0].access-log.format: unknown value 'apache'; expected one"
                + " of: off, json, common, combined");
    assertThat(errors("{ fromat: json }"))
        .containsExactly(
            "ballast.yaml:6 listeners[0].access-log.fromat: unknown key (did you mean 'format'?)");
    assertThat(errors("{ format: json, buffer: 4 }"))
        .containsExactly(
            "ballast.yaml:6 listeners[0].access-log.buffer: 4 is out of range 16..1000000");
    assertThat(errors("{ format: json, buffer: lots }"))
        .containsExactly(
            "ballast.yaml:6 listeners[0].access-log.buffer: expected an integer, got 'lots'");
    assertThat(errors("{ format: json, to: '' }"))
        .containsExactly("ballast.yaml:6 listeners[0].access-log.to: must not be empty");
    assertThat(errors("jsonl"))
        .containsExactly(
            "ballast.yaml:6 listeners[0].access-log: unknown value 'jsonl' (did you mean 'json'?);"
                + " expected one of: off, json, common, combined");
    assertThat(errors("[ json ]"))
        .containsExactly(
            "ballast.yaml:6 listeners[0].access-log: expected one of off, json, common, combined,"
                + " got a list");
  }

  @Test
  void aTcpListenerWarns() {
    ConfigLoader.Result r = validate(withAccessLog("json", "tcp"));
    assertThat(r.errors()).isEmpty();
    assertThat(r.warnings().stream().map(ConfigError::toString))
        .containsExactly(
            "ballast.yaml:4 listeners[0].protocol: tcp listeners are not served by this version yet: `run` refuses them",
            "ballast.yaml:6 listeners[0].access-log: has no effect on a tcp listener (it logs HTTP"
                + " requests)");
  }
}
