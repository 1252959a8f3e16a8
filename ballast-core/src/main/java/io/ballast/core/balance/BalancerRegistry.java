package io.ballast.core.balance;

import java.util.Collections;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The balancing algorithms on the class path, by name. Algorithms register through {@code
 * META-INF/services/io.ballast.core.balance.BalancerFactory}.
 */
public final class BalancerRegistry {
  private static final BalancerRegistry DEFAULT = load(BalancerRegistry.class.getClassLoader());

  private final Map<String, BalancerFactory> byName;

  private BalancerRegistry(Map<String, BalancerFactory> byName) {
    this.byName = Collections.unmodifiableMap(byName);
  }

  /** The algorithms visible to Ballast's own class loader. */
  public static BalancerRegistry defaults() {
    return DEFAULT;
  }

  /** Loads every algorithm visible to {@code loader}. */
  public static BalancerRegistry load(ClassLoader loader) {
    Map<String, BalancerFactory> map = new TreeMap<>();
    for (BalancerFactory f : ServiceLoader.load(BalancerFactory.class, loader)) {
      BalancerFactory previous = map.putIfAbsent(f.name(), f);
      if (previous != null) {
        throw new IllegalStateException(
            "two balancing algorithms named '"
                + f.name()
                + "': "
                + previous.getClass().getName()
                + " and "
                + f.getClass().getName());
      }
    }
    return new BalancerRegistry(map);
  }

  /** The algorithm with this name, or {@code null}. */
  public BalancerFactory get(String name) {
    return byName.get(name);
  }

  /** All algorithms by name, sorted. */
  public Map<String, BalancerFactory> all() {
    return byName;
  }
}
