package io.ballast.core.config;

import io.ballast.core.model.AdminState;

/**
 * One backend server ({@code pools[].backends[]}).
 *
 * @param id unique within its pool; what operators and the admin API call it
 * @param address where it listens
 * @param weight relative share of traffic, 0..10000 (0 takes no new traffic); default 100
 * @param vm the virtual machine it runs on, or {@code null} (bare metal / unknown)
 * @param host the physical host (hypervisor) it runs on, or {@code null}
 * @param state administrative state at start
 * @param maxConnections most concurrent upstream connections to it; 0 means unlimited
 */
public record BackendConfig(
    String id,
    HostPort address,
    int weight,
    String vm,
    String host,
    AdminState state,
    int maxConnections) {

  /** Default weight when the config names none. */
  public static final int DEFAULT_WEIGHT = 100;

  /** Largest accepted weight. */
  public static final int MAX_WEIGHT = 10_000;
}
