package io.ballast.admin.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ballast.admin.AdminException;
import io.ballast.admin.AdminRequest;
import io.ballast.admin.AdminResponse;
import io.ballast.core.world.PoolSnapshot;
import io.ballast.core.world.Snapshot;

/** {@code /api/v1/pools} and {@code /api/v1/pools/{pool}}: pools with live counts. */
public final class PoolsResource {
  private final ApiContext ctx;

  PoolsResource(ApiContext ctx) {
    this.ctx = ctx;
  }

  /** {@code GET /api/v1/pools}. */
  AdminResponse list(AdminRequest r) {
    Snapshot s = ctx.snapshot();
    ObjectNode o = AdminResponse.object();
    o.put("generation", s.generation());
    ArrayNode pools = o.putArray("pools");
    for (PoolSnapshot p : s.pools().values()) {
      pools.add(Views.poolSummary(p));
    }
    return AdminResponse.ok(o);
  }

  /** {@code GET /api/v1/pools/{pool}}. */
  AdminResponse show(AdminRequest r) throws AdminException {
    Snapshot s = ctx.snapshot();
    return AdminResponse.ok(Views.pool(Lookups.pool(s, r.pathParam("pool"))));
  }
}
