package io.ballast.core.model;

/**
 * A backend as one snapshot sees it: its weight after slow start, its administrative state and
 * whether it may take traffic. Immutable; rebuilt by the control plane.
 *
 * @param backend the stable backend
 * @param configuredWeight the weight the operator set (0..10000)
 * @param effectiveWeight the weight balancers use now: the configured weight scaled by slow start
 *     and agent reports; at least 1 while {@code configuredWeight > 0}
 * @param state administrative state
 * @param healthy whether health checks and outlier detection currently allow traffic
 * @param maxConnections the backend's configured connection limit ({@code max-connections}); 0
 *     means none. Capacity-aware balancers ({@code first}) fill a backend up to it
 * @param healthReason why the backend is unhealthy (failed checks, ejection, host down) or what its
 *     agent reported; {@code null} when there is nothing to say
 */
public record Endpoint(
    Backend backend,
    int configuredWeight,
    int effectiveWeight,
    AdminState state,
    boolean healthy,
    int maxConnections,
    String healthReason) {

  /** An endpoint with a connection limit and nothing to say about its health. */
  public Endpoint(
      Backend backend,
      int configuredWeight,
      int effectiveWeight,
      AdminState state,
      boolean healthy,
      int maxConnections) {
    this(backend, configuredWeight, effectiveWeight, state, healthy, maxConnections, null);
  }

  /** An endpoint without a connection limit. */
  public Endpoint(
      Backend backend,
      int configuredWeight,
      int effectiveWeight,
      AdminState state,
      boolean healthy) {
    this(backend, configuredWeight, effectiveWeight, state, healthy, 0);
  }

  /** Whether balancers may send it new traffic: active, healthy and weighted. */
  public boolean eligible() {
    return state == AdminState.ACTIVE && healthy && effectiveWeight > 0;
  }

  /** Whether persisted sessions may still reach it (draining keeps its sessions). */
  public boolean acceptsPersistedSessions() {
    return healthy && state != AdminState.MAINTENANCE;
  }

  public String id() {
    return backend.id();
  }
}
