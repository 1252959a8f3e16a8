package io.ballast.core.config;

import java.nio.file.Path;

/**
 * The admin listener ({@code admin:}): the JSON API, {@code /metrics}, {@code /healthz}, the
 * dashboard.
 *
 * @param enabled false when the config says {@code admin: { enabled: false }}
 * @param listen where it binds; 127.0.0.1:9090 by default
 * @param tokenFile a file holding the bearer token required for writes; {@code null} when unset
 *     (then only loopback binds are allowed)
 */
public record AdminConfig(boolean enabled, HostPort listen, Path tokenFile) {

  /** Admin on 127.0.0.1:9090 without a token. */
  public static AdminConfig defaults() {
    return new AdminConfig(true, new HostPort("127.0.0.1", 9090), null);
  }
}
