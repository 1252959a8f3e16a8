package io.ballast.core.world;

import io.ballast.core.config.BallastConfig;
import java.util.Map;

/**
 * The whole world the data plane acts on, immutable: pools with their pickers and listeners with
 * their resolved routes. The control plane publishes a new one through a single volatile reference
 * on every change (config reload, admin call, health verdict); event loops read it without locks.
 *
 * @param generation increases by one with every published snapshot
 * @param config the config it was built from
 * @param pools pools by name
 * @param listeners listeners by name
 */
public record Snapshot(
    long generation,
    BallastConfig config,
    Map<String, PoolSnapshot> pools,
    Map<String, ListenerView> listeners) {

  /** A pool by name, or {@code null}. */
  public PoolSnapshot pool(String name) {
    return pools.get(name);
  }

  /** A listener by name, or {@code null}. */
  public ListenerView listener(String name) {
    return listeners.get(name);
  }
}
