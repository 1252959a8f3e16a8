package io.ballast.proxy.http.codec;

import io.ballast.core.config.ForwardedConfig;
import java.nio.charset.StandardCharsets;

/**
 * Per-connection facts the request encoder adds to forwarded heads: the client address and scheme,
 * and which forwarding headers the listener wants. Built once per client connection.
 */
public final class ForwardingInfo {
  final ForwardedConfig config;
  final byte[] clientIp;
  final byte[] forwardedFor; // RFC 7239 node: IPv6 quoted and bracketed
  final byte[] proto;

  /**
   * Creates forwarding facts.
   *
   * @param config the listener's forwarding settings
   * @param clientIp the client's IP address as text
   * @param proto {@code http} or {@code https}
   */
  public ForwardingInfo(ForwardedConfig config, String clientIp, String proto) {
    this.config = config;
    this.clientIp = clientIp.getBytes(StandardCharsets.US_ASCII);
    this.forwardedFor =
        (clientIp.indexOf(':') >= 0 ? "\"[" + clientIp + "]\"" : clientIp)
            .getBytes(StandardCharsets.US_ASCII);
    this.proto = proto.getBytes(StandardCharsets.US_ASCII);
  }
}
