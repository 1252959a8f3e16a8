package io.ballast.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ballast.admin.AdminException;
import io.ballast.admin.AdminRequest;
import io.ballast.admin.AdminResponse;
import io.ballast.admin.overlay.BackendJson;
import io.ballast.core.model.Backend;
import io.ballast.core.model.Endpoint;
import io.ballast.core.world.ControlPlane;
import io.ballast.core.world.PoolSnapshot;
import io.ballast.core.world.Snapshot;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * {@code /api/v1/hosts} and {@code /api/v1/vms}: the physical hosts and virtual machines behind the
 * backends (their {@code host:} and {@code vm:}), and marking a host down or up — every backend on
 * a down host is ejected at once, in every pool.
 */
public final class HostsResource {
  private final ApiContext ctx;

  HostsResource(ApiContext ctx) {
    this.ctx = ctx;
  }

  /** {@code GET /api/v1/hosts}. */
  CompletionStage<AdminResponse> list(AdminRequest r) {
    return ctx.controlPlane()
        .hosts()
        .thenApply(
            hosts -> {
              ObjectNode o = AdminResponse.object();
              ArrayNode list = o.putArray("hosts");
              for (ControlPlane.HostView h : hosts) {
                list.add(host(h));
              }
              return AdminResponse.ok(o);
            });
  }

  /** {@code GET /api/v1/hosts/{host}}. */
  CompletionStage<AdminResponse> show(AdminRequest r) {
    String name = r.pathParam("host");
    return ctx.controlPlane()
        .hosts()
        .thenApply(
            hosts -> {
              for (ControlPlane.HostView h : hosts) {
                if (h.name().equals(name)) {
                  return AdminResponse.ok(host(h));
                }
              }
              return AdminResponse.error(unknown(name, hosts));
            });
  }

  /** {@code PATCH /api/v1/hosts/{host}} with {@code {"state": "down"|"up", "reason": "..."}}. */
  CompletionStage<AdminResponse> patch(AdminRequest r) throws AdminException {
    String name = r.pathParam("host");
    JsonNode body = r.jsonObject();
    JsonNode state = body.get("state");
    if (state == null || !state.isTextual()) {
      throw AdminException.badRequest("state: required, \"down\" or \"up\"");
    }
    boolean down =
        switch (state.asText()) {
          case "down" -> true;
          case "up" -> false;
          default ->
              throw AdminException.unprocessable(
                  "state: '" + state.asText() + "' is not one of: down, up");
        };
    String reason =
        body.hasNonNull("reason") ? body.get("reason").asText() : "marked down by an operator";
    return ctx.controlPlane()
        .hosts()
        .thenCompose(
            hosts -> {
              if (hosts.stream().noneMatch(h -> h.name().equals(name))) {
                throw new java.util.concurrent.CompletionException(unknown(name, hosts));
              }
              return ctx.controlPlane().setHostDown(name, down, reason);
            })
        .thenCompose(s -> ctx.controlPlane().hosts())
        .thenApply(
            hosts -> {
              for (ControlPlane.HostView h : hosts) {
                if (h.name().equals(name)) {
                  return AdminResponse.ok(host(h));
                }
              }
              return AdminResponse.error(unknown(name, hosts));
            });
  }

  /** {@code GET /api/v1/vms}: every VM that runs a backend, with its host and health. */
  AdminResponse vms(AdminRequest r) {
    Snapshot s = ctx.snapshot();
    Map<String, ObjectNode> byVm = new LinkedHashMap<>();
    for (PoolSnapshot p : s.pools().values()) {
      for (Endpoint e : p.endpoints()) {
        Backend b = e.backend();
        if (b.vm() == null) {
          continue;
        }
        ObjectNode vm =
            byVm.computeIfAbsent(
                b.vm(),
                name -> {
                  ObjectNode o = AdminResponse.object();
                  o.put("name", name);
                  o.put("host", b.host());
                  o.putArray("backends");
                  return o;
                });
        ObjectNode ref = ((ArrayNode) vm.get("backends")).addObject();
        ref.put("pool", p.name());
        ref.put("id", e.id());
        ref.put("healthy", e.healthy());
        ref.put("state", BackendJson.stateName(e.state()));
        if (e.healthReason() != null) {
          ref.put("health-reason", e.healthReason());
        }
      }
    }
    ObjectNode o = AdminResponse.object();
    ArrayNode list = o.putArray("vms");
    byVm.values().forEach(list::add);
    return AdminResponse.ok(o);
  }

  private ObjectNode host(ControlPlane.HostView h) {
    ObjectNode o = AdminResponse.object();
    o.put("name", h.name());
    o.put("state", h.down() ? "down" : "up");
    if (h.reason() != null) {
      o.put("reason", h.reason());
    }
    ArrayNode backends = o.putArray("backends");
    Snapshot s = ctx.snapshot();
    for (Backend b : h.backends()) {
      ObjectNode ref = backends.addObject();
      ref.put("pool", b.pool());
      ref.put("id", b.id());
      ref.put("vm", b.vm());
      PoolSnapshot p = s.pool(b.pool());
      Endpoint e = p == null ? null : p.endpoint(b.id());
      ref.put("healthy", e != null && e.healthy());
    }
    return o;
  }

  private static AdminException unknown(String name, List<ControlPlane.HostView> hosts) {
    return AdminException.notFound(
        "no host named '"
            + name
            + "'; hosts are: "
            + (hosts.isEmpty()
                ? "(none: no backend has a host:)"
                : String.join(", ", hosts.stream().map(ControlPlane.HostView::name).toList())));
  }
}
