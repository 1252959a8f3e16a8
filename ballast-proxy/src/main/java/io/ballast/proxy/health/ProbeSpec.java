package io.ballast.proxy.health;

import java.time.Duration;
import java.util.function.IntPredicate;
import java.util.function.Predicate;

/**
 * What one active health check sends and expects.
 *
 * @param type the kind of check
 * @param timeout the whole check (connect, send, answer) must finish within this
 * @param port a port to check instead of the backend's own (0: the backend's port)
 * @param method HTTP method ({@code http})
 * @param path HTTP path ({@code http})
 * @param host Host header ({@code http}); {@code null}: the backend's address
 * @param expectStatus which statuses count as healthy ({@code http})
 * @param expectBody a substring the body must contain, or {@code null} ({@code http})
 * @param send bytes to send after connecting ({@code tcp-expect}, optionally {@code agent})
 * @param expectReply whether the reply so far matches ({@code tcp-expect}), or {@code null}
 */
public record ProbeSpec(
    Type type,
    Duration timeout,
    int port,
    String method,
    String path,
    String host,
    IntPredicate expectStatus,
    String expectBody,
    byte[] send,
    Predicate<CharSequence> expectReply) {

  /** Kinds of active check. */
  public enum Type {
    /** An HTTP request; healthy on an expected status (and body). */
    HTTP,
    /** A TCP connect; healthy when it succeeds. */
    TCP,
    /** Send bytes, expect a reply pattern (Redis {@code PING} / {@code +PONG}). */
    TCP_EXPECT,
    /** HAProxy agent-check: read the backend's own report of its state and capacity. */
    AGENT
  }
}
