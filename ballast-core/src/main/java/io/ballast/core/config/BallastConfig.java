package io.ballast.core.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A whole, validated node configuration: what {@code ballast.yaml} says, with every default filled
 * in. Instances only come out of {@link ConfigLoader}, so holding one means the config passed
 * validation (references resolve, ranges hold).
 *
 * @param source the file it was read from, or {@code null} when generated (demo, tests)
 * @param node process-wide settings
 * @param admin the admin listener
 * @param logging log levels
 * @param listeners the client-facing listeners
 * @param pools backend pools by declaration order
 */
public record BallastConfig(
    Path source,
    NodeConfig node,
    AdminConfig admin,
    LoggingConfig logging,
    List<ListenerConfig> listeners,
    List<PoolConfig> pools) {

  public BallastConfig {
    listeners = List.copyOf(listeners);
    pools = List.copyOf(pools);
  }

  /** The pool with this name, if declared. */
  public Optional<PoolConfig> pool(String name) {
    return pools.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /** The listener with this name, if declared. */
  public Optional<ListenerConfig> listener(String name) {
    return listeners.stream().filter(l -> l.name().equals(name)).findFirst();
  }
}
