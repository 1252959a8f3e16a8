package io.ballast.core.config;

import java.time.Duration;

/**
 * Client-side timeouts ({@code timeouts:} on a listener). Zero disables one.
 *
 * @param clientHeader time allowed from a request's first byte to the end of its header block
 *     (slowloris defence); 408 after it
 * @param idle time a client connection may sit with no request in progress and no traffic
 * @param clientBody longest pause between two pieces of a request body
 */
public record ListenerTimeouts(Duration clientHeader, Duration idle, Duration clientBody) {

  /** 10 s for headers, 60 s idle, 30 s between body pieces. */
  public static ListenerTimeouts defaults() {
    return new ListenerTimeouts(
        Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(30));
  }
}
