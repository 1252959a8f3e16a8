package io.ballast.admin.internal;

import io.ballast.admin.Access;
import io.ballast.admin.AdminHandler;
import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Method + path pattern → handler. Routes are tried in the order they were added; the first whose
 * pattern and method match wins. A path that matches some route but not with this method is a 405
 * (with the allowed methods); a path that matches none is a 404.
 */
public final class Router {
  /** One route. */
  public record Route(
      HttpMethod method, PathPattern pattern, Access access, AdminHandler handler) {}

  /** The outcome of routing a request. */
  public sealed interface Match {}

  /** A route matched. */
  public record Found(Route route, Map<String, String> params) implements Match {}

  /** The path exists, but not for this method. */
  public record WrongMethod(Set<String> allowed) implements Match {}

  /** No route has this path. */
  public record NotFound() implements Match {}

  private final List<Route> routes = new ArrayList<>();

  /** Adds a route. */
  public void add(Route route) {
    for (Route r : routes) {
      if (r.method().equals(route.method())
          && r.pattern().pattern().equals(route.pattern().pattern())) {
        throw new IllegalArgumentException(
            "route " + route.method() + " " + route.pattern() + " is already registered");
      }
    }
    routes.add(route);
  }

  /** Every route, in order. */
  public List<Route> routes() {
    return List.copyOf(routes);
  }

  /** Routes a request by method and raw path (without the query). */
  public Match match(HttpMethod method, String rawPath) {
    Match m = matchExactly(method, rawPath);
    // Tolerate one trailing slash (/api/v1/pools/) unless a route wants it.
    if (m instanceof NotFound && rawPath.length() > 1 && rawPath.endsWith("/")) {
      return matchExactly(method, rawPath.substring(0, rawPath.length() - 1));
    }
    return m;
  }

  private Match matchExactly(HttpMethod method, String rawPath) {
    Set<String> allowed = new LinkedHashSet<>();
    for (Route r : routes) {
      Map<String, String> params = r.pattern().match(rawPath);
      if (params == null) {
        continue;
      }
      if (r.method().equals(method)) {
        return new Found(r, params);
      }
      allowed.add(r.method().name());
    }
    return allowed.isEmpty() ? new NotFound() : new WrongMethod(allowed);
  }
}
