package io.ballast.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ballast.admin.AdminException;
import io.ballast.admin.AdminRequest;
import io.ballast.admin.AdminResponse;
import io.ballast.admin.overlay.BackendJson;
import io.ballast.admin.overlay.FieldException;
import io.ballast.admin.overlay.OverlayStore;
import io.ballast.core.config.BackendConfig;
import io.ballast.core.config.Durations;
import io.ballast.core.model.AdminState;
import io.ballast.core.model.Backend;
import io.ballast.core.model.Endpoint;
import io.ballast.core.world.ControlPlane;
import io.ballast.core.world.PoolSnapshot;
import io.ballast.core.world.Snapshot;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/v1/pools/{pool}/backends[/{id}]}: list, show, add, change (weight, state) and remove
 * backends. Every change goes through {@link io.ballast.admin.RuntimeChanges}, so it is recorded in
 * the runtime overlay and survives reloads and restarts.
 *
 * <p>Removal: {@code DELETE} removes at once (requests in flight finish on their connections);
 * {@code ?drain=true&wait=30s} sets the backend draining, waits until it has no request in flight
 * or the wait is over, then removes it and answers 200; {@code ?drain=true} alone answers 202 at
 * once and does the same in the background within {@link #BACKGROUND_DRAIN}.
 */
public final class BackendsResource {
  private static final Logger log = LoggerFactory.getLogger(BackendsResource.class);

  /** How long a background drain ({@code ?drain=true} without {@code wait}) may take. */
  public static final Duration BACKGROUND_DRAIN = Duration.ofSeconds(30);

  /** The longest {@code wait} accepted. */
  public static final Duration MAX_WAIT = Duration.ofHours(1);

  private static final long POLL_MILLIS = 20;
  private static final Set<String> PATCH_KEYS = Set.of("weight", "state");

  private final ApiContext ctx;

  BackendsResource(ApiContext ctx) {
    this.ctx = ctx;
  }

  /** {@code GET /api/v1/pools/{pool}/backends}. */
  AdminResponse list(AdminRequest r) throws AdminException {
    PoolSnapshot p = Lookups.pool(ctx.snapshot(), r.pathParam("pool"));
    ObjectNode o = AdminResponse.object();
    o.put("pool", p.name());
    o.put("algorithm", p.config().algorithm());
    o.put("eligible", p.eligibleCount());
    o.set("backends", Views.backends(p));
    return AdminResponse.ok(o);
  }

  /** {@code GET /api/v1/pools/{pool}/backends/{id}}. */
  AdminResponse show(AdminRequest r) throws AdminException {
    return AdminResponse.ok(
        Views.backend(Lookups.backend(ctx.snapshot(), r.pathParam("pool"), r.pathParam("id"))));
  }

  /** {@code POST /api/v1/pools/{pool}/backends}: 201 with the new backend and its Location. */
  CompletionStage<AdminResponse> add(AdminRequest r) throws AdminException {
    String pool = r.pathParam("pool");
    JsonNode body = r.jsonObject();
    BackendConfig b;
    try {
      b = BackendJson.read(body, "");
    } catch (FieldException e) {
      throw Lookups.field(e);
    }
    PoolSnapshot p = Lookups.pool(ctx.snapshot(), pool);
    if (p.endpoint(b.id()) != null) {
      throw duplicate(pool, b.id());
    }
    return ctx.changes()
        .addBackend(pool, b)
        .handle(
            (s, failure) -> {
              if (failure != null) {
                throw new CompletionException(addFailure(pool, b, unwrap(failure)));
              }
              return AdminResponse.json(
                      HttpResponseStatus.CREATED, Views.backend(s.pool(pool).endpoint(b.id())))
                  .header(HttpHeaderNames.LOCATION, location(pool, b.id()));
            });
  }

  /** {@code PATCH /api/v1/pools/{pool}/backends/{id}}: {@code weight} and/or {@code state}. */
  CompletionStage<AdminResponse> patch(AdminRequest r) throws AdminException {
    String pool = r.pathParam("pool");
    String id = r.pathParam("id");
    JsonNode body = r.jsonObject();
    Integer weight = null;
    AdminState state = null;
    try {
      for (Map.Entry<String, JsonNode> e : body.properties()) {
        if (!PATCH_KEYS.contains(e.getKey())) {
          throw AdminException.badRequest(
              e.getKey() + ": unknown field; a PATCH may change: weight, state");
        }
      }
      if (body.hasNonNull("weight")) {
        weight = BackendJson.weight(body.get("weight"), "weight");
      }
      if (body.hasNonNull("state")) {
        state = BackendJson.state(body.get("state"), "state");
      }
    } catch (FieldException e) {
      throw Lookups.field(e);
    }
    if (weight == null && state == null) {
      throw AdminException.badRequest(
          "expected \"weight\" and/or \"state\", as in {\"weight\": 50} or {\"state\": \"draining\"}");
    }
    Lookups.backend(ctx.snapshot(), pool, id);
    CompletableFuture<Snapshot> f = CompletableFuture.completedFuture(null);
    if (weight != null) {
      int w = weight;
      f = f.thenCompose(x -> ctx.changes().setWeight(pool, id, w));
    }
    if (state != null) {
      AdminState st = state;
      f = f.thenCompose(x -> ctx.changes().setState(pool, id, st));
    }
    return f.handle(
        (s, failure) -> {
          if (failure != null) {
            throw new CompletionException(changeFailure(pool, id, "changed", unwrap(failure)));
          }
          return AdminResponse.ok(Views.backend(endpointIn(s, pool, id)));
        });
  }

  /** {@code DELETE /api/v1/pools/{pool}/backends/{id}[?drain=true[&wait=30s]]}. */
  CompletionStage<AdminResponse> delete(AdminRequest r) throws AdminException {
    String pool = r.pathParam("pool");
    String id = r.pathParam("id");
    Optional<Duration> wait = Lookups.duration(r, "wait", MAX_WAIT);
    boolean drain = Lookups.bool(r, "drain").orElse(wait.isPresent());
    if (!drain && wait.isPresent()) {
      throw AdminException.badRequest(
          "query parameter 'wait' needs drain=true (or leave drain out)");
    }
    Endpoint before = Lookups.backend(ctx.snapshot(), pool, id);
    if (!drain) {
      return ctx.changes()
          .removeBackend(pool, id)
          .handle(
              (s, failure) -> {
                if (failure != null) {
                  throw new CompletionException(
                      changeFailure(pool, id, "removed", unwrap(failure)));
                }
                ObjectNode o = AdminResponse.object();
                o.set("removed", Views.backend(before));
                o.put("drained", false);
                return AdminResponse.ok(o);
              });
    }
    if (wait.isPresent()) {
      return drainThenRemove(pool, id, wait.get())
          .handle(
              (outcome, failure) -> {
                if (failure != null) {
                  throw new CompletionException(
                      changeFailure(pool, id, "removed", unwrap(failure)));
                }
                return AdminResponse.ok(outcome);
              });
    }
    // Background drain: answer now; the removal follows when the backend is idle.
    return ctx.changes()
        .setState(pool, id, AdminState.DRAINING)
        .handle(
            (s, failure) -> {
              if (failure != null) {
                throw new CompletionException(changeFailure(pool, id, "drained", unwrap(failure)));
              }
              Endpoint e = endpointIn(s, pool, id);
              whenIdle(pool, id, e.backend(), deadline(BACKGROUND_DRAIN))
                  .thenCompose(idle -> ctx.changes().removeBackend(pool, id))
                  .whenComplete(
                      (x, err) -> {
                        if (err != null) {
                          log.warn(
                              "background removal of {}/{} did not happen: {}",
                              pool,
                              id,
                              unwrap(err).getMessage());
                        } else {
                          log.info("backend {}/{} drained and removed", pool, id);
                        }
                      });
              ObjectNode o = AdminResponse.object();
              o.put(
                  "message",
                  "draining; "
                      + pool
                      + "/"
                      + id
                      + " is removed once it has no request in flight, at the latest in "
                      + Durations.format(BACKGROUND_DRAIN));
              o.set("backend", Views.backend(e));
              return AdminResponse.json(HttpResponseStatus.ACCEPTED, o)
                  .header(HttpHeaderNames.LOCATION, location(pool, id));
            });
  }

  /** Drains, waits for in-flight requests to finish (or the deadline), removes. */
  private CompletableFuture<ObjectNode> drainThenRemove(String pool, String id, Duration wait) {
    long start = System.nanoTime();
    long deadline = start + wait.toNanos();
    return ctx.changes()
        .setState(pool, id, AdminState.DRAINING)
        .thenCompose(
            s -> {
              Backend b = endpointIn(s, pool, id).backend();
              return whenIdle(pool, id, b, deadline)
                  .thenCompose(
                      idle -> {
                        int inflight = b.load().inflight();
                        Endpoint now = current(pool, id);
                        Endpoint last = now != null ? now : endpointIn(s, pool, id);
                        return ctx.changes()
                            .removeBackend(pool, id)
                            .thenApply(
                                x -> {
                                  ObjectNode o = AdminResponse.object();
                                  o.set("removed", Views.backend(last));
                                  o.put("drained", idle);
                                  o.put("inflight-at-removal", inflight);
                                  o.put(
                                      "waited",
                                      Durations.format(
                                          Duration.ofMillis(
                                              TimeUnit.NANOSECONDS.toMillis(
                                                  System.nanoTime() - start))));
                                  return o;
                                });
                      });
            });
  }

  /**
   * Completes with true once the backend has no request in flight, false at the deadline; fails
   * with 409 when the drain is cancelled (someone set another state) or 404 when it is gone.
   */
  private CompletableFuture<Boolean> whenIdle(String pool, String id, Backend b, long deadline) {
    CompletableFuture<Boolean> f = new CompletableFuture<>();
    poll(f, pool, id, b, deadline);
    return f;
  }

  private void poll(
      CompletableFuture<Boolean> f, String pool, String id, Backend b, long deadline) {
    Endpoint e = current(pool, id);
    if (e == null || e.backend() != b) {
      f.completeExceptionally(
          AdminException.notFound(pool + "/" + id + " was removed while it was draining"));
      return;
    }
    if (e.state() != AdminState.DRAINING) {
      f.completeExceptionally(
          AdminException.conflict(
              "the drain of "
                  + pool
                  + "/"
                  + id
                  + " was cancelled: its state is now "
                  + BackendJson.stateName(e.state())));
      return;
    }
    if (b.load().inflight() <= 0) {
      f.complete(true);
      return;
    }
    if (System.nanoTime() - deadline >= 0) {
      f.complete(false);
      return;
    }
    ctx.scheduler()
        .schedule(() -> poll(f, pool, id, b, deadline), POLL_MILLIS, TimeUnit.MILLISECONDS);
  }

  private Endpoint current(String pool, String id) {
    PoolSnapshot p = ctx.controlPlane().current().pool(pool);
    return p == null ? null : p.endpoint(id);
  }

  private static long deadline(Duration d) {
    return System.nanoTime() + d.toNanos();
  }

  private static Endpoint endpointIn(Snapshot s, String pool, String id) {
    PoolSnapshot p = s.pool(pool);
    Endpoint e = p == null ? null : p.endpoint(id);
    if (e == null) {
      throw new CompletionException(
          AdminException.notFound("pool '" + pool + "' has no backend '" + id + "' any more"));
    }
    return e;
  }

  /** The resource path of a backend. */
  static String location(String pool, String id) {
    Function<String, String> enc = s -> URLEncoder.encode(s, StandardCharsets.UTF_8);
    return "/api/v1/pools/" + enc.apply(pool) + "/backends/" + enc.apply(id);
  }

  private static AdminException duplicate(String pool, String id) {
    return AdminException.conflict(
        "pool '"
            + pool
            + "' already has a backend '"
            + id
            + "'; remove it first or pick another id");
  }

  private static Throwable addFailure(String pool, BackendConfig b, Throwable t) {
    if (t instanceof IllegalArgumentException e) {
      if (e.getCause() instanceof UnknownHostException) {
        return AdminException.unprocessable("address: cannot resolve '" + b.address().host() + "'");
      }
      return duplicate(pool, b.id());
    }
    return changeFailure(pool, b.id(), "added", t);
  }

  /** Maps a failed change: unknown pool/backend → 404; unsaved overlay → 500 saying so. */
  private static Throwable changeFailure(String pool, String id, String what, Throwable t) {
    if (t instanceof ControlPlane.NoSuchElementException e) {
      return AdminException.notFound(e.getMessage());
    }
    if (t instanceof OverlayStore.SaveException e) {
      return new AdminException(
          HttpResponseStatus.INTERNAL_SERVER_ERROR,
          pool
              + "/"
              + id
              + " was "
              + what
              + ", but the change could not be recorded in the runtime overlay ("
              + e.getMessage()
              + "); it is in effect now but will be lost at the next reload or restart");
    }
    return t;
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
