package io.ballast.core.world;

import io.ballast.core.config.ListenerConfig;
import io.ballast.core.config.RouteMatch;
import java.util.List;

/**
 * A listener's routing table with its pools resolved, so routing a request is a walk over a short
 * array with no map lookup. Immutable; part of a {@link Snapshot}.
 */
public final class ListenerView {
  private final ListenerConfig config;
  private final PoolSnapshot defaultPool;
  private final RouteMatch[] matches;
  private final PoolSnapshot[] targets;

  ListenerView(
      ListenerConfig config,
      PoolSnapshot defaultPool,
      List<RouteMatch> matches,
      List<PoolSnapshot> targets) {
    this.config = config;
    this.defaultPool = defaultPool;
    this.matches = matches.toArray(new RouteMatch[0]);
    this.targets = targets.toArray(new PoolSnapshot[0]);
  }

  public ListenerConfig config() {
    return config;
  }

  public PoolSnapshot defaultPool() {
    return defaultPool;
  }

  /**
   * The pool for a request: the first route that matches, else the default pool.
   *
   * @param host the request's host, lower case, without port; {@code null} if none
   * @param path the request path (may carry a query)
   */
  public PoolSnapshot route(String host, CharSequence path) {
    for (int i = 0; i < matches.length; i++) {
      if (matches[i].matches(host, path)) {
        return targets[i];
      }
    }
    return defaultPool;
  }

  /** Whether any route looks at the Host header (so the data plane must extract it). */
  public boolean routesByHost() {
    for (RouteMatch m : matches) {
      if (m.host() != null) {
        return true;
      }
    }
    return false;
  }
}
