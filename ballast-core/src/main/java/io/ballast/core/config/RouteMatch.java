package io.ballast.core.config;

import java.util.Locale;

/**
 * Conditions on a request; all that are set must hold.
 *
 * @param host exact host ({@code api.example.com}) or a wildcard suffix ({@code *.example.com});
 *     compared case-insensitively without the port; {@code null} matches any host
 * @param pathPrefix a path prefix such as {@code /api}; matches {@code /api} and {@code /api/x},
 *     not {@code /apix}; {@code null} matches any path
 */
public record RouteMatch(String host, String pathPrefix) {

  public RouteMatch {
    host = host == null ? null : host.toLowerCase(Locale.ROOT);
  }

  /**
   * Whether a request with this host (lower case, without port; may be {@code null}) and path
   * (starting with '/', without query) matches.
   */
  public boolean matches(String requestHost, CharSequence path) {
    if (host != null) {
      if (requestHost == null) {
        return false;
      }
      if (host.startsWith("*.")) {
        if (!(requestHost.endsWith(host.substring(1))
            && requestHost.length() > host.length() - 1)) {
          return false;
        }
      } else if (!host.equals(requestHost)) {
        return false;
      }
    }
    if (pathPrefix != null && !pathMatches(path)) {
      return false;
    }
    return true;
  }

  private boolean pathMatches(CharSequence path) {
    int n = pathPrefix.length();
    if (path.length() < n) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (path.charAt(i) != pathPrefix.charAt(i)) {
        return false;
      }
    }
    if (path.length() == n || pathPrefix.endsWith("/")) {
      return true;
    }
    char next = path.charAt(n);
    return next == '/' || next == '?';
  }
}
