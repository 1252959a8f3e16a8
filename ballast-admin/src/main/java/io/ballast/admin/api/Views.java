package io.ballast.admin.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ballast.admin.AdminResponse;
import io.ballast.admin.overlay.BackendJson;
import io.ballast.core.config.Durations;
import io.ballast.core.config.ListenerConfig;
import io.ballast.core.config.RouteConfig;
import io.ballast.core.model.AdminState;
import io.ballast.core.model.Endpoint;
import io.ballast.core.world.PoolSnapshot;
import java.util.Locale;

/** The live world as JSON, with the config file's key names. */
public final class Views {
  private Views() {}

  /**
   * A backend's live state: {@code id, address, vm, host, state, healthy, weight, effective-weight,
   * eligible, inflight, connections, max-connections}.
   */
  public static ObjectNode backend(Endpoint e) {
    ObjectNode o = AdminResponse.object();
    o.put("id", e.id());
    o.put("address", e.backend().address().toString());
    o.put("vm", e.backend().vm());
    o.put("host", e.backend().host());
    o.put("state", BackendJson.stateName(e.state()));
    o.put("healthy", e.healthy());
    if (e.healthReason() != null) {
      o.put("health-reason", e.healthReason());
    }
    o.put("weight", e.configuredWeight());
    o.put("effective-weight", e.effectiveWeight());
    o.put("eligible", e.eligible());
    o.put("inflight", e.backend().load().inflight());
    o.put("connections", e.backend().load().connections());
    o.put("max-connections", e.maxConnections());
    return o;
  }

  /**
   * A pool's counts ({@code backend-count}, backends by state, eligible, in-flight requests and
   * connections) and algorithm.
   */
  public static ObjectNode poolSummary(PoolSnapshot p) {
    ObjectNode o = AdminResponse.object();
    o.put("name", p.name());
    o.put("algorithm", p.config().algorithm());
    int active = 0;
    int draining = 0;
    int maintenance = 0;
    int unhealthy = 0;
    int inflight = 0;
    int connections = 0;
    for (Endpoint e : p.endpoints()) {
      if (e.state() == AdminState.ACTIVE) {
        active++;
      } else if (e.state() == AdminState.DRAINING) {
        draining++;
      } else {
        maintenance++;
      }
      if (!e.healthy()) {
        unhealthy++;
      }
      inflight += e.backend().load().inflight();
      connections += e.backend().load().connections();
    }
    o.put("backend-count", p.endpoints().size());
    o.put("eligible", p.eligibleCount());
    o.put("active", active);
    o.put("draining", draining);
    o.put("maintenance", maintenance);
    o.put("unhealthy", unhealthy);
    o.put("inflight", inflight);
    o.put("connections", connections);
    return o;
  }

  /** A pool with its settings and every backend. */
  public static ObjectNode pool(PoolSnapshot p) {
    ObjectNode o = poolSummary(p);
    o.put("hash-on", p.config().hashOn().toString());
    o.put(
        "slow-start",
        p.config().slowStart().enabled()
            ? Durations.format(p.config().slowStart().window())
            : null);
    o.set("backends", backends(p));
    return o;
  }

  /** Every backend of a pool. */
  public static ArrayNode backends(PoolSnapshot p) {
    ArrayNode a = AdminResponse.mapper().createArrayNode();
    for (Endpoint e : p.endpoints()) {
      a.add(backend(e));
    }
    return a;
  }

  /** A listener: its config, the port it is bound to and its routes. */
  public static ObjectNode listener(ListenerConfig lc, int port) {
    ObjectNode o = AdminResponse.object();
    o.put("name", lc.name());
    o.put("listen", lc.listen().toString());
    if (port >= 0) {
      o.put("port", port);
    } else {
      o.putNull("port");
    }
    o.put("bound", port >= 0);
    o.put("protocol", lc.protocol().name().toLowerCase(Locale.ROOT));
    o.put("pool", lc.pool());
    ArrayNode routes = o.putArray("routes");
    for (RouteConfig rc : lc.routes()) {
      ObjectNode r = routes.addObject();
      ObjectNode match = r.putObject("match");
      if (rc.match().host() != null) {
        match.put("host", rc.match().host());
      }
      if (rc.match().pathPrefix() != null) {
        match.put("path-prefix", rc.match().pathPrefix());
      }
      r.put("pool", rc.pool());
    }
    o.put("max-connections", lc.maxConnections());
    return o;
  }
}
