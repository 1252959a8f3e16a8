package io.ballast.admin.api;

import io.ballast.admin.AdminRequest;
import io.ballast.admin.AdminResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * {@code /healthz} (the process runs: always 200) and {@code /readyz} (200 while the listeners are
 * bound and the node takes traffic; 503 while it starts or stops, so a load balancer in front moves
 * traffic away first). Plain text, no token: probes rarely send one.
 */
public final class HealthResource {
  private final ApiContext ctx;

  HealthResource(ApiContext ctx) {
    this.ctx = ctx;
  }

  AdminResponse healthz(AdminRequest r) {
    return AdminResponse.text(HttpResponseStatus.OK, "ok\n");
  }

  AdminResponse readyz(AdminRequest r) {
    return ctx.ready().getAsBoolean()
        ? AdminResponse.text(HttpResponseStatus.OK, "ready\n")
        : AdminResponse.text(HttpResponseStatus.SERVICE_UNAVAILABLE, "not ready\n");
  }
}
