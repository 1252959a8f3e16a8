package io.ballast.core.health;

import io.ballast.core.model.Backend;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Health of physical hosts (hypervisors), across every pool: a host is down when an operator (or,
 * later, the hypervisor layer) marks it down, or when every backend on it that has a health verdict
 * is unhealthy — at least {@code minCheckedBackends} of them, so one crashed application does not
 * condemn its host. When a host goes down, every backend on it is ejected at once, in every pool,
 * instead of one check interval at a time; when it comes back, they are restored.
 *
 * <p>Backends name their host in {@link Backend#host()}; backends without one are ignored.
 *
 * <p>Feed {@link #backendHealth} each backend's <em>own</em> verdict (active checks and outlier
 * detection), never the host-down state this class produces, or a host could never come back.
 *
 * <p>Threading: control-plane thread only, like every other change to the world.
 */
public final class HostHealth {

  /**
   * A host went down or came back.
   *
   * @param host the host's name
   * @param down whether it is down now
   * @param reason why, such as {@code marked down by operator} or {@code all 2 checked backends on
   *     hv-a are down}; for a host that came back, why it is up
   * @param backends every backend on the host, in every pool: eject them all at once when {@code
   *     down}, restore them (to their own health) when not
   */
  public record HostChange(String host, boolean down, String reason, List<Backend> backends) {}

  /** Default {@code minCheckedBackends}. */
  public static final int DEFAULT_MIN_CHECKED_BACKENDS = 2;

  private final int minCheckedBackends;
  private final Map<String, HostState> hosts = new LinkedHashMap<>();
  private final Map<Backend, Boolean> verdicts = new IdentityHashMap<>();

  /** Host aggregation that needs two checked backends to take a host down by itself. */
  public HostHealth() {
    this(DEFAULT_MIN_CHECKED_BACKENDS);
  }

  /**
   * Host aggregation.
   *
   * @param minCheckedBackends how many backends with a verdict, all unhealthy, take a host down
   *     without an operator; at least 1
   */
  public HostHealth(int minCheckedBackends) {
    if (minCheckedBackends < 1) {
      throw new IllegalArgumentException("minCheckedBackends must be at least 1");
    }
    this.minCheckedBackends = minCheckedBackends;
  }

  /**
   * Sets every backend of every pool. Verdicts are kept for backends that stay (the same instance)
   * and operator marks for every host, even one without backends now.
   *
   * @return hosts whose state changed because backends came or went
   */
  public List<HostChange> update(Collection<Backend> backends) {
    Map<Backend, Boolean> keep = new IdentityHashMap<>();
    for (HostState h : hosts.values()) {
      h.backends.clear();
    }
    for (Backend b : backends) {
      if (b.host() == null) {
        continue;
      }
      host(b.host()).backends.add(b);
      Boolean v = verdicts.get(b);
      if (v != null) {
        keep.put(b, v);
      }
    }
    verdicts.clear();
    verdicts.putAll(keep);
    List<HostChange> changes = new ArrayList<>();
    for (HostState h : List.copyOf(hosts.values())) {
      HostChange c = reevaluate(h);
      if (c != null) {
        changes.add(c);
      }
      if (h.backends.isEmpty() && h.operatorReason == null && !h.down) {
        hosts.remove(h.name);
      }
    }
    return changes;
  }

  /**
   * Records a backend's own health verdict (active checks and outlier detection combined).
   *
   * @return the host's change, or {@code null} when the host's state did not change
   */
  public HostChange backendHealth(Backend backend, boolean healthy) {
    if (backend.host() == null) {
      return null;
    }
    HostState h = hosts.get(backend.host());
    if (h == null || !h.backends.contains(backend)) {
      return null; // not a known backend
    }
    verdicts.put(backend, healthy);
    return reevaluate(h);
  }

  /**
   * Marks a host down by hand (the admin API, later the hypervisor layer). Marking a host that has
   * no backends yet is allowed: backends that appear on it start ejected.
   *
   * @return the change, or {@code null} if the host was already down
   */
  public HostChange markDown(String host, String reason) {
    HostState h = host(Objects.requireNonNull(host));
    h.operatorReason = reason == null || reason.isBlank() ? "marked down by operator" : reason;
    return reevaluate(h);
  }

  /**
   * Clears an operator's mark. The host stays down if its backends are all unhealthy.
   *
   * @return the change, or {@code null} if the host's state did not change
   */
  public HostChange markUp(String host) {
    HostState h = hosts.get(host);
    if (h == null) {
      return null;
    }
    h.operatorReason = null;
    return reevaluate(h);
  }

  /** Whether a host is down; false for unknown hosts and {@code null}. */
  public boolean isDown(String host) {
    HostState h = host == null ? null : hosts.get(host);
    return h != null && h.down;
  }

  /** Whether a backend's host is down, so the backend must take no traffic. */
  public boolean hostDown(Backend backend) {
    return isDown(backend.host());
  }

  /** Why a host is down, or {@code null} when it is up. */
  public String reason(String host) {
    HostState h = hosts.get(host);
    return h == null || !h.down ? null : h.reason;
  }

  /** The hosts that are down, sorted by name. */
  public Set<String> hostsDown() {
    Set<String> out = new TreeSet<>();
    for (HostState h : hosts.values()) {
      if (h.down) {
        out.add(h.name);
      }
    }
    return out;
  }

  /** Every known backend on a host, in every pool. */
  public List<Backend> backendsOn(String host) {
    HostState h = hosts.get(host);
    return h == null ? List.of() : List.copyOf(h.backends);
  }

  private HostState host(String name) {
    return hosts.computeIfAbsent(name, HostState::new);
  }

  private HostChange reevaluate(HostState h) {
    String reason = h.operatorReason;
    if (reason == null) {
      reason = allCheckedDown(h);
    }
    boolean down = reason != null;
    if (down == h.down) {
      if (down) {
        h.reason = reason;
        h.byOperator = h.operatorReason != null;
      }
      return null;
    }
    boolean wasByOperator = h.byOperator;
    h.down = down;
    h.reason = reason;
    h.byOperator = h.operatorReason != null;
    String why = down ? reason : upReason(h, wasByOperator);
    return new HostChange(h.name, down, why, List.copyOf(h.backends));
  }

  /** The reason when every checked backend (at least the minimum) is unhealthy, else null. */
  private String allCheckedDown(HostState h) {
    int checked = 0;
    for (Backend b : h.backends) {
      Boolean v = verdicts.get(b);
      if (v == null) {
        continue;
      }
      if (v) {
        return null;
      }
      checked++;
    }
    if (checked < minCheckedBackends) {
      return null;
    }
    return "all " + checked + " checked backends on " + h.name + " are down";
  }

  private String upReason(HostState h, boolean wasByOperator) {
    if (wasByOperator) {
      return "operator mark cleared";
    }
    for (Backend b : h.backends) {
      if (Boolean.TRUE.equals(verdicts.get(b))) {
        return "backend " + b + " is up again";
      }
    }
    return "fewer than " + minCheckedBackends + " checked backends on " + h.name;
  }

  private static final class HostState {
    final String name;
    final Set<Backend> backends = new LinkedHashSet<>();
    String operatorReason;
    boolean down;
    boolean byOperator;
    String reason;

    HostState(String name) {
      this.name = name;
    }
  }
}
