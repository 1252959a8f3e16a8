package io.ballast.admin.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ballast.admin.AdminRequest;
import io.ballast.admin.AdminResponse;
import io.ballast.admin.overlay.OverlayJson;
import io.ballast.admin.overlay.OverlayStore;
import io.ballast.core.config.RuntimeOverlay;
import java.util.concurrent.CompletionStage;

/**
 * {@code /api/v1/overlay}: the runtime changes recorded for this node ({@code GET}) and forgetting
 * them ({@code DELETE}). Clearing does not change the running world; the next reload or restart
 * runs the config file alone.
 */
public final class OverlayResource {
  private final ApiContext ctx;

  OverlayResource(ApiContext ctx) {
    this.ctx = ctx;
  }

  AdminResponse show(AdminRequest r) {
    OverlayStore store = ctx.changes().overlay();
    return AdminResponse.ok(body(store, store.current()));
  }

  CompletionStage<AdminResponse> clear(AdminRequest r) {
    OverlayStore store = ctx.changes().overlay();
    return ctx.changes()
        .clearOverlay()
        .thenApply(
            old -> {
              ObjectNode o = AdminResponse.object();
              o.put("cleared", old.size());
              o.put("file", store.file() == null ? null : store.file().toString());
              o.put(
                  "message",
                  old.isEmpty()
                      ? "there were no runtime changes"
                      : "forgot "
                          + old.size()
                          + " runtime change(s); they stay in effect until the next reload or"
                          + " restart, which then runs the config file alone");
              return AdminResponse.ok(o);
            });
  }

  private static ObjectNode body(OverlayStore store, RuntimeOverlay overlay) {
    ObjectNode o = AdminResponse.object();
    o.put("file", store.file() == null ? null : store.file().toString());
    o.put("changes", overlay.size());
    o.set("pools", OverlayJson.write(overlay).get("pools"));
    return o;
  }
}
