package io.ballast.core.balance;

import java.net.InetSocketAddress;

/**
 * What a balancer or persistence policy may know about the request being routed. The HTTP data
 * plane exposes the parsed request head; the TCP data plane only the client address (the rest
 * return {@code null}).
 */
public interface RequestInfo {

  /** The client's address (after PROXY protocol, when enabled). */
  InetSocketAddress clientAddress();

  /** A request header's first value, or {@code null}. Names are case-insensitive. */
  CharSequence header(CharSequence name);

  /** A cookie's value from the {@code Cookie} header, or {@code null}. */
  CharSequence cookie(CharSequence name);

  /** The request target as sent ({@code /path?query}), or {@code null} for L4. */
  CharSequence uri();

  /** A query parameter's raw value, or {@code null}. */
  CharSequence queryParameter(CharSequence name);
}
