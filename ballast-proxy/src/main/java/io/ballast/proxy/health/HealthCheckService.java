package io.ballast.proxy.health;

import io.ballast.core.config.ActiveCheckConfig;
import io.ballast.core.config.AgentCheckConfig;
import io.ballast.core.config.HealthConfig;
import io.ballast.core.config.HttpCheckConfig;
import io.ballast.core.config.Payload;
import io.ballast.core.config.TcpExpectConfig;
import io.ballast.core.health.AgentReport;
import io.ballast.core.health.CheckResult;
import io.ballast.core.health.HealthCheckState;
import io.ballast.core.model.Backend;
import io.ballast.core.model.Endpoint;
import io.ballast.core.time.Randoms;
import io.ballast.core.world.ControlPlane;
import io.ballast.core.world.PoolSnapshot;
import io.ballast.core.world.Snapshot;
import io.ballast.core.world.SnapshotListener;
import io.netty.channel.EventLoop;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every pool's active health checks on the data plane's event loops and turns their verdicts
 * into control-plane changes. It follows the snapshots: backends that appear get checks, backends
 * that leave lose them, a changed {@code health.active} restarts them. Each backend's checks run on
 * one event loop (spread by a hash), with HAProxy's timing (interval, fast interval while changing
 * state, down interval, jitter) decided by {@link HealthCheckState}. A transition is logged once
 * and reported to the control plane once.
 */
public final class HealthCheckService implements SnapshotListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HealthCheckService.class);

  private final ControlPlane controlPlane;
  private final HealthProber prober;
  private final List<EventLoop> loops;
  private final CheckObserver observer;
  // Control-plane thread only (snapshot listeners run there).
  private final Map<Backend, Check> checks = new IdentityHashMap<>();
  private final Map<Backend, AgentPoll> agents = new IdentityHashMap<>();
  private volatile boolean closed;

  /** Told about every completed check, for metrics. Called on event loops. */
  @FunctionalInterface
  public interface CheckObserver {
    /** A check of {@code backend} finished. */
    void checked(Backend backend, boolean passed, long latencyNanos);

    /** Nothing observed. */
    CheckObserver NONE = (b, ok, latency) -> {};
  }

  /**
   * Creates the service; register it with {@link ControlPlane#addListener} and call {@link
   * #published} once with the current snapshot.
   */
  public HealthCheckService(
      ControlPlane controlPlane,
      HealthProber prober,
      List<EventLoop> loops,
      CheckObserver observer) {
    this.controlPlane = controlPlane;
    this.prober = prober;
    this.loops = List.copyOf(loops);
    this.observer = observer;
  }

  @Override
  public void published(Snapshot previous, Snapshot next) {
    if (closed) {
      return;
    }
    Map<Backend, Boolean> seen = new IdentityHashMap<>();
    for (PoolSnapshot pool : next.pools().values()) {
      HealthConfig health = pool.config().health();
      ActiveCheckConfig active = health.active();
      for (Endpoint e : pool.endpoints()) {
        Backend b = e.backend();
        seen.put(b, Boolean.TRUE);
        Check existing = checks.get(b);
        if (active == null) {
          if (existing != null) {
            existing.cancel();
            checks.remove(b);
          }
        } else if (existing == null || !existing.config.equals(active)) {
          if (existing != null) {
            existing.cancel();
          }
          Check c = new Check(pool.name(), b, active, health.initState(), loopFor(b));
          checks.put(b, c);
          c.start();
        }
        AgentCheckConfig agent =
            active != null && active.type() != ActiveCheckConfig.CheckType.AGENT
                ? active.agent()
                : null;
        AgentPoll poll = agents.get(b);
        if (agent == null) {
          if (poll != null) {
            poll.cancel();
            agents.remove(b);
          }
        } else if (poll == null || !poll.config.equals(agent)) {
          if (poll != null) {
            poll.cancel();
          }
          AgentPoll p = new AgentPoll(pool.name(), b, agent, active.timeout(), loopFor(b));
          agents.put(b, p);
          p.start();
        }
      }
    }
    for (Iterator<Map.Entry<Backend, Check>> it = checks.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Backend, Check> e = it.next();
      if (!seen.containsKey(e.getKey())) {
        e.getValue().cancel();
        it.remove();
      }
    }
    for (Iterator<Map.Entry<Backend, AgentPoll>> it = agents.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<Backend, AgentPoll> e = it.next();
      if (!seen.containsKey(e.getKey())) {
        e.getValue().cancel();
        it.remove();
      }
    }
  }

  /** Backends with active checks right now (for tests and metrics). */
  public int checkedBackends() {
    return checks.size();
  }

  @Override
  public void close() {
    closed = true;
    controlPlane.execute(
        () -> {
          checks.values().forEach(Check::cancel);
          agents.values().forEach(AgentPoll::cancel);
          checks.clear();
          agents.clear();
        });
  }

  private EventLoop loopFor(Backend b) {
    int h = Objects.hash(b.pool(), b.id());
    return loops.get(Math.floorMod(h, loops.size()));
  }

  static ProbeSpec spec(ActiveCheckConfig c) {
    return switch (c.type()) {
      case HTTP -> {
        HttpCheckConfig h = c.http();
        yield new ProbeSpec(
            ProbeSpec.Type.HTTP,
            c.timeout(),
            c.port(),
            h.method(),
            h.path(),
            h.host(),
            h.expectStatus()::contains,
            h.expectBody(),
            null,
            null);
      }
      case TCP ->
          new ProbeSpec(
              ProbeSpec.Type.TCP, c.timeout(), c.port(), null, null, null, null, null, null, null);
      case TCP_EXPECT -> {
        TcpExpectConfig t = c.tcpExpect();
        yield new ProbeSpec(
            ProbeSpec.Type.TCP_EXPECT,
            c.timeout(),
            c.port(),
            null,
            null,
            null,
            null,
            null,
            t.send().bytes(),
            t.expect()::matches);
      }
      case AGENT -> agentSpec(c.agent(), c.timeout());
    };
  }

  static ProbeSpec agentSpec(AgentCheckConfig a, java.time.Duration timeout) {
    Payload send = a.send();
    return new ProbeSpec(
        ProbeSpec.Type.AGENT,
        timeout,
        a.port(),
        null,
        null,
        null,
        null,
        null,
        send == null || send.isEmpty() ? null : send.bytes(),
        null);
  }

  /** One backend's active check loop. Runs on its event loop. */
  private final class Check {
    final String pool;
    final Backend backend;
    final ActiveCheckConfig config;
    final HealthCheckState state;
    final EventLoop loop;
    final ProbeSpec spec;
    volatile boolean cancelled;
    private String lastAgent;

    Check(
        String pool,
        Backend backend,
        ActiveCheckConfig config,
        HealthConfig.InitState initState,
        EventLoop loop) {
      this.pool = pool;
      this.backend = backend;
      this.config = config;
      this.state =
          new HealthCheckState(config, initState, controlPlane.ticker(), Randoms.threadLocal());
      this.loop = loop;
      this.spec = spec(config);
    }

    void start() {
      schedule(state.initialDelayNanos());
    }

    void cancel() {
      cancelled = true;
    }

    private void schedule(long delayNanos) {
      if (cancelled || closed || loop.isShuttingDown()) {
        return;
      }
      loop.schedule(this::run, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    }

    private void run() {
      if (cancelled || closed) {
        return;
      }
      prober
          .probe(loop, backend.socketAddress(), spec)
          .thenAccept(
              r -> {
                if (cancelled || closed) {
                  return;
                }
                onResult(r);
                schedule(state.nextDelayNanos());
              });
    }

    private void onResult(ProbeResult r) {
      CheckResult result;
      if (config.type() == ActiveCheckConfig.CheckType.AGENT && r.ok()) {
        AgentReport report = AgentReport.parse(r.reply());
        result = CheckResult.agent(report, r.latencyNanos());
        String described = report.valid() ? report.describe() : null;
        if (!Objects.equals(described, lastAgent)) {
          lastAgent = described;
          controlPlane.setAgentReport(pool, backend.id(), report);
        }
      } else {
        result =
            r.ok()
                ? CheckResult.passed(r.reason(), r.latencyNanos())
                : CheckResult.failed(r.reason(), r.latencyNanos());
      }
      observer.checked(backend, result.passed(), r.latencyNanos());
      HealthCheckState.Change change = state.record(result);
      if (change == HealthCheckState.Change.NONE) {
        return;
      }
      boolean up = change == HealthCheckState.Change.WENT_UP;
      if (up) {
        log.info("pool '{}': backend '{}' is UP ({})", pool, backend.id(), state.reason());
      } else {
        log.warn("pool '{}': backend '{}' is DOWN ({})", pool, backend.id(), state.reason());
      }
      controlPlane.setActiveHealth(pool, backend.id(), up, state.reason());
    }
  }

  /**
   * An auxiliary agent beside another check type (HAProxy {@code agent-check}): the backend reports
   * drain, maintenance and weight; an unreachable agent changes nothing.
   */
  private final class AgentPoll {
    final String pool;
    final Backend backend;
    final AgentCheckConfig config;
    final EventLoop loop;
    final ProbeSpec spec;
    volatile boolean cancelled;
    private String last;

    AgentPoll(
        String pool,
        Backend backend,
        AgentCheckConfig config,
        java.time.Duration timeout,
        EventLoop loop) {
      this.pool = pool;
      this.backend = backend;
      this.config = config;
      this.loop = loop;
      this.spec = agentSpec(config, timeout);
    }

    void start() {
      schedule();
    }

    void cancel() {
      cancelled = true;
    }

    private void schedule() {
      if (cancelled || closed || loop.isShuttingDown()) {
        return;
      }
      loop.schedule(this::run, config.interval().toNanos(), TimeUnit.NANOSECONDS);
    }

    private void run() {
      if (cancelled || closed) {
        return;
      }
      prober
          .probe(loop, backend.socketAddress(), spec)
          .thenAccept(
              r -> {
                if (r.ok()) {
                  AgentReport report = AgentReport.parse(r.reply());
                  String described = report.valid() ? report.describe() : null;
                  if (report.valid() && !Objects.equals(described, last)) {
                    last = described;
                    log.info(
                        "pool '{}': backend '{}' agent says {}", pool, backend.id(), described);
                    controlPlane.setAgentReport(pool, backend.id(), report);
                  }
                }
                schedule();
              });
    }
  }
}
