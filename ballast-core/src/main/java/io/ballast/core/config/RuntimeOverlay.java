package io.ballast.core.config;

import io.ballast.core.model.AdminState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runtime changes made through the admin API, kept apart from the config file so that they survive
 * a reload and a restart (HAProxy loses servers added at runtime when it reloads). Per pool: added
 * backends, backends removed from the file's list, and weight and state overrides of the file's
 * backends.
 *
 * <p>Immutable. The {@code with*} methods record one more change the way an operator means it: a
 * backend added at runtime and then re-weighted carries its new weight; one added and then removed
 * leaves no trace. {@link #apply} merges the changes over a config file's contents.
 */
public final class RuntimeOverlay {
  private static final Logger log = LoggerFactory.getLogger(RuntimeOverlay.class);

  /** No changes. */
  public static final RuntimeOverlay EMPTY = new RuntimeOverlay(Map.of());

  private final Map<String, PoolChanges> pools;

  /**
   * The changes to one pool.
   *
   * @param added backends added at runtime, by id, in the order they were added
   * @param removed ids of the config file's backends that were removed at runtime
   * @param weights weight overrides of the config file's backends, by id
   * @param states admin-state overrides of the config file's backends, by id
   */
  public record PoolChanges(
      Map<String, BackendConfig> added,
      Set<String> removed,
      Map<String, Integer> weights,
      Map<String, AdminState> states) {

    /** No changes to a pool. */
    public static final PoolChanges NONE = new PoolChanges(Map.of(), Set.of(), Map.of(), Map.of());

    public PoolChanges {
      added = Collections.unmodifiableMap(new LinkedHashMap<>(added));
      removed = Collections.unmodifiableSet(new LinkedHashSet<>(removed));
      weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
      states = Collections.unmodifiableMap(new LinkedHashMap<>(states));
      for (Map.Entry<String, BackendConfig> e : added.entrySet()) {
        if (!e.getKey().equals(e.getValue().id())) {
          throw new IllegalArgumentException(
              "added backend keyed '" + e.getKey() + "' has id '" + e.getValue().id() + "'");
        }
      }
    }

    /** Whether nothing is recorded for the pool. */
    public boolean isEmpty() {
      return added.isEmpty() && removed.isEmpty() && weights.isEmpty() && states.isEmpty();
    }

    /** How many changes are recorded (one per added or removed backend and per override). */
    public int size() {
      return added.size() + removed.size() + weights.size() + states.size();
    }
  }

  /**
   * What {@link #merge} produced.
   *
   * @param config the config file's contents with the changes applied
   * @param overlay the changes that still apply: those that were dropped are not in it, so saving
   *     it keeps the overlay file in step with the config file
   * @param dropped one line per change that no longer applies (its pool or backend left the config
   *     file, or the file now declares a backend that was added at runtime), for the log
   */
  public record Merge(BallastConfig config, RuntimeOverlay overlay, List<String> dropped) {
    public Merge {
      dropped = List.copyOf(dropped);
    }
  }

  private RuntimeOverlay(Map<String, PoolChanges> pools) {
    this.pools = pools;
  }

  /**
   * Whether a text is a valid pool name or backend id (what the config file accepts: lower-case
   * letters, digits, {@code .}, {@code _}, {@code -}, starting with a letter or digit).
   */
  public static boolean isValidName(String name) {
    return name != null && ConfigBinder.NAME.matcher(name).matches();
  }

  /** An overlay with these changes; pools without changes are left out. */
  public static RuntimeOverlay of(Map<String, PoolChanges> pools) {
    Map<String, PoolChanges> copy = new LinkedHashMap<>();
    for (Map.Entry<String, PoolChanges> e : pools.entrySet()) {
      if (!e.getValue().isEmpty()) {
        copy.put(Objects.requireNonNull(e.getKey()), e.getValue());
      }
    }
    return copy.isEmpty() ? EMPTY : new RuntimeOverlay(Collections.unmodifiableMap(copy));
  }

  /** Changes by pool name, in the order pools were first changed; pools without changes absent. */
  public Map<String, PoolChanges> pools() {
    return pools;
  }

  /** The changes to one pool ({@link PoolChanges#NONE} when there are none). */
  public PoolChanges pool(String name) {
    return pools.getOrDefault(name, PoolChanges.NONE);
  }

  /** Whether nothing is recorded. */
  public boolean isEmpty() {
    return pools.isEmpty();
  }

  /** The number of recorded changes. */
  public int size() {
    return pools.values().stream().mapToInt(PoolChanges::size).sum();
  }

  /**
   * Records an added backend. Replaces an earlier runtime addition with the same id and forgets
   * overrides of a file backend with that id (the file's backend must have been removed first).
   */
  public RuntimeOverlay withAdded(String pool, BackendConfig backend) {
    return change(
        pool,
        c -> {
          Map<String, BackendConfig> added = new LinkedHashMap<>(c.added());
          added.put(backend.id(), backend);
          return new PoolChanges(
              added,
              c.removed(),
              without(c.weights(), backend.id()),
              without(c.states(), backend.id()));
        });
  }

  /**
   * Records a removed backend: a runtime addition is simply forgotten, a backend from the file is
   * remembered as removed. Overrides of it are forgotten either way.
   */
  public RuntimeOverlay withRemoved(String pool, String id) {
    return change(
        pool,
        c -> {
          Map<String, BackendConfig> added = new LinkedHashMap<>(c.added());
          Set<String> removed = new LinkedHashSet<>(c.removed());
          if (added.remove(id) == null) {
            removed.add(id);
          }
          return new PoolChanges(added, removed, without(c.weights(), id), without(c.states(), id));
        });
  }

  /** Records a weight change (folded into the backend itself when it was added at runtime). */
  public RuntimeOverlay withWeight(String pool, String id, int weight) {
    return change(
        pool,
        c -> {
          BackendConfig a = c.added().get(id);
          if (a != null) {
            return replaceAdded(
                c,
                new BackendConfig(
                    a.id(), a.address(), weight, a.vm(), a.host(), a.state(), a.maxConnections()));
          }
          Map<String, Integer> weights = new LinkedHashMap<>(c.weights());
          weights.put(id, weight);
          return new PoolChanges(c.added(), c.removed(), weights, c.states());
        });
  }

  /** Records an admin-state change (folded into the backend itself when added at runtime). */
  public RuntimeOverlay withState(String pool, String id, AdminState state) {
    return change(
        pool,
        c -> {
          BackendConfig a = c.added().get(id);
          if (a != null) {
            return replaceAdded(
                c,
                new BackendConfig(
                    a.id(), a.address(), a.weight(), a.vm(), a.host(), state, a.maxConnections()));
          }
          Map<String, AdminState> states = new LinkedHashMap<>(c.states());
          states.put(id, state);
          return new PoolChanges(c.added(), c.removed(), c.weights(), states);
        });
  }

  /**
   * The config file's contents with these changes on top; changes that no longer apply are logged
   * (one line each) and left out. This is what a node runs at start and after a reload.
   */
  public BallastConfig apply(BallastConfig config) {
    Merge m = merge(config);
    for (String line : m.dropped()) {
      log.warn("runtime overlay: {}", line);
    }
    return m.config();
  }

  /**
   * Merges these changes over a config file's contents, without logging. Per pool, in order: the
   * file's backends minus the removed ones, with weight and state overrides applied, then the
   * backends added at runtime. A change that no longer applies is dropped and described in {@link
   * Merge#dropped()}: a pool the file no longer has, a removal or override of a backend the file no
   * longer declares, or a runtime addition whose id the file now declares itself (the file wins:
   * the operator wrote the backend down).
   */
  public Merge merge(BallastConfig config) {
    List<String> dropped = new ArrayList<>();
    Map<String, PoolChanges> kept = new LinkedHashMap<>();
    List<PoolConfig> pools = new ArrayList<>(config.pools().size());
    for (PoolConfig pc : config.pools()) {
      PoolChanges c = this.pools.get(pc.name());
      if (c == null) {
        pools.add(pc);
        continue;
      }
      String where = "pool '" + pc.name() + "'";
      Set<String> fileIds = new LinkedHashSet<>();
      List<BackendConfig> backends = new ArrayList<>();
      Map<String, BackendConfig> added = new LinkedHashMap<>(c.added());
      for (BackendConfig bc : pc.backends()) {
        fileIds.add(bc.id());
        if (c.removed().contains(bc.id())) {
          continue;
        }
        if (added.remove(bc.id()) != null) {
          dropped.add(
              where
                  + ": backend '"
                  + bc.id()
                  + "' was added at runtime and is now in the config file; the file's"
                  + " definition is used");
        }
        Integer w = c.weights().get(bc.id());
        AdminState s = c.states().get(bc.id());
        backends.add(
            new BackendConfig(
                bc.id(),
                bc.address(),
                w == null ? bc.weight() : w,
                bc.vm(),
                bc.host(),
                s == null ? bc.state() : s,
                bc.maxConnections()));
      }
      Set<String> removed = new LinkedHashSet<>();
      for (String id : c.removed()) {
        if (fileIds.contains(id)) {
          removed.add(id);
        } else {
          dropped.add(
              where
                  + ": the removal of backend '"
                  + id
                  + "' is dropped: the config file no longer has it");
        }
      }
      Map<String, Integer> weights =
          keepOverrides(c.weights(), fileIds, removed, where, "weight", dropped);
      Map<String, AdminState> states =
          keepOverrides(c.states(), fileIds, removed, where, "state", dropped);
      backends.addAll(added.values());
      pools.add(pc.withBackends(backends));
      kept.put(pc.name(), new PoolChanges(added, removed, weights, states));
    }
    for (Map.Entry<String, PoolChanges> e : this.pools.entrySet()) {
      if (config.pool(e.getKey()).isEmpty()) {
        dropped.add(
            "pool '"
                + e.getKey()
                + "' is no longer in the config file; its "
                + e.getValue().size()
                + " runtime change(s) are dropped");
      }
    }
    BallastConfig merged =
        new BallastConfig(
            config.source(),
            config.node(),
            config.admin(),
            config.logging(),
            config.listeners(),
            pools);
    return new Merge(merged, of(kept), dropped);
  }

  private static <V> Map<String, V> keepOverrides(
      Map<String, V> overrides,
      Set<String> fileIds,
      Set<String> removed,
      String where,
      String what,
      List<String> dropped) {
    Map<String, V> kept = new LinkedHashMap<>();
    for (Map.Entry<String, V> e : overrides.entrySet()) {
      if (fileIds.contains(e.getKey()) && !removed.contains(e.getKey())) {
        kept.put(e.getKey(), e.getValue());
      } else {
        dropped.add(
            where
                + ": the "
                + what
                + " override of backend '"
                + e.getKey()
                + "' is dropped: the config file no longer has it");
      }
    }
    return kept;
  }

  private RuntimeOverlay change(String pool, UnaryOperator<PoolChanges> f) {
    Map<String, PoolChanges> next = new LinkedHashMap<>(pools);
    next.put(pool, f.apply(pool(pool)));
    return of(next);
  }

  private static PoolChanges replaceAdded(PoolChanges c, BackendConfig b) {
    Map<String, BackendConfig> added = new LinkedHashMap<>(c.added());
    added.put(b.id(), b);
    return new PoolChanges(added, c.removed(), c.weights(), c.states());
  }

  private static <V> Map<String, V> without(Map<String, V> m, String key) {
    if (!m.containsKey(key)) {
      return m;
    }
    Map<String, V> copy = new LinkedHashMap<>(m);
    copy.remove(key);
    return copy;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RuntimeOverlay other && pools.equals(other.pools);
  }

  @Override
  public int hashCode() {
    return pools.hashCode();
  }

  @Override
  public String toString() {
    return "RuntimeOverlay" + pools;
  }
}
