package io.ballast.admin.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ballast.admin.AdminRequest;
import io.ballast.admin.AdminResponse;
import io.ballast.core.config.ListenerConfig;
import io.ballast.core.world.Snapshot;

/** {@code /api/v1/listeners}: where the node listens, its routes, open client connections. */
public final class ListenersResource {
  private final ApiContext ctx;

  ListenersResource(ApiContext ctx) {
    this.ctx = ctx;
  }

  /** {@code GET /api/v1/listeners}. */
  AdminResponse list(AdminRequest r) {
    Snapshot s = ctx.snapshot();
    ObjectNode o = AdminResponse.object();
    ArrayNode listeners = o.putArray("listeners");
    for (ListenerConfig lc : s.config().listeners()) {
      ObjectNode view = Views.listener(lc, ctx.dataPlane().port(lc.name()));
      view.put("client-connections", ctx.dataPlane().clientConnections(lc.name()));
      listeners.add(view);
    }
    o.put("client-connections", ctx.dataPlane().clientConnections());
    return AdminResponse.ok(o);
  }
}
