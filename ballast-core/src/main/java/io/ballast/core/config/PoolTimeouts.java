package io.ballast.core.config;

import java.time.Duration;

/**
 * Upstream timeouts ({@code timeouts:} on a pool). Zero disables one.
 *
 * @param connect TCP connect to a backend; 502 (or a retry) after it
 * @param response from the request's last byte sent to the response's first byte; 504 after it
 * @param idle longest silence on an upstream connection while a response is streaming
 */
public record PoolTimeouts(Duration connect, Duration response, Duration idle) {

  /** 1 s connect, 30 s response, 60 s idle. */
  public static PoolTimeouts defaults() {
    return new PoolTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(60));
  }
}
