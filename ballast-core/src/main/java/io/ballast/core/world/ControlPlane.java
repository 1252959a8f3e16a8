package io.ballast.core.world;

import io.ballast.core.balance.Balancer;
import io.ballast.core.balance.BalancerContext;
import io.ballast.core.balance.BalancerSpec;
import io.ballast.core.balance.Picker;
import io.ballast.core.balance.SlowStart;
import io.ballast.core.config.BackendConfig;
import io.ballast.core.config.BallastConfig;
import io.ballast.core.config.HealthConfig;
import io.ballast.core.config.HostPort;
import io.ballast.core.config.ListenerConfig;
import io.ballast.core.config.PassiveHealthConfig;
import io.ballast.core.config.PoolConfig;
import io.ballast.core.config.RetryConfig;
import io.ballast.core.config.RouteConfig;
import io.ballast.core.config.RouteMatch;
import io.ballast.core.health.AgentReport;
import io.ballast.core.health.HostHealth;
import io.ballast.core.health.OutlierDetector;
import io.ballast.core.health.PanicPolicy;
import io.ballast.core.model.AdminState;
import io.ballast.core.model.Backend;
import io.ballast.core.model.Endpoint;
import io.ballast.core.persist.Persistence;
import io.ballast.core.time.Clocks;
import io.ballast.core.time.Ticker;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that changes the world. Config reloads, admin calls and health verdicts are applied
 * in order on a single serial executor (grpc-java's {@code SynchronizationContext}); each builds
 * the next immutable {@link Snapshot} and publishes it through one volatile reference that the data
 * plane reads without locks.
 *
 * <p>Backends keep their identity (and so their load counters, connection pools and sessions) as
 * long as their pool keeps a backend with the same id and address; balancers survive as long as
 * their pool keeps the same algorithm and options.
 *
 * <p>Health is the combination of separate verdicts kept per backend: active checks, outlier
 * ejection, and host-down (a host marked down by an operator, or every backend on it failed, ejects
 * all its backends at once). An agent (HAProxy agent-check) may additionally drain or re-weight a
 * backend without touching the operator's settings. When the healthy share of a pool falls below
 * its panic threshold, the pool balances across all its backends (Envoy's panic mode), logged and
 * counted.
 */
public final class ControlPlane {
  private static final Logger log = LoggerFactory.getLogger(ControlPlane.class);

  private final ScheduledExecutorService executor;
  private final Ticker ticker;
  private final InstantSource clock;
  private final RandomGenerator random;
  private final List<SnapshotListener> listeners = new CopyOnWriteArrayList<>();
  private final List<HealthListener> healthListeners = new CopyOnWriteArrayList<>();
  private final AtomicLong generation = new AtomicLong();

  // Control-thread state.
  private final Map<String, PoolState> pools = new LinkedHashMap<>();
  private final HostHealth hosts = new HostHealth();
  private BallastConfig config;
  private boolean rampTickScheduled;

  private volatile Snapshot current;

  /**
   * Creates a control plane.
   *
   * @param executor a single-threaded scheduler: runs one task at a time, in submission order
   * @param ticker time for balancers and slow start
   * @param random randomness for balancers (shared by event loops: must be thread-safe)
   */
  public ControlPlane(ScheduledExecutorService executor, Ticker ticker, RandomGenerator random) {
    this(executor, ticker, Clocks.system(), random);
  }

  /**
   * Creates a control plane with an explicit wall clock (cookie expiry).
   *
   * @param executor a single-threaded scheduler: runs one task at a time, in submission order
   * @param ticker time for balancers, slow start, health and session tables
   * @param clock wall-clock time for signed persistence cookies
   * @param random randomness for balancers (shared by event loops: must be thread-safe)
   */
  public ControlPlane(
      ScheduledExecutorService executor,
      Ticker ticker,
      InstantSource clock,
      RandomGenerator random) {
    this.executor = Objects.requireNonNull(executor);
    this.ticker = Objects.requireNonNull(ticker);
    this.clock = Objects.requireNonNull(clock);
    this.random = Objects.requireNonNull(random);
  }

  /** The live snapshot, or {@code null} before the first config is applied. Lock-free. */
  public Snapshot current() {
    return current;
  }

  /** The ticker policies use. */
  public Ticker ticker() {
    return ticker;
  }

  /** Subscribes to published snapshots. */
  public void addListener(SnapshotListener listener) {
    listeners.add(listener);
  }

  /** Subscribes to health transitions (metrics, the dashboard). */
  public void addHealthListener(HealthListener listener) {
    healthListeners.add(listener);
  }

  /** Told once per health transition of a backend, on the control-plane thread. */
  @FunctionalInterface
  public interface HealthListener {
    /**
     * A backend's health changed.
     *
     * @param backend the backend
     * @param healthy whether it may take traffic now
     * @param cause {@code check}, {@code ejection}, {@code host} or {@code agent}
     * @param reason human-readable, for logs and the admin API
     */
    void changed(Backend backend, boolean healthy, String cause, String reason);
  }

  /**
   * Applies a validated config: pools are diffed so unchanged backends keep their identity, health
   * and connections, and balancers their state. Fails (and keeps the old world) when a backend
   * address cannot be resolved or a persistence secret cannot be read.
   */
  public CompletableFuture<Snapshot> applyConfig(BallastConfig next) {
    return submit(
        () -> {
          Map<String, PoolState> rebuilt = new LinkedHashMap<>();
          // Resolve everything first so a failure leaves the running world untouched.
          Map<String, Map<String, InetSocketAddress>> resolved = new LinkedHashMap<>();
          Map<String, Persistence> persistences = new LinkedHashMap<>();
          for (PoolConfig pc : next.pools()) {
            Map<String, InetSocketAddress> addrs = new LinkedHashMap<>();
            for (BackendConfig bc : pc.backends()) {
              addrs.put(bc.id(), resolve(pc.name(), bc.id(), bc.address()));
            }
            resolved.put(pc.name(), addrs);
            PoolState old = pools.get(pc.name());
            persistences.put(
                pc.name(),
                old != null && old.persistence.config().equals(pc.persistence())
                    ? old.persistence // sessions survive the reload
                    : Persistence.create(pc.name(), pc.persistence(), ticker, clock));
          }
          for (PoolConfig pc : next.pools()) {
            PoolState old = pools.get(pc.name());
            PoolState ps =
                new PoolState(
                    pc,
                    persistences.get(pc.name()),
                    old == null ? new PoolRuntime(pc.name()) : old.runtime);
            if (old != null && old.spec.sameAs(pc.balancer())) {
              ps.balancer = old.balancer;
              ps.spec = old.spec;
            } else {
              if (old != null) {
                old.balancer.close();
              }
              ps.spec = pc.balancer();
              ps.balancer =
                  ps.spec.create(new BalancerContext(pc.name(), ticker, random, pc.hashOn()));
            }
            boolean initDown = pc.health().initState() == HealthConfig.InitState.DOWN;
            for (BackendConfig bc : pc.backends()) {
              InetSocketAddress addr = resolved.get(pc.name()).get(bc.id());
              BackendState prev = old == null ? null : old.backends.get(bc.id());
              Backend backend =
                  prev != null
                          && prev.backend.address().equals(bc.address())
                          && Objects.equals(prev.backend.vm(), bc.vm())
                          && Objects.equals(prev.backend.host(), bc.host())
                      ? prev.backend
                      : new Backend(pc.name(), bc.id(), bc.address(), addr, bc.vm(), bc.host());
              BackendState bs =
                  new BackendState(backend, bc.weight(), bc.state(), bc.maxConnections());
              if (prev != null && prev.backend == backend) {
                bs.copyHealthFrom(prev);
              } else {
                bs.activeUp = !initDown || !pc.health().hasActiveChecks();
                if (!bs.activeUp) {
                  bs.activeReason = "waiting for its first health checks";
                }
                bs.eligibleSince =
                    old == null
                        ? Long.MIN_VALUE // a pool's first backends start at full weight
                        : ticker.nanoTime(); // joined a running pool: slow start
              }
              ps.backends.put(bc.id(), bs);
            }
            if (!pc.health().hasActiveChecks()) {
              for (BackendState bs : ps.backends.values()) {
                bs.activeUp = true; // no checks (any more): nothing holds the backend down
                bs.activeReason = null;
              }
            }
            rebuilt.put(pc.name(), ps);
          }
          for (Map.Entry<String, PoolState> e : pools.entrySet()) {
            if (!rebuilt.containsKey(e.getKey())) {
              e.getValue().close();
            }
          }
          pools.clear();
          pools.putAll(rebuilt);
          config = next;
          for (PoolState ps : pools.values()) {
            ps.configureRuntime();
          }
          hostsChanged(hosts.update(allBackends()));
          return publish();
        });
  }

  /** Sets a backend's weight (0..10000). */
  public CompletableFuture<Snapshot> setWeight(String pool, String id, int weight) {
    return mutate(pool, id, bs -> bs.weight = weight);
  }

  /** Sets a backend's administrative state. */
  public CompletableFuture<Snapshot> setState(String pool, String id, AdminState state) {
    return mutate(pool, id, bs -> bs.adminState = state);
  }

  /**
   * Records the active-check verdict for a backend (the health checker calls this on each
   * transition). Publishes only when it changes.
   */
  public CompletableFuture<Snapshot> setHealthy(String pool, String id, boolean healthy) {
    return setActiveHealth(pool, id, healthy, healthy ? null : "marked down");
  }

  /** Records the active-check verdict for a backend, with the reason for logs and the API. */
  public CompletableFuture<Snapshot> setActiveHealth(
      String pool, String id, boolean up, String reason) {
    return mutate(
        pool,
        id,
        bs -> {
          bs.activeUp = up;
          bs.activeReason = up ? null : reason;
        });
  }

  /**
   * Applies what a backend's agent reported (HAProxy agent-check): {@code drain}/{@code maint} and
   * weights act on top of the operator's settings, never replacing them; {@code null} clears.
   */
  public CompletableFuture<Snapshot> setAgentReport(String pool, String id, AgentReport report) {
    return mutate(pool, id, bs -> bs.agent = report != null && report.valid() ? report : null);
  }

  /**
   * The data plane saw the consecutive-error threshold crossed for a backend: eject it now (within
   * milliseconds, not at the next evaluation), unless the pool may not lose another backend.
   */
  public void consecutiveErrors(String pool, Backend backend) {
    executor.execute(
        () -> {
          try {
            PoolState ps = pools.get(pool);
            if (ps == null || ps.runtime.outlier() == null) {
              return;
            }
            OutlierDetector.Ejection e = ps.runtime.outlier().onConsecutiveErrors(backend);
            if (e != null) {
              eject(ps, e);
              publish();
            }
          } finally {
            // Ejected and published, or kept (the ejection cap): either way the data plane may
            // stop avoiding it on its own.
            backend.load().ejectionPending(false);
          }
        });
  }

  /**
   * Marks a physical host down (or up) on behalf of an operator or the hypervisor layer: every
   * backend on it, in every pool, is ejected at once (or restored).
   */
  public CompletableFuture<Snapshot> setHostDown(String host, boolean down, String reason) {
    return submit(
        () -> {
          HostHealth.HostChange change = down ? hosts.markDown(host, reason) : hosts.markUp(host);
          if (change == null) {
            return current;
          }
          hostsChanged(List.of(change));
          return publish();
        });
  }

  /** Hosts known from backends' {@code host:} and whether each is down, for the admin API. */
  public CompletableFuture<List<HostView>> hosts() {
    return submit(
        () -> {
          Map<String, List<Backend>> byHost = new LinkedHashMap<>();
          for (Backend b : allBackends()) {
            if (b.host() != null) {
              byHost.computeIfAbsent(b.host(), h -> new ArrayList<>()).add(b);
            }
          }
          List<HostView> out = new ArrayList<>();
          for (Map.Entry<String, List<Backend>> e : byHost.entrySet()) {
            out.add(
                new HostView(
                    e.getKey(),
                    hosts.isDown(e.getKey()),
                    hosts.reason(e.getKey()),
                    List.copyOf(e.getValue())));
          }
          return out;
        });
  }

  /**
   * A physical host as the admin API shows it.
   *
   * @param name the host's name (backends' {@code host:})
   * @param down whether its backends are ejected because of it
   * @param reason why it is down, or {@code null}
   * @param backends the backends on it, every pool
   */
  public record HostView(String name, boolean down, String reason, List<Backend> backends) {}

  /**
   * Changes one backend and publishes if anything changed. A backend that becomes eligible again
   * (recovered, back from maintenance, weighted again) restarts slow start.
   */
  private CompletableFuture<Snapshot> mutate(
      String pool, String id, Consumer<BackendState> change) {
    return submit(
        () -> {
          PoolState ps = poolState(pool);
          BackendState bs = backendState(pool, id);
          Fingerprint before = new Fingerprint(bs);
          boolean wasHealthy = bs.healthy();
          change.accept(bs);
          if (before.equals(new Fingerprint(bs))) {
            return current;
          }
          if (bs.activeUp != before.activeUp) {
            notifyHealth(bs, "check", bs.activeUp ? "checks pass again" : bs.activeReason);
            hostsChanged(listOf(hosts.backendHealth(bs.backend, bs.ownHealthy())));
          }
          if (bs.healthy() && !wasHealthy) {
            bs.eligibleSince = ticker.nanoTime(); // recovery goes through slow start
          } else if (!before.eligible && bs.eligible()) {
            bs.eligibleSince = ticker.nanoTime();
          }
          if (ps.runtime.outlier() != null) {
            ps.runtime.outlier().update(ps.backendList());
          }
          return publish();
        });
  }

  /** What a mutation may change, to tell whether it did. */
  private record Fingerprint(
      int weight,
      AdminState state,
      boolean activeUp,
      String activeReason,
      AgentReport agent,
      boolean eligible) {
    Fingerprint(BackendState bs) {
      this(bs.weight, bs.adminState, bs.activeUp, bs.activeReason, bs.agent, bs.eligible());
    }
  }

  private static <T> List<T> listOf(T item) {
    return item == null ? List.of() : List.of(item);
  }

  /** Runs a task on the control-plane thread, in order with every other change. */
  public void execute(Runnable task) {
    executor.execute(task);
  }

  /**
   * Adds a backend to a running pool. It joins through slow start (and, with {@code init-state:
   * down}, only after its first checks pass). Fails with {@link IllegalArgumentException} if the id
   * is taken or the address cannot be resolved, and with {@link NoSuchElementException} for an
   * unknown pool.
   */
  public CompletableFuture<Snapshot> addBackend(String pool, BackendConfig backend) {
    return submit(
        () -> {
          PoolState ps = poolState(pool);
          if (ps.backends.containsKey(backend.id())) {
            throw new IllegalArgumentException(
                "pool '" + pool + "' already has a backend '" + backend.id() + "'");
          }
          InetSocketAddress addr = resolve(pool, backend.id(), backend.address());
          BackendState bs =
              new BackendState(
                  new Backend(
                      pool, backend.id(), backend.address(), addr, backend.vm(), backend.host()),
                  backend.weight(),
                  backend.state(),
                  backend.maxConnections());
          HealthConfig h = ps.config.health();
          bs.activeUp = !(h.hasActiveChecks() && h.initState() == HealthConfig.InitState.DOWN);
          if (!bs.activeUp) {
            bs.activeReason = "waiting for its first health checks";
          }
          bs.eligibleSince = ticker.nanoTime();
          ps.backends.put(backend.id(), bs);
          if (ps.runtime.outlier() != null) {
            ps.runtime.outlier().update(ps.backendList());
          }
          hostsChanged(hosts.update(allBackends()));
          return publish();
        });
  }

  /**
   * Removes a backend from a running pool. New requests stop reaching it at once; requests in
   * flight on it finish (their connections close when they are done). Drain first ({@link
   * #setState} to {@code DRAINING}) to let persisted sessions move on gently.
   */
  public CompletableFuture<Snapshot> removeBackend(String pool, String id) {
    return submit(
        () -> {
          backendState(pool, id);
          PoolState ps = pools.get(pool);
          ps.backends.remove(id);
          if (ps.runtime.outlier() != null) {
            ps.runtime.outlier().update(ps.backendList());
          }
          hostsChanged(hosts.update(allBackends()));
          return publish();
        });
  }

  private PoolState poolState(String pool) {
    PoolState ps = pools.get(pool);
    if (ps == null) {
      throw new NoSuchElementException("no pool named '" + pool + "'");
    }
    return ps;
  }

  private BackendState backendState(String pool, String id) {
    BackendState bs = poolState(pool).backends.get(id);
    if (bs == null) {
      throw new NoSuchElementException("pool '" + pool + "' has no backend '" + id + "'");
    }
    return bs;
  }

  private List<Backend> allBackends() {
    List<Backend> all = new ArrayList<>();
    for (PoolState ps : pools.values()) {
      all.addAll(ps.backendList());
    }
    return all;
  }

  private BackendState stateOf(Backend b) {
    PoolState ps = pools.get(b.pool());
    if (ps == null) {
      return null;
    }
    BackendState bs = ps.backends.get(b.id());
    return bs != null && bs.backend == b ? bs : null;
  }

  private void eject(PoolState ps, OutlierDetector.Ejection e) {
    BackendState bs = stateOf(e.backend());
    if (bs == null || bs.ejected) {
      return;
    }
    bs.ejected = true;
    bs.ejectReason = e.reason();
    log.warn(
        "pool '{}': backend '{}' ejected for {} ({}, ejection #{})",
        ps.config.name(),
        bs.backend.id(),
        io.ballast.core.config.Durations.format(e.duration()),
        e.reason(),
        e.times());
    notifyHealth(bs, "ejection", e.reason());
    hostsChanged(listOf(hosts.backendHealth(bs.backend, bs.ownHealthy())));
  }

  private void restore(PoolState ps, Backend b) {
    BackendState bs = stateOf(b);
    if (bs == null || !bs.ejected) {
      return;
    }
    bs.ejected = false;
    bs.ejectReason = null;
    if (bs.healthy()) {
      bs.eligibleSince = ticker.nanoTime(); // back through slow start
    }
    log.info("pool '{}': backend '{}' is back after its ejection", ps.config.name(), b.id());
    notifyHealth(bs, "ejection", "ejection ended");
    hostsChanged(listOf(hosts.backendHealth(bs.backend, bs.ownHealthy())));
  }

  private void hostsChanged(List<HostHealth.HostChange> changes) {
    for (HostHealth.HostChange c : changes) {
      if (c.down()) {
        log.warn(
            "host '{}' is down ({}): ejecting its {} backend(s) at once",
            c.host(),
            c.reason(),
            c.backends().size());
      } else {
        log.info("host '{}' is up again: its backends may take traffic", c.host());
      }
      for (Backend b : c.backends()) {
        BackendState bs = stateOf(b);
        if (bs == null || bs.hostDown == c.down()) {
          continue;
        }
        boolean wasHealthy = bs.healthy();
        bs.hostDown = c.down();
        bs.hostReason = c.down() ? "host " + c.host() + " is down (" + c.reason() + ")" : null;
        if (bs.healthy() && !wasHealthy) {
          bs.eligibleSince = ticker.nanoTime();
        }
        notifyHealth(bs, "host", c.down() ? bs.hostReason : "host " + c.host() + " is up");
      }
    }
  }

  private void notifyHealth(BackendState bs, String cause, String reason) {
    for (HealthListener l : healthListeners) {
      try {
        l.changed(bs.backend, bs.healthy(), cause, reason);
      } catch (RuntimeException e) {
        log.error("health listener {} failed", l, e);
      }
    }
  }

  private static InetSocketAddress resolve(String pool, String id, HostPort address) {
    try {
      return new InetSocketAddress(InetAddress.getByName(address.host()), address.port());
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(
          "pool '" + pool + "' backend '" + id + "': cannot resolve '" + address.host() + "'", e);
    }
  }

  private Snapshot publish() {
    long now = ticker.nanoTime();
    boolean ramping = false;
    Map<String, PoolSnapshot> poolSnapshots = new LinkedHashMap<>();
    for (PoolState ps : pools.values()) {
      poolSnapshots.put(ps.config.name(), ps.snapshot(now));
      ramping |= ps.ramping(now);
    }
    if (ramping) {
      scheduleRampTick();
    }
    Map<String, ListenerView> views = new LinkedHashMap<>();
    for (ListenerConfig lc : config.listeners()) {
      List<RouteMatch> matches = new ArrayList<>();
      List<PoolSnapshot> targets = new ArrayList<>();
      for (RouteConfig rc : lc.routes()) {
        matches.add(rc.match());
        targets.add(poolSnapshots.get(rc.pool()));
      }
      views.put(lc.name(), new ListenerView(lc, poolSnapshots.get(lc.pool()), matches, targets));
    }
    Snapshot previous = current;
    Snapshot next =
        new Snapshot(
            generation.incrementAndGet(),
            config,
            Collections.unmodifiableMap(poolSnapshots),
            Collections.unmodifiableMap(views));
    current = next;
    for (SnapshotListener l : listeners) {
      try {
        l.published(previous, next);
      } catch (RuntimeException e) {
        log.error("snapshot listener {} failed", l, e);
      }
    }
    return next;
  }

  /** While a backend ramps up, re-publish a few times a second so its weight follows the curve. */
  private void scheduleRampTick() {
    if (rampTickScheduled) {
      return;
    }
    rampTickScheduled = true;
    executor.schedule(
        () -> {
          rampTickScheduled = false;
          publish();
        },
        250,
        TimeUnit.MILLISECONDS);
  }

  private <T> CompletableFuture<T> submit(Supplier<T> task) {
    CompletableFuture<T> f = new CompletableFuture<>();
    executor.execute(
        () -> {
          try {
            f.complete(task.get());
          } catch (RuntimeException e) {
            f.completeExceptionally(e);
          }
        });
    return f;
  }

  /** Thrown for an unknown pool or backend. */
  public static final class NoSuchElementException extends java.util.NoSuchElementException {
    private static final long serialVersionUID = 1L;

    NoSuchElementException(String message) {
      super(message);
    }
  }

  private final class PoolState {
    final PoolConfig config;
    final Persistence persistence;
    final PoolRuntime runtime;
    final Map<String, BackendState> backends = new LinkedHashMap<>();
    BalancerSpec spec;
    Balancer balancer;
    ScheduledFuture<?> evaluation;

    PoolState(PoolConfig config, Persistence persistence, PoolRuntime runtime) {
      this.config = config;
      this.persistence = persistence;
      this.runtime = runtime;
    }

    List<Backend> backendList() {
      List<Backend> list = new ArrayList<>(backends.size());
      for (BackendState bs : backends.values()) {
        list.add(bs.backend);
      }
      return list;
    }

    /** Keeps the runtime's detector and budget when their settings did not change. */
    void configureRuntime() {
      PassiveHealthConfig passive = config.health().passive();
      OutlierDetector detector = runtime.outlier();
      if (!passive.enabled()) {
        runtime.outlier(null);
      } else if (detector == null || !detector.config().equals(passive)) {
        detector = new OutlierDetector(config.name(), passive, ticker);
        runtime.outlier(detector);
      }
      if (runtime.outlier() != null) {
        runtime.outlier().update(backendList());
      }
      RetryConfig retries = config.retries();
      runtime.retryConfig(retries, ticker);
      scheduleEvaluation();
    }

    void scheduleEvaluation() {
      if (evaluation != null) {
        evaluation.cancel(false);
        evaluation = null;
      }
      OutlierDetector detector = runtime.outlier();
      if (detector == null) {
        return;
      }
      long every = Math.max(10, detector.config().interval().toMillis());
      evaluation =
          executor.scheduleWithFixedDelay(
              () -> {
                if (pools.get(config.name()) != this || runtime.outlier() != detector) {
                  return;
                }
                OutlierDetector.Evaluation ev = detector.evaluate();
                if (ev.isEmpty()) {
                  return;
                }
                for (OutlierDetector.Ejection e : ev.ejected()) {
                  eject(this, e);
                }
                for (Backend b : ev.restored()) {
                  restore(this, b);
                }
                publish();
              },
              every,
              every,
              TimeUnit.MILLISECONDS);
    }

    void close() {
      balancer.close();
      if (evaluation != null) {
        evaluation.cancel(false);
      }
    }

    boolean ramping(long now) {
      for (BackendState bs : backends.values()) {
        if (bs.eligible() && SlowStart.ramping(config.slowStart(), bs.eligibleSince, now)) {
          return true;
        }
      }
      return false;
    }

    PoolSnapshot snapshot(long now) {
      List<Endpoint> all = new ArrayList<>(backends.size());
      List<Endpoint> eligible = new ArrayList<>(backends.size());
      List<Endpoint> adminEligible = new ArrayList<>(backends.size());
      Map<String, Endpoint> byId = new LinkedHashMap<>();
      for (BackendState bs : backends.values()) {
        Endpoint e = bs.endpoint(config, now);
        all.add(e);
        byId.put(e.id(), e);
        if (e.state() == AdminState.ACTIVE && e.effectiveWeight() > 0) {
          if (e.healthy()) {
            eligible.add(e);
          }
          // A backend on a host that is down is out for certain, not a maybe-false verdict:
          // panic mode never sends traffic back to it.
          if (!bs.hostDown) {
            adminEligible.add(e);
          }
        }
      }
      PanicPolicy panic = new PanicPolicy(config.health().panicThreshold());
      boolean inPanic = panic.inPanic(eligible.size(), adminEligible.size());
      if (runtime.panic(inPanic)) {
        if (inPanic) {
          log.warn("{}", panic.describe(config.name(), eligible.size(), adminEligible.size()));
        } else {
          log.info(
              "pool '{}' left panic mode: {} of {} backends healthy",
              config.name(),
              eligible.size(),
              adminEligible.size());
        }
      }
      List<Endpoint> chosen = inPanic ? adminEligible : eligible;
      boolean limited = config.limits().limited();
      for (BackendState bs : backends.values()) {
        limited |= bs.maxConnections > 0;
      }
      runtime.limited(limited);
      List<Endpoint> allView = Collections.unmodifiableList(all);
      Picker picker = balancer.update(Collections.unmodifiableList(chosen));
      return new PoolSnapshot(
          config.name(),
          config,
          allView,
          Collections.unmodifiableMap(byId),
          picker == null ? Picker.EMPTY : picker,
          chosen.size(),
          persistence.update(allView, Collections.unmodifiableList(chosen)),
          runtime);
    }
  }

  private static final class BackendState {
    final Backend backend;
    final int maxConnections;
    int weight;
    AdminState adminState;
    boolean activeUp = true;
    String activeReason;
    boolean ejected;
    String ejectReason;
    boolean hostDown;
    String hostReason;
    AgentReport agent;
    long eligibleSince = Long.MIN_VALUE;

    BackendState(Backend backend, int weight, AdminState adminState, int maxConnections) {
      this.backend = backend;
      this.weight = weight;
      this.adminState = adminState;
      this.maxConnections = maxConnections;
    }

    void copyHealthFrom(BackendState prev) {
      activeUp = prev.activeUp;
      activeReason = prev.activeReason;
      ejected = prev.ejected;
      ejectReason = prev.ejectReason;
      hostDown = prev.hostDown;
      hostReason = prev.hostReason;
      agent = prev.agent;
      eligibleSince = prev.eligibleSince;
    }

    /** The backend's own verdict (what host aggregation looks at). */
    boolean ownHealthy() {
      return activeUp && !ejected;
    }

    boolean healthy() {
      return activeUp && !ejected && !hostDown;
    }

    /** The operator's state, made stricter by the agent's (drain, maint), never looser. */
    AdminState state() {
      AdminState a = agent == null ? null : agent.adminState();
      if (a == null || a.ordinal() <= adminState.ordinal()) {
        return adminState;
      }
      return a;
    }

    int weightNow() {
      return agent == null ? weight : agent.effectiveWeight(weight);
    }

    boolean eligible() {
      return state() == AdminState.ACTIVE && healthy() && weightNow() > 0;
    }

    String reason() {
      if (hostDown) {
        return hostReason;
      }
      if (ejected) {
        return "ejected: " + ejectReason;
      }
      if (!activeUp) {
        return activeReason;
      }
      return agent == null ? null : "agent: " + agent.describe();
    }

    Endpoint endpoint(PoolConfig pool, long now) {
      int w = weightNow();
      int effective =
          eligibleSince == Long.MIN_VALUE
              ? w
              : SlowStart.effectiveWeight(w, pool.slowStart(), eligibleSince, now);
      return new Endpoint(backend, weight, effective, state(), healthy(), maxConnections, reason());
    }
  }
}
