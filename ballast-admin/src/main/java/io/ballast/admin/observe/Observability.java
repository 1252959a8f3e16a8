package io.ballast.admin.observe;

import io.ballast.admin.Access;
import io.ballast.admin.AdminHandler;
import io.ballast.admin.AdminResponse;
import io.ballast.admin.AdminServer;
import io.ballast.admin.accesslog.AccessLogs;
import io.ballast.admin.dashboard.Dashboard;
import io.ballast.admin.dashboard.DashboardFiles;
import io.ballast.admin.metrics.HealthMetrics;
import io.ballast.admin.metrics.ProxyMetrics;
import io.ballast.core.world.ControlPlane;
import io.ballast.proxy.observe.TrafficObserver;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Objects;
import java.util.function.ToIntFunction;

/**
 * A node's observability in one place: Prometheus metrics and the live dashboard (when the admin
 * listener runs, since they are served there) and the access logs (always: they follow {@code
 * listeners[].access-log}). The node registers {@link #trafficObserver()} on its data plane before
 * it starts and {@link #routes} on its admin server.
 */
public final class Observability implements AutoCloseable {
  /** The event stream's path. */
  public static final String STREAM_PATH = "/api/v1/stream";

  private final ProxyMetrics metrics;
  private final Dashboard dashboard;
  private final AccessLogs accessLogs;

  /**
   * Starts observing a node.
   *
   * @param controlPlane the node's world
   * @param nodeName the node's name (metrics, dashboard)
   * @param serveMetrics whether to collect metrics and run the dashboard (the admin listener is on)
   * @param ports the port each listener is bound to, for the dashboard
   * @throws IllegalStateException naming the listener when an access-log file cannot be opened
   */
  public Observability(
      ControlPlane controlPlane,
      String nodeName,
      boolean serveMetrics,
      ToIntFunction<String> ports) {
    Objects.requireNonNull(controlPlane);
    ProxyMetrics m = serveMetrics ? new ProxyMetrics(controlPlane, nodeName) : null;
    Dashboard d = null;
    AccessLogs logs = null;
    try {
      d = m == null ? null : new Dashboard(controlPlane, m, nodeName, ports);
      logs = new AccessLogs(controlPlane);
      if (m != null) {
        m.registry().register(logs.collector());
      }
    } catch (RuntimeException e) {
      if (d != null) {
        d.close();
      }
      throw e;
    }
    this.metrics = m;
    this.dashboard = d;
    this.accessLogs = logs;
  }

  /** What the data plane reports to: metrics (if on), then the access log. */
  public TrafficObserver trafficObserver() {
    return Observers.both(metrics, accessLogs);
  }

  /** Adds {@code /metrics}, {@code /dashboard/{*file}} and the event stream (when metrics run). */
  public AdminServer.Builder routes(AdminServer.Builder builder) {
    return metrics == null ? builder : routes(builder, metrics, dashboard);
  }

  /**
   * Adds the observability routes for these metrics and this dashboard. The dashboard's files are
   * {@link Access#OPEN} (a browser cannot send a token to load a page; the files hold no data);
   * {@code /metrics} and the event stream need what reads need.
   */
  public static AdminServer.Builder routes(
      AdminServer.Builder builder, ProxyMetrics metrics, Dashboard dashboard) {
    builder.route(
        HttpMethod.GET,
        "/metrics",
        AdminHandler.sync(
            r -> {
              ProxyMetrics.Exposition e = metrics.scrape(r.headers().get(HttpHeaderNames.ACCEPT));
              return AdminResponse.of(HttpResponseStatus.OK, e.contentType(), e.body());
            }));
    builder.route(
        HttpMethod.GET,
        "/dashboard/{*file}",
        Access.OPEN,
        AdminHandler.sync(DashboardFiles::serve));
    builder.route(
        HttpMethod.GET,
        STREAM_PATH,
        AdminHandler.sync(r -> AdminResponse.stream("text/event-stream", dashboard::subscribe)));
    return builder;
  }

  /** The metrics, or {@code null} when the admin listener is off. */
  public ProxyMetrics metrics() {
    return metrics;
  }

  /** Where health checking reports (a no-op when metrics are off). */
  public HealthMetrics health() {
    return metrics == null ? HealthMetrics.NONE : metrics.health();
  }

  /** The dashboard, or {@code null} when the admin listener is off. */
  public Dashboard dashboard() {
    return dashboard;
  }

  /** The access logs. */
  public AccessLogs accessLogs() {
    return accessLogs;
  }

  /** The node is up: later access-log failures are logged, not fatal. */
  public void started() {
    accessLogs.started();
  }

  /** Reopens access-log files (SIGUSR1, for logrotate). */
  public void reopenLogs() {
    accessLogs.reopen();
  }

  /** Stops the dashboard and writes out the access logs. */
  @Override
  public void close() {
    if (dashboard != null) {
      dashboard.close();
    }
    accessLogs.close();
  }
}
