package io.ballast.admin.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ballast.admin.AdminException;
import io.ballast.admin.AdminRequest;
import io.ballast.admin.AdminResponse;
import io.ballast.admin.ReloadResult;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code POST /api/v1/config/reload}: asks the node to re-read its config file (validated first; on
 * errors the old config keeps running and every error line is returned with 400).
 */
public final class ReloadResource {
  private final ApiContext ctx;

  ReloadResource(ApiContext ctx) {
    this.ctx = ctx;
  }

  CompletionStage<AdminResponse> reload(AdminRequest r) {
    CompletableFuture<ReloadResult> f = ctx.reload().get();
    return f.thenApply(ReloadResource::toResponse);
  }

  static AdminResponse toResponse(ReloadResult result) {
    return switch (result.outcome()) {
      case RELOADED -> {
        ObjectNode o = AdminResponse.object();
        o.put("reloaded", true);
        o.put("message", result.message());
        o.put("generation", result.generation());
        strings(o.putArray("warnings"), result.warnings());
        strings(o.putArray("overlay-dropped"), result.overlayDropped());
        yield AdminResponse.ok(o);
      }
      case INVALID -> {
        ObjectNode o = AdminResponse.object();
        o.put("error", result.message());
        o.put("status", HttpResponseStatus.BAD_REQUEST.code());
        strings(o.putArray("errors"), result.errors());
        strings(o.putArray("warnings"), result.warnings());
        yield AdminResponse.json(HttpResponseStatus.BAD_REQUEST, o);
      }
      case UNAVAILABLE -> AdminResponse.error(AdminException.conflict(result.message()));
    };
  }

  private static void strings(ArrayNode a, List<String> lines) {
    lines.forEach(a::add);
  }
}
