package io.ballast.proxy.upstream;

import io.ballast.core.model.Backend;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What one event loop owns: its upstream connection pools, one per backend it has talked to. Client
 * connections on this loop only use these pools, so nothing crosses threads per request.
 */
public final class LoopResources {
  private final int index;
  private final int loopCount;
  private final EventLoop loop;
  private final Bootstrap bootstrap;
  private final List<UpstreamPool> pools = new ArrayList<>();

  /**
   * Creates a loop's resources.
   *
   * @param index this loop's index among {@code loopCount}
   * @param loop the event loop
   * @param bootstrap a template for upstream connections (channel class and options set)
   */
  public LoopResources(int index, int loopCount, EventLoop loop, Bootstrap bootstrap) {
    this.index = index;
    this.loopCount = loopCount;
    this.loop = loop;
    this.bootstrap = bootstrap;
    loop.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
  }

  public EventLoop loop() {
    return loop;
  }

  /** This loop's index among the node's event loops. */
  public int index() {
    return index;
  }

  /** How many event loops the node runs. */
  public int loopCount() {
    return loopCount;
  }

  /** This loop's pool for {@code backend}, created on first use. Call on this loop only. */
  public UpstreamPool poolFor(Backend backend) {
    Object state = backend.dataPlaneState();
    BackendUpstreams upstreams;
    if (state instanceof BackendUpstreams bu) {
      upstreams = bu;
    } else {
      BackendUpstreams created = new BackendUpstreams(loopCount);
      upstreams =
          backend.attachDataPlaneState(created)
              ? created
              : (BackendUpstreams) backend.dataPlaneState();
    }
    UpstreamPool pool = upstreams.byLoop[index];
    if (pool == null) {
      pool = new UpstreamPool(backend, loop, bootstrap);
      upstreams.byLoop[index] = pool;
      pools.add(pool);
    }
    return pool;
  }

  /** The backend is gone: close this loop's idle connections to it. Call on this loop. */
  public void retire(Backend backend) {
    if (backend.dataPlaneState() instanceof BackendUpstreams bu) {
      UpstreamPool pool = bu.byLoop[index];
      if (pool != null) {
        pool.retire();
        pools.remove(pool);
      }
    }
  }

  /** Idle upstream connections on this loop, for metrics. */
  public int idleConnections() {
    int n = 0;
    for (UpstreamPool p : pools) {
      n += p.idleCount();
    }
    return n;
  }

  private void sweep() {
    long now = System.nanoTime();
    for (int i = 0; i < pools.size(); i++) {
      pools.get(i).closeIdle(now);
    }
  }

  /** Per-backend array of per-loop pools; each slot is written only by its own loop. */
  static final class BackendUpstreams {
    final UpstreamPool[] byLoop;

    BackendUpstreams(int loops) {
      byLoop = new UpstreamPool[loops];
    }
  }
}
