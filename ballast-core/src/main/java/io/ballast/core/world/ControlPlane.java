package io.ballast.core.world;

import io.ballast.core.balance.Balancer;
import io.ballast.core.balance.BalancerContext;
import io.ballast.core.balance.BalancerSpec;
import io.ballast.core.balance.Picker;
import io.ballast.core.balance.SlowStart;
import io.ballast.core.config.BackendConfig;
import io.ballast.core.config.BallastConfig;
import io.ballast.core.config.HostPort;
import io.ballast.core.config.ListenerConfig;
import io.ballast.core.config.PoolConfig;
import io.ballast.core.config.RouteConfig;
import io.ballast.core.config.RouteMatch;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 */
public final class ControlPlane {
  private static final Logger log = LoggerFactory.getLogger(ControlPlane.class);

  private final ScheduledExecutorService executor;
  private final Ticker ticker;
  private final InstantSource clock;
  private final RandomGenerator random;
  private final List<SnapshotListener> listeners = new CopyOnWriteArrayList<>();
  private final AtomicLong generation = new AtomicLong();

  // Control-thread state.
  private final Map<String, PoolState> pools = new LinkedHashMap<>();
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
   * @param ticker time for balancers, slow start and session tables
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

  /** Subscribes to published snapshots. */
  public void addListener(SnapshotListener listener) {
    listeners.add(listener);
  }

  /**
   * Applies a validated config: pools are diffed so unchanged backends keep their identity and
   * balancers their state. Fails (and keeps the old world) when a backend address cannot be
   * resolved.
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
            PoolState ps = new PoolState(pc, persistences.get(pc.name()));
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
                bs.healthy = prev.healthy;
                bs.eligibleSince = prev.eligibleSince;
              } else if (old == null) {
                bs.eligibleSince = Long.MIN_VALUE; // a pool's first backends start at full weight
              } else {
                bs.eligibleSince = ticker.nanoTime(); // joined a running pool: slow start
              }
              ps.backends.put(bc.id(), bs);
            }
            rebuilt.put(pc.name(), ps);
          }
          for (Map.Entry<String, PoolState> e : pools.entrySet()) {
            if (!rebuilt.containsKey(e.getKey())) {
              e.getValue().balancer.close();
            }
          }
          pools.clear();
          pools.putAll(rebuilt);
          config = next;
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

  /** Records a health verdict for a backend. Publishes only when it changes. */
  public CompletableFuture<Snapshot> setHealthy(String pool, String id, boolean healthy) {
    return mutate(pool, id, bs -> bs.healthy = healthy);
  }

  /**
   * Changes one backend and publishes if anything changed. A backend that becomes eligible again
   * (recovered, back from maintenance, weighted again) restarts slow start.
   */
  private CompletableFuture<Snapshot> mutate(
      String pool, String id, java.util.function.Consumer<BackendState> change) {
    return submit(
        () -> {
          BackendState bs = backendState(pool, id);
          boolean wasEligible = bs.eligible();
          int weight = bs.weight;
          AdminState state = bs.adminState;
          boolean healthy = bs.healthy;
          change.accept(bs);
          if (bs.weight == weight && bs.adminState == state && bs.healthy == healthy) {
            return current;
          }
          if (!wasEligible && bs.eligible()) {
            bs.eligibleSince = ticker.nanoTime();
          }
          return publish();
        });
  }

  /** Runs a task on the control-plane thread, in order with every other change. */
  public void execute(Runnable task) {
    executor.execute(task);
  }

  /**
   * Adds a backend to a running pool. It joins through slow start. Fails with {@link
   * IllegalArgumentException} if the id is taken or the address cannot be resolved, and with {@link
   * NoSuchElementException} for an unknown pool.
   */
  public CompletableFuture<Snapshot> addBackend(String pool, BackendConfig backend) {
    return submit(
        () -> {
          PoolState ps = pools.get(pool);
          if (ps == null) {
            throw new NoSuchElementException("no pool named '" + pool + "'");
          }
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
          bs.eligibleSince = ticker.nanoTime();
          ps.backends.put(backend.id(), bs);
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
          pools.get(pool).backends.remove(id);
          return publish();
        });
  }

  private BackendState backendState(String pool, String id) {
    PoolState ps = pools.get(pool);
    if (ps == null) {
      throw new NoSuchElementException("no pool named '" + pool + "'");
    }
    BackendState bs = ps.backends.get(id);
    if (bs == null) {
      throw new NoSuchElementException("pool '" + pool + "' has no backend '" + id + "'");
    }
    return bs;
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

  private static final class PoolState {
    final PoolConfig config;
    final Persistence persistence;
    final Map<String, BackendState> backends = new LinkedHashMap<>();
    BalancerSpec spec;
    Balancer balancer;

    PoolState(PoolConfig config, Persistence persistence) {
      this.config = config;
      this.persistence = persistence;
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
      Map<String, Endpoint> byId = new LinkedHashMap<>();
      for (BackendState bs : backends.values()) {
        Endpoint e = bs.endpoint(config, now);
        all.add(e);
        byId.put(e.id(), e);
        if (e.eligible()) {
          eligible.add(e);
        }
      }
      List<Endpoint> allView = Collections.unmodifiableList(all);
      List<Endpoint> eligibleView = Collections.unmodifiableList(eligible);
      Picker picker = balancer.update(eligibleView);
      return new PoolSnapshot(
          config.name(),
          config,
          allView,
          Collections.unmodifiableMap(byId),
          picker == null ? Picker.EMPTY : picker,
          eligible.size(),
          persistence.update(allView, eligibleView));
    }
  }

  private static final class BackendState {
    final Backend backend;
    final int maxConnections;
    int weight;
    AdminState adminState;
    boolean healthy = true;
    long eligibleSince = Long.MIN_VALUE;

    BackendState(Backend backend, int weight, AdminState adminState, int maxConnections) {
      this.backend = backend;
      this.weight = weight;
      this.adminState = adminState;
      this.maxConnections = maxConnections;
    }

    boolean eligible() {
      return adminState == AdminState.ACTIVE && healthy && weight > 0;
    }

    Endpoint endpoint(PoolConfig pool, long now) {
      int effective =
          eligibleSince == Long.MIN_VALUE
              ? weight
              : SlowStart.effectiveWeight(weight, pool.slowStart(), eligibleSince, now);
      return new Endpoint(backend, weight, effective, adminState, healthy, maxConnections);
    }
  }
}
