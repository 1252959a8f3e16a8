package io.ballast.core.config;

import java.util.List;

/**
 * One client-facing listener ({@code listeners[]}).
 *
 * @param name unique name, used in metrics, logs and the admin API
 * @param listen the address to bind
 * @param protocol {@code http} (L7) or {@code tcp} (L4)
 * @param pool the default pool, used when no route matches
 * @param routes routes tried in order; the first match wins
 * @param forwarded which forwarding headers to add (HTTP only)
 * @param limits request-size limits (HTTP only)
 * @param timeouts client-side timeouts
 * @param maxConnections client connections accepted at once; 0 means unlimited
 * @param accessLog the listener's access log ({@link AccessLogConfig#OFF} when off)
 */
public record ListenerConfig(
    String name,
    HostPort listen,
    Protocol protocol,
    String pool,
    List<RouteConfig> routes,
    ForwardedConfig forwarded,
    HttpLimits limits,
    ListenerTimeouts timeouts,
    int maxConnections,
    AccessLogConfig accessLog) {

  public ListenerConfig {
    routes = List.copyOf(routes);
    accessLog = accessLog == null ? AccessLogConfig.OFF : accessLog;
  }

  /** A listener without an access log. */
  public ListenerConfig(
      String name,
      HostPort listen,
      Protocol protocol,
      String pool,
      List<RouteConfig> routes,
      ForwardedConfig forwarded,
      HttpLimits limits,
      ListenerTimeouts timeouts,
      int maxConnections) {
    this(
        name,
        listen,
        protocol,
        pool,
        routes,
        forwarded,
        limits,
        timeouts,
        maxConnections,
        AccessLogConfig.OFF);
  }

  /** The same listener with another access log. */
  public ListenerConfig withAccessLog(AccessLogConfig accessLog) {
    return new ListenerConfig(
        name,
        listen,
        protocol,
        pool,
        routes,
        forwarded,
        limits,
        timeouts,
        maxConnections,
        accessLog);
  }

  /** Listener protocols. */
  public enum Protocol {
    /** HTTP/1.1 (L7): routes by host and path, per-request balancing. */
    HTTP,
    /** Raw TCP (L4): per-connection balancing. */
    TCP
  }
}
