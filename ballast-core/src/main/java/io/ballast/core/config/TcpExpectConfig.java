package io.ballast.core.config;

import java.util.Objects;

/**
 * A send-and-expect TCP check ({@code type: tcp-expect}), such as Redis {@code send: "PING\r\n"},
 * {@code expect: "+PONG"}.
 *
 * @param send bytes written after connecting; {@link Payload#EMPTY} to only read (a greeting such
 *     as SMTP's or MySQL's)
 * @param expect what the reply must contain; the check fails when the reply does not match before
 *     the timeout or the backend closes the connection
 */
public record TcpExpectConfig(Payload send, ReplyMatcher expect) {
  public TcpExpectConfig {
    Objects.requireNonNull(send, "send");
    Objects.requireNonNull(expect, "expect");
  }
}
