package io.ballast.core.health;

import io.ballast.core.config.Durations;
import io.ballast.core.config.HttpCheckConfig;
import io.ballast.core.config.TcpExpectConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * The result of one active check, as the prober reports it to {@link HealthCheckState#record}. The
 * factories turn what the prober saw into a verdict and the reason operators read ({@code HTTP
 * 503}, {@code connect refused}, {@code timeout after 1s}, {@code body did not contain 'ok'}), so
 * every prober words its reasons the same way. Immutable.
 *
 * @param passed whether the check passed
 * @param reason what happened, in a few words
 * @param latencyNanos how long the check took, from starting to connect to the verdict
 */
public record CheckResult(boolean passed, String reason, long latencyNanos) {

  /** How much of a reply a reason quotes. */
  private static final int QUOTE_LIMIT = 40;

  public CheckResult {
    Objects.requireNonNull(reason, "reason");
  }

  /** A passed check. */
  public static CheckResult passed(String reason, long latencyNanos) {
    return new CheckResult(true, reason, latencyNanos);
  }

  /** A failed check. */
  public static CheckResult failed(String reason, long latencyNanos) {
    return new CheckResult(false, reason, latencyNanos);
  }

  /** A {@code tcp} check connected. */
  public static CheckResult connected(long latencyNanos) {
    return passed("connected", latencyNanos);
  }

  /** The backend refused the connection. */
  public static CheckResult connectRefused(long latencyNanos) {
    return failed("connect refused", latencyNanos);
  }

  /** The backend closed or reset the connection before the check could decide. */
  public static CheckResult connectionClosed(long latencyNanos) {
    return failed("connection closed before a reply", latencyNanos);
  }

  /** The check did not finish within {@code timeout}. */
  public static CheckResult timeout(Duration timeout) {
    return failed("timeout after " + Durations.format(timeout), timeout.toNanos());
  }

  /**
   * Judges an HTTP check's response.
   *
   * @param config the check's expectations
   * @param status the response status
   * @param body the start of the body as read (ISO-8859-1), or {@code null} if not read; only
   *     consulted when {@code config.expectBody()} is set
   * @param latencyNanos time until the verdict
   */
  public static CheckResult http(
      HttpCheckConfig config, int status, CharSequence body, long latencyNanos) {
    if (!config.expectStatus().contains(status)) {
      return failed("HTTP " + status, latencyNanos);
    }
    String expected = config.expectBody();
    if (expected != null && (body == null || !body.toString().contains(expected))) {
      return failed("body did not contain '" + expected + "'", latencyNanos);
    }
    return passed("HTTP " + status, latencyNanos);
  }

  /**
   * Judges a {@code tcp-expect} reply once the reply is complete (the backend closed, the timeout
   * hit, or the prober's read limit was reached). A prober may also call it after each read and
   * stop at the first pass.
   *
   * @param reply what the backend sent, decoded as ISO-8859-1
   */
  public static CheckResult reply(TcpExpectConfig config, CharSequence reply, long latencyNanos) {
    if (config.expect().matches(reply)) {
      return passed("reply matched '" + config.expect() + "'", latencyNanos);
    }
    if (reply.isEmpty()) {
      return failed("no reply (expected '" + config.expect() + "')", latencyNanos);
    }
    return failed(
        "reply did not match '" + config.expect() + "': got '" + quote(reply) + "'", latencyNanos);
  }

  /**
   * Judges an agent's answer when the agent is the pool's health check ({@code type: agent}): a
   * garbled answer or a {@code down}/{@code fail}/{@code stopped} fails the check. The admin state
   * and weight the answer carries are applied separately (see {@link AgentReport}).
   */
  public static CheckResult agent(AgentReport report, long latencyNanos) {
    if (!report.valid()) {
      return failed("agent: " + report.error(), latencyNanos);
    }
    return new CheckResult(report.passed(), "agent: " + report.describe(), latencyNanos);
  }

  /** Printable start of a reply: control characters escaped, at most 40 characters. */
  static String quote(CharSequence reply) {
    StringBuilder sb = new StringBuilder();
    int i = 0;
    for (; i < reply.length() && sb.length() < QUOTE_LIMIT; i++) {
      char c = reply.charAt(i);
      switch (c) {
        case '\r' -> sb.append("\\r");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c >= 0x7f) {
            sb.append("\\x").append(Character.forDigit(c >> 4 & 0xf, 16));
            sb.append(Character.forDigit(c & 0xf, 16));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return i < reply.length() ? sb + "..." : sb.toString();
  }
}
