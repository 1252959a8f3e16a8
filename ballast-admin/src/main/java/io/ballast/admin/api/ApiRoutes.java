package io.ballast.admin.api;

import io.ballast.admin.Access;
import io.ballast.admin.AdminException;
import io.ballast.admin.AdminHandler;
import io.ballast.admin.AdminResponse;
import io.netty.handler.codec.http.HttpMethod;

/** Registers the built-in resources. */
public final class ApiRoutes {
  private ApiRoutes() {}

  /** Receives routes (the admin server's builder). */
  @FunctionalInterface
  public interface Sink {
    /** Adds one route. */
    void route(HttpMethod method, String pattern, Access access, AdminHandler handler);
  }

  /** Adds every built-in route. */
  public static void register(ApiContext ctx, Sink sink) {
    HealthResource health = new HealthResource(ctx);
    sink.route(HttpMethod.GET, "/healthz", Access.OPEN, AdminHandler.sync(health::healthz));
    sink.route(HttpMethod.GET, "/readyz", Access.OPEN, AdminHandler.sync(health::readyz));

    sink.route(
        HttpMethod.GET,
        "/api/v1/openapi.json",
        Access.READ,
        AdminHandler.sync(new OpenApiResource()::show));
    sink.route(
        HttpMethod.GET,
        "/api/v1/status",
        Access.READ,
        AdminHandler.sync(new StatusResource(ctx)::show));

    PoolsResource pools = new PoolsResource(ctx);
    sink.route(HttpMethod.GET, "/api/v1/pools", Access.READ, AdminHandler.sync(pools::list));
    sink.route(HttpMethod.GET, "/api/v1/pools/{pool}", Access.READ, AdminHandler.sync(pools::show));

    BackendsResource backends = new BackendsResource(ctx);
    String list = "/api/v1/pools/{pool}/backends";
    String one = "/api/v1/pools/{pool}/backends/{id}";
    sink.route(HttpMethod.GET, list, Access.READ, AdminHandler.sync(backends::list));
    sink.route(HttpMethod.POST, list, Access.WRITE, backends::add);
    sink.route(HttpMethod.GET, one, Access.READ, AdminHandler.sync(backends::show));
    sink.route(HttpMethod.PATCH, one, Access.WRITE, backends::patch);
    sink.route(HttpMethod.DELETE, one, Access.WRITE, backends::delete);

    sink.route(
        HttpMethod.GET,
        "/api/v1/listeners",
        Access.READ,
        AdminHandler.sync(new ListenersResource(ctx)::list));

    sink.route(
        HttpMethod.POST, "/api/v1/config/reload", Access.WRITE, new ReloadResource(ctx)::reload);

    sink.route(
        HttpMethod.POST,
        "/api/v1/restart",
        Access.WRITE,
        AdminHandler.sync(
            r -> {
              String message;
              try {
                message = ctx.restart().get();
              } catch (IllegalStateException e) {
                throw AdminException.conflict(e.getMessage());
              }
              com.fasterxml.jackson.databind.node.ObjectNode o = AdminResponse.object();
              o.put("restarting", true);
              o.put("message", message);
              return AdminResponse.json(io.netty.handler.codec.http.HttpResponseStatus.ACCEPTED, o);
            }));

    HostsResource hosts = new HostsResource(ctx);
    sink.route(HttpMethod.GET, "/api/v1/hosts", Access.READ, hosts::list);
    sink.route(HttpMethod.GET, "/api/v1/hosts/{host}", Access.READ, hosts::show);
    sink.route(HttpMethod.PATCH, "/api/v1/hosts/{host}", Access.WRITE, hosts::patch);
    sink.route(HttpMethod.GET, "/api/v1/vms", Access.READ, AdminHandler.sync(hosts::vms));

    OverlayResource overlay = new OverlayResource(ctx);
    sink.route(HttpMethod.GET, "/api/v1/overlay", Access.READ, AdminHandler.sync(overlay::show));
    sink.route(HttpMethod.DELETE, "/api/v1/overlay", Access.WRITE, overlay::clear);
  }
}
