package io.ballast.core.config;

import java.net.InetSocketAddress;
import java.util.Locale;

/**
 * A {@code host:port} pair as written in the config: {@code 10.0.0.1:8080}, {@code [::1]:8080},
 * {@code web-1.lan:80}, or {@code *:8080} / {@code :8080} for every interface.
 *
 * @param host a literal address or host name; {@code 0.0.0.0} stands for every interface
 * @param port 1..65535, or 0 for "any free port" (tests and embedded use only; {@link #parse}
 *     refuses it)
 */
public record HostPort(String host, int port) {

  /** Wildcard host used when the config says {@code *:port} or {@code :port}. */
  public static final String ANY = "0.0.0.0";

  public HostPort {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is out of range 1..65535");
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException("host is empty");
    }
  }

  /**
   * Parses {@code host:port}. Errors say what is wrong in words a config author understands.
   *
   * @throws IllegalArgumentException with a message fit to show after the field path
   */
  public static HostPort parse(String text) {
    String s = text.trim();
    String host;
    String portText;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
        throw new IllegalArgumentException(
            "'" + text + "' is not host:port (IPv6 addresses look like [::1]:8080)");
      }
      host = s.substring(1, close);
      portText = s.substring(close + 2);
    } else {
      int colon = s.lastIndexOf(':');
      if (colon < 0 && !s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
        throw new IllegalArgumentException(
            "'"
                + text
                + "' is not host:port (missing the host: 0.0.0.0:"
                + s
                + " or :"
                + s
                + " for every interface)");
      }
      if (colon < 0) {
        throw new IllegalArgumentException("'" + text + "' is not host:port (missing ':port')");
      }
      if (s.indexOf(':') != colon) {
        throw new IllegalArgumentException(
            "'" + text + "' is not host:port (write IPv6 addresses in brackets: [::1]:8080)");
      }
      host = s.substring(0, colon);
      portText = s.substring(colon + 1);
    }
    if (host.isEmpty() || host.equals("*")) {
      host = ANY;
    }
    if (!host.equals(ANY) && !isValidHost(host)) {
      throw new IllegalArgumentException("'" + host + "' is not a valid host name or address");
    }
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + portText + "' is not a port number (1..65535)", e);
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is out of range 1..65535");
    }
    return new HostPort(host.toLowerCase(Locale.ROOT), port);
  }

  private static boolean isValidHost(String host) {
    if (host.length() > 253) {
      return false;
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '.'
              || c == ':'
              || c == '%'
              || c == '_';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** {@code host:0}: bind to any free port (tests, embedded servers). */
  public static HostPort ephemeral(String host) {
    return new HostPort(host, 0);
  }

  /** An unresolved socket address; resolution happens off the event loops. */
  public InetSocketAddress toUnresolved() {
    return InetSocketAddress.createUnresolved(host, port);
  }

  /** True when this names every interface. */
  public boolean isWildcard() {
    return host.equals(ANY) || host.equals("::");
  }

  @Override
  public String toString() {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }
}
