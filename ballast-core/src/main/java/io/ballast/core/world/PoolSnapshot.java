package io.ballast.core.world;

import io.ballast.core.balance.Picker;
import io.ballast.core.config.PoolConfig;
import io.ballast.core.model.Endpoint;
import io.ballast.core.persist.SessionAffinity;
import java.util.List;
import java.util.Map;

/**
 * One pool as the data plane sees it between two control-plane changes: its config, every endpoint
 * (eligible or not) and the picker over the eligible ones. Immutable.
 *
 * @param name the pool's name
 * @param config the pool's config
 * @param endpoints all endpoints in configuration order, including draining and unhealthy ones
 * @param byId endpoints by backend id
 * @param picker the balancer's picker over the eligible endpoints
 * @param eligibleCount how many endpoints may take new traffic
 * @param affinity session persistence for this snapshot ({@link SessionAffinity#NONE} when off)
 * @param runtime the pool's long-lived runtime state (outlier detector, retry budget, queue)
 */
public record PoolSnapshot(
    String name,
    PoolConfig config,
    List<Endpoint> endpoints,
    Map<String, Endpoint> byId,
    Picker picker,
    int eligibleCount,
    SessionAffinity affinity,
    PoolRuntime runtime) {

  /** The endpoint for a backend id, or {@code null}. */
  public Endpoint endpoint(String id) {
    return byId.get(id);
  }
}
