package io.ballast.admin.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ballast.admin.AdminResponse;
import io.ballast.admin.ResponseStream;
import io.ballast.admin.metrics.Distribution;
import io.ballast.admin.metrics.ProxyMetrics;
import io.ballast.admin.metrics.TrafficTotals;
import io.ballast.core.config.ListenerConfig;
import io.ballast.core.model.Endpoint;
import io.ballast.core.world.ControlPlane;
import io.ballast.core.world.PoolSnapshot;
import io.ballast.core.world.Snapshot;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live dashboard's data: once a second it reads the metrics' cumulative totals and the world's
 * snapshot, turns them into rates and latency percentiles, keeps the last 15 minutes of per-second
 * points (so a page opened now shows history) and pushes one {@code view} event to every open event
 * stream.
 *
 * <p>Events ({@code text/event-stream}): {@code history} once when a stream opens ({@code
 * {"points": [...]}}, oldest first), then {@code view} every second: the node's listeners, pools
 * and backends with state, health, weights, requests/s, p50/p99 latency, errors/s and connections
 * (over the last 5 s), backends grouped by host and VM, and {@code point}, this second's chart
 * point. Rates are per second; latencies in milliseconds; an unknown value is {@code null}.
 */
public final class Dashboard implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Dashboard.class);

  /** Per-second points kept: 15 minutes. */
  public static final int HISTORY_POINTS = 15 * 60;

  /** Seconds the table's rates and percentiles are averaged over. */
  static final int TABLE_WINDOW = 5;

  private final ControlPlane controlPlane;
  private final ProxyMetrics metrics;
  private final String nodeName;
  private final ToIntFunction<String> ports;
  private final ArrayDeque<ObjectNode> history = new ArrayDeque<>();
  private final ArrayDeque<Sample> totals = new ArrayDeque<>();
  private final List<ResponseStream> streams = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService timer;
  private volatile String lastView;

  private record Sample(long nanos, TrafficTotals totals) {}

  /**
   * Creates the dashboard and starts sampling once a second.
   *
   * @param ports the port each listener is bound to (the actual one when the config says 0)
   */
  public Dashboard(
      ControlPlane controlPlane,
      ProxyMetrics metrics,
      String nodeName,
      ToIntFunction<String> ports) {
    this.controlPlane = Objects.requireNonNull(controlPlane);
    this.metrics = Objects.requireNonNull(metrics);
    this.nodeName = Objects.requireNonNull(nodeName);
    this.ports = Objects.requireNonNull(ports);
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "ballast-dashboard");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleAtFixedRate(this::tickSafely, 0, 1, TimeUnit.SECONDS);
  }

  /**
   * Starts an event stream: the history, the latest view, then a view every second until the client
   * goes away.
   */
  public void subscribe(ResponseStream stream) {
    StringBuilder first = new StringBuilder("retry: 2000\n\n");
    ObjectNode h = AdminResponse.object();
    h.put("node", nodeName);
    h.put("intervalMillis", 1000);
    ArrayNode points = h.putArray("points");
    synchronized (history) {
      points.addAll(history);
    }
    first.append(event("history", h));
    String view = lastView;
    if (view != null) {
      first.append(view);
    }
    stream.write(first.toString());
    streams.add(stream);
    stream.onClose(() -> streams.remove(stream));
  }

  /** Open event streams now. */
  public int subscribers() {
    return streams.size();
  }

  @Override
  public void close() {
    timer.shutdownNow();
    for (ResponseStream s : streams) {
      s.close();
    }
    streams.clear();
  }

  private void tickSafely() {
    try {
      tick();
    } catch (RuntimeException e) {
      log.warn("dashboard sample failed", e); // the next second tries again
    }
  }

  /** One sample: compute, remember, push. */
  void tick() {
    Snapshot s = controlPlane.current();
    if (s == null) {
      return;
    }
    long now = System.nanoTime();
    TrafficTotals current = metrics.totals();
    Sample previous = totals.peekLast();
    Sample windowStart = totals.peekFirst();
    totals.addLast(new Sample(now, current));
    while (totals.size() > TABLE_WINDOW + 1) {
      totals.removeFirst();
    }
    long epochMillis = System.currentTimeMillis();
    ObjectNode point = point(s, epochMillis, now, current, previous);
    synchronized (history) {
      history.addLast(point);
      while (history.size() > HISTORY_POINTS) {
        history.removeFirst();
      }
    }
    ObjectNode view = view(s, epochMillis, now, current, windowStart);
    view.set("point", point);
    String text = event("view", view);
    lastView = text;
    for (ResponseStream st : streams) {
      if (!st.isOpen()) {
        streams.remove(st);
      } else if (st.writable()) {
        st.write(text); // a client that can't keep up skips a second
      }
    }
  }

  private static String event(String name, ObjectNode data) {
    try {
      return "event: "
          + name
          + "\ndata: "
          + AdminResponse.mapper().writeValueAsString(data)
          + "\n\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  // ------------------------------------------------------------------ the chart point

  private ObjectNode point(
      Snapshot s, long epochMillis, long now, TrafficTotals current, Sample previous) {
    ObjectNode p = AdminResponse.object();
    p.put("t", epochMillis);
    Rates all =
        rates(
            current.all(), previous == null ? null : previous.totals().all(), now, prev(previous));
    p.put("rps", round(all.rps));
    p.put("err4", round(all.clientErrors));
    p.put("err5", round(all.serverErrors));
    putMillis(p, "p50", all.latency.quantile(0.5));
    putMillis(p, "p90", all.latency.quantile(0.9));
    putMillis(p, "p99", all.latency.quantile(0.99));
    ObjectNode b = p.putObject("b");
    for (PoolSnapshot pool : s.pools().values()) {
      for (Endpoint e : pool.endpoints()) {
        String key = TrafficTotals.key(pool.name(), e.id());
        Rates r =
            rates(
                current.backend(key),
                previous == null ? null : previous.totals().backend(key),
                now,
                prev(previous));
        ArrayNode a = b.putArray(key);
        a.add(round(r.rps));
        a.add(round(r.serverErrors));
        addMillis(a, r.latency.quantile(0.5));
        addMillis(a, r.latency.quantile(0.99));
      }
    }
    return p;
  }

  private static long prev(Sample s) {
    return s == null ? 0 : s.nanos();
  }

  // ------------------------------------------------------------------ the view

  private ObjectNode view(
      Snapshot s, long epochMillis, long now, TrafficTotals current, Sample windowStart) {
    TrafficTotals base = windowStart == null ? null : windowStart.totals();
    long since = windowStart == null ? 0 : windowStart.nanos();
    ObjectNode v = AdminResponse.object();
    v.put("t", epochMillis);
    v.put("node", nodeName);
    v.put("generation", s.generation());
    v.put("windowSeconds", TABLE_WINDOW);

    Rates all = rates(current.all(), base == null ? null : base.all(), now, since);
    ObjectNode totalsNode = v.putObject("totals");
    totalsNode.put("rps", round(all.rps));
    totalsNode.put("errors", round(all.serverErrors));
    totalsNode.put("clientErrors", round(all.clientErrors));
    putMillis(totalsNode, "p50", all.latency.quantile(0.5));
    putMillis(totalsNode, "p99", all.latency.quantile(0.99));
    totalsNode.put("requests", current.all().requests());

    long connections = 0;
    ArrayNode listeners = v.putArray("listeners");
    for (ListenerConfig lc : s.config().listeners()) {
      ObjectNode l = listeners.addObject();
      l.put("name", lc.name());
      l.put("listen", lc.listen().toString());
      int port = ports.applyAsInt(lc.name());
      if (port >= 0) {
        l.put("port", port);
      } else {
        l.putNull("port");
      }
      l.put("protocol", lc.protocol().name().toLowerCase(Locale.ROOT));
      l.put("pool", lc.pool());
      long open = current.connections(lc.name());
      connections += open;
      l.put("connections", open);
      Rates r =
          rates(
              current.listener(lc.name()),
              base == null ? null : base.listener(lc.name()),
              now,
              since);
      l.put("rps", round(r.rps));
      l.put("errors", round(r.serverErrors));
      putMillis(l, "p50", r.latency.quantile(0.5));
      putMillis(l, "p99", r.latency.quantile(0.99));
    }
    totalsNode.put("connections", connections);

    int up = 0;
    int down = 0;
    Map<String, HostGroup> hosts = new LinkedHashMap<>();
    ArrayNode pools = v.putArray("pools");
    for (PoolSnapshot p : s.pools().values()) {
      ObjectNode pn = pools.addObject();
      pn.put("name", p.name());
      pn.put("algorithm", p.config().algorithm());
      pn.put("size", p.endpoints().size());
      pn.put("eligible", p.eligibleCount());
      Rates pr =
          rates(current.pool(p.name()), base == null ? null : base.pool(p.name()), now, since);
      pn.put("rps", round(pr.rps));
      pn.put("errors", round(pr.serverErrors));
      putMillis(pn, "p50", pr.latency.quantile(0.5));
      putMillis(pn, "p99", pr.latency.quantile(0.99));
      ArrayNode members = pn.putArray("backends");
      for (Endpoint e : p.endpoints()) {
        String key = TrafficTotals.key(p.name(), e.id());
        ObjectNode b = members.addObject();
        b.put("key", key);
        b.put("pool", p.name());
        b.put("id", e.id());
        b.put("address", e.backend().address().toString());
        b.put("vm", e.backend().vm());
        b.put("host", e.backend().host());
        b.put("state", e.state().name().toLowerCase(Locale.ROOT));
        b.put("healthy", e.healthy());
        b.put("eligible", e.eligible());
        b.put("weight", e.configuredWeight());
        b.put("effectiveWeight", e.effectiveWeight());
        Rates r = rates(current.backend(key), base == null ? null : base.backend(key), now, since);
        b.put("rps", round(r.rps));
        b.put("errors", round(r.serverErrors));
        b.put("clientErrors", round(r.clientErrors));
        putMillis(b, "p50", r.latency.quantile(0.5));
        putMillis(b, "p99", r.latency.quantile(0.99));
        TrafficTotals.Counts c = current.backend(key);
        b.put("requests", c == null ? 0 : c.requests());
        b.put("inflight", Math.max(0, e.backend().load().inflight()));
        b.put("connections", Math.max(0, e.backend().load().connections()));
        if (e.healthy()) {
          up++;
        } else {
          down++;
        }
        String host = e.backend().host() == null ? "" : e.backend().host();
        hosts.computeIfAbsent(host, HostGroup::new).add(e, key, r.rps);
      }
    }
    totalsNode.put("up", up);
    totalsNode.put("down", down);

    ArrayNode hostsNode = v.putArray("hosts");
    for (HostGroup g : hosts.values()) {
      hostsNode.add(g.toJson());
    }
    return v;
  }

  /** Backends on one physical host (name {@code ""}: not known), with their VMs. */
  private static final class HostGroup {
    final String name;
    final List<String> backends = new ArrayList<>();
    final Map<String, List<String>> vms = new LinkedHashMap<>();
    int up;
    int down;
    double rps;

    HostGroup(String name) {
      this.name = name;
    }

    void add(Endpoint e, String key, double backendRps) {
      backends.add(key);
      String vm = e.backend().vm();
      if (vm != null) {
        vms.computeIfAbsent(vm, k -> new ArrayList<>()).add(key);
      }
      if (e.healthy()) {
        up++;
      } else {
        down++;
      }
      rps += backendRps;
    }

    ObjectNode toJson() {
      ObjectNode o = AdminResponse.object();
      if (name.isEmpty()) {
        o.putNull("name");
      } else {
        o.put("name", name);
      }
      o.put("up", up);
      o.put("down", down);
      o.put("rps", round(rps));
      ArrayNode b = o.putArray("backends");
      backends.forEach(b::add);
      ArrayNode v = o.putArray("vms");
      vms.forEach(
          (vm, keys) -> {
            ObjectNode vn = v.addObject();
            vn.put("name", vm);
            ArrayNode kb = vn.putArray("backends");
            keys.forEach(kb::add);
          });
      return o;
    }
  }

  // ------------------------------------------------------------------ rates

  /** What happened between two cumulative readings, per second. */
  private record Rates(
      double rps, double clientErrors, double serverErrors, Distribution latency) {}

  private static Rates rates(
      TrafficTotals.Counts now, TrafficTotals.Counts before, long nowNanos, long beforeNanos) {
    if (now == null) {
      return new Rates(0, 0, 0, new Distribution());
    }
    if (before == null) {
      if (beforeNanos == 0) {
        return new Rates(0, 0, 0, new Distribution()); // the first sample has no interval
      }
      before = EMPTY;
    }
    double seconds = Math.max(1e-3, (nowNanos - beforeNanos) / 1e9);
    return new Rates(
        Math.max(0, now.requests() - before.requests()) / seconds,
        Math.max(0, now.clientErrors() - before.clientErrors()) / seconds,
        Math.max(0, now.serverErrors() - before.serverErrors()) / seconds,
        now.latency().since(before.latency()));
  }

  private static final TrafficTotals.Counts EMPTY = new TrafficTotals.Counts();

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  private static void putMillis(ObjectNode o, String field, double seconds) {
    if (Double.isNaN(seconds)) {
      o.putNull(field);
    } else {
      o.put(field, round(seconds * 1000));
    }
  }

  private static void addMillis(ArrayNode a, double seconds) {
    if (Double.isNaN(seconds)) {
      a.addNull();
    } else {
      a.add(round(seconds * 1000));
    }
  }

  /** For tests: the stored points, oldest first. */
  List<ObjectNode> history() {
    synchronized (history) {
      List<ObjectNode> copy = new ArrayList<>(history);
      return copy;
    }
  }
}
