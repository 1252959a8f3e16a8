package io.ballast.admin.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ballast.admin.AdminRequest;
import io.ballast.admin.AdminResponse;
import io.ballast.core.config.Durations;
import io.ballast.core.world.PoolSnapshot;
import io.ballast.core.world.Snapshot;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** {@code GET /api/v1/status}: the node at a glance ({@code ballast ctl status}). */
public final class StatusResource {
  private final ApiContext ctx;

  StatusResource(ApiContext ctx) {
    this.ctx = ctx;
  }

  AdminResponse show(AdminRequest r) {
    Snapshot s = ctx.snapshot();
    ObjectNode o = AdminResponse.object();
    o.put("node", s.config().node().name());
    o.put("ready", ctx.ready().getAsBoolean());
    long uptime = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - ctx.startedNanos());
    o.put("uptime", Durations.format(Duration.ofSeconds(uptime)));
    o.put("uptime-seconds", uptime);
    o.put("generation", s.generation());
    o.put("config-file", pathOrNull(ctx.configFile()));
    ObjectNode overlay = o.putObject("overlay");
    overlay.put("file", pathOrNull(ctx.changes().overlay().file()));
    overlay.put("changes", ctx.changes().overlay().current().size());
    o.put("listeners", s.config().listeners().size());
    o.put("pools", s.pools().size());
    int backends = 0;
    int eligible = 0;
    for (PoolSnapshot p : s.pools().values()) {
      backends += p.endpoints().size();
      eligible += p.eligibleCount();
    }
    o.put("backends", backends);
    o.put("eligible-backends", eligible);
    o.put("client-connections", ctx.dataPlane().clientConnections());
    o.put("token-required", ctx.tokenConfigured());
    return AdminResponse.ok(o);
  }

  private static String pathOrNull(Path p) {
    return p == null ? null : p.toString();
  }
}
