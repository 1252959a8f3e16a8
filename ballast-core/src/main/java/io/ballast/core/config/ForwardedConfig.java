package io.ballast.core.config;

/**
 * Forwarding headers added to requests sent upstream ({@code forwarded:} on a listener).
 *
 * @param xForwardedFor add the client address to {@code X-Forwarded-For}
 * @param xForwardedProto set {@code X-Forwarded-Proto}
 * @param xForwardedHost set {@code X-Forwarded-Host} from the request's Host
 * @param forwarded add an RFC 7239 {@code Forwarded} element
 * @param trustIncoming keep forwarding headers the client sent and append to them (only when
 *     Ballast sits behind another trusted proxy); when false they are replaced
 */
public record ForwardedConfig(
    boolean xForwardedFor,
    boolean xForwardedProto,
    boolean xForwardedHost,
    boolean forwarded,
    boolean trustIncoming) {

  /** X-Forwarded-For/-Proto/-Host on, Forwarded off, incoming values replaced. */
  public static ForwardedConfig defaults() {
    return new ForwardedConfig(true, true, true, false, false);
  }
}
