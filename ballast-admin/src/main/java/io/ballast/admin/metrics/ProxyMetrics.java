package io.ballast.admin.metrics;

import io.ballast.core.model.AdminState;
import io.ballast.core.model.Backend;
import io.ballast.core.model.Endpoint;
import io.ballast.core.world.ControlPlane;
import io.ballast.core.world.PoolSnapshot;
import io.ballast.core.world.Snapshot;
import io.ballast.proxy.observe.ListenerObserver;
import io.ballast.proxy.observe.TrafficObserver;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot.InfoDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToIntFunction;

/**
 * The node's Prometheus metrics: traffic per listener, pool and backend (observed from the data
 * plane as a {@link TrafficObserver}), the live world (weights, states, health, connections) read
 * from the control plane's snapshot at scrape time, health-check events ({@link HealthMetrics}),
 * and the JVM and process.
 *
 * <p><b>Hot path.</b> The data plane resolves a listener's observer once ({@link #listener}); per
 * request the observer reaches the backend's counters through an attachment on the {@code Backend}
 * object (set once, by CAS) and the listener's slot in an array: no lock and no map lookup.
 * Counters are {@link LongAdder}s, histograms fixed {@link LatencyHistogram}s; everything is summed
 * when someone scrapes.
 *
 * <p>Series of a backend that left the world stay for {@link #RETAIN_GONE_NANOS} (so its last
 * requests are scraped), then disappear.
 */
public final class ProxyMetrics implements TrafficObserver, HealthMetrics {

  /** The Prometheus text format, version 0.0.4. */
  public static final String TEXT_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /** How long a removed backend's series are kept. */
  static final long RETAIN_GONE_NANOS = TimeUnit.MINUTES.toNanos(5);

  private final ControlPlane controlPlane;
  private final String nodeName;
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final ExpositionFormats formats = ExpositionFormats.init();
  private final Map<String, ListenerMetrics> listeners = new LinkedHashMap<>();
  private volatile List<ListenerMetrics> listenerList = List.of();
  private final ConcurrentHashMap<String, BackendMetrics> backends = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, HealthSeries> health = new ConcurrentHashMap<>();
  private volatile ToIntFunction<String> queueLength = pool -> 0;
  private volatile boolean jvmPending;

  /**
   * Metrics for a node, with JVM and process metrics.
   *
   * @param controlPlane the world whose weights, states and health the gauges show
   * @param nodeName the node's name ({@code ballast_node_info})
   */
  public ProxyMetrics(ControlPlane controlPlane, String nodeName) {
    this(controlPlane, nodeName, true);
  }

  /**
   * Metrics for a node.
   *
   * @param jvm whether to include JVM, GC and process metrics
   */
  public ProxyMetrics(ControlPlane controlPlane, String nodeName, boolean jvm) {
    this.controlPlane = Objects.requireNonNull(controlPlane);
    this.nodeName = Objects.requireNonNull(nodeName);
    registry.register((MultiCollector) this::collect);
    this.jvmPending = jvm;
  }

  /**
   * JVM metrics join the registry at the first scrape, not at start: building them walks every
   * platform MXBean (JFR's included), a quarter of a second of a node's start-up on one core.
   */
  private void registerJvmMetricsOnce() {
    if (jvmPending) {
      synchronized (this) {
        if (jvmPending) {
          JvmMetrics.builder().register(registry);
          jvmPending = false;
        }
      }
    }
  }

  /** The registry behind {@code /metrics}; other parts (the access log) add their collectors. */
  public PrometheusRegistry registry() {
    return registry;
  }

  /** The listener's observer: created on first use, the same object for the same name. */
  @Override
  public synchronized ListenerObserver listener(String name) {
    ListenerMetrics m = listeners.get(name);
    if (m == null) {
      m = new ListenerMetrics(this, name, listeners.size());
      listeners.put(name, m);
      listenerList = List.copyOf(listeners.values());
    }
    return m;
  }

  /** What health checking reports through (this object). */
  public HealthMetrics health() {
    return this;
  }

  /**
   * Where {@code ballast_queue_length} comes from: requests waiting for a backend slot, per pool.
   * The node reads it from each pool's runtime.
   */
  public void queueLength(ToIntFunction<String> perPool) {
    this.queueLength = Objects.requireNonNull(perPool);
  }

  // ------------------------------------------------------------------ hot path helpers

  /** The backend's counters: its attachment, or created (once) and attached. */
  BackendMetrics backend(Backend b) {
    if (b.metricsState() instanceof BackendMetrics m && m.owner == this) {
      return m;
    }
    return attach(b);
  }

  private BackendMetrics attach(Backend b) {
    BackendMetrics m =
        backends.computeIfAbsent(
            TrafficTotals.key(b.pool(), b.id()), k -> new BackendMetrics(this, b.pool(), b.id()));
    // If another owner holds the slot (two metrics over one world, in tests) this path repeats.
    b.attachMetricsState(m);
    return m;
  }

  // ------------------------------------------------------------------ health

  private HealthSeries health(String pool, String backend) {
    return health.computeIfAbsent(
        TrafficTotals.key(pool, backend), k -> new HealthSeries(pool, backend));
  }

  @Override
  public void ejected(String pool, String backend, String reason) {
    health(pool, backend)
        .ejections
        .computeIfAbsent(reason == null ? "unknown" : reason, r -> new LongAdder())
        .increment();
  }

  @Override
  public void checkCompleted(String pool, String backend, boolean ok, long latencyNanos) {
    HealthSeries h = health(pool, backend);
    (ok ? h.checksOk : h.checksFailed).increment();
    h.latency.observe(latencyNanos);
  }

  @Override
  public void healthState(String pool, String backend, String state) {
    health(pool, backend).state = state;
  }

  /** Health events of one backend; off the request path, so found by name. */
  private static final class HealthSeries {
    final String pool;
    final String backend;
    final ConcurrentHashMap<String, LongAdder> ejections = new ConcurrentHashMap<>();
    final LongAdder checksOk = new LongAdder();
    final LongAdder checksFailed = new LongAdder();
    final LatencyHistogram latency = new LatencyHistogram();
    volatile String state;
    volatile long goneSinceNanos;

    HealthSeries(String pool, String backend) {
      this.pool = pool;
      this.backend = backend;
    }
  }

  // ------------------------------------------------------------------ reading

  /** Cumulative traffic now, for the dashboard. */
  public TrafficTotals totals() {
    TrafficTotals t = new TrafficTotals();
    forEachCounters(t::add);
    for (ListenerMetrics l : listenerList) {
      t.connections(l.name, l.open());
    }
    return t;
  }

  private void forEachCounters(java.util.function.Consumer<ExchangeCounters> action) {
    for (BackendMetrics b : backends.values()) {
      for (ExchangeCounters c : b.counters()) {
        if (c != null) {
          action.accept(c);
        }
      }
    }
    for (ListenerMetrics l : listenerList) {
      for (ExchangeCounters c : l.noBackend.values()) {
        action.accept(c);
      }
    }
  }

  /**
   * Renders every metric in the format the {@code Accept} header asks for: OpenMetrics when it
   * names {@code application/openmetrics-text}, else the Prometheus text format 0.0.4.
   */
  public Exposition scrape(String accept) {
    ExpositionFormatWriter w = formats.findWriter(accept);
    if (!w.isAvailable() || !w.getContentType().contains("text")) {
      w = formats.getPrometheusTextFormatWriter(); // protobuf needs a module we don't ship
    }
    registerJvmMetricsOnce();
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
    try {
      w.write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String type = w.getContentType();
    if (type.startsWith("text/plain")) {
      type = TEXT_CONTENT_TYPE;
    }
    return new Exposition(type, out.toByteArray());
  }

  /**
   * A rendered scrape.
   *
   * @param contentType the response's content type
   * @param body the metrics
   */
  public record Exposition(String contentType, byte[] body) {}

  /** Forgets series of backends gone from the world for longer than {@link #RETAIN_GONE_NANOS}. */
  private void sweep(Snapshot s, long now) {
    if (s == null) {
      return;
    }
    Set<String> live = new HashSet<>();
    for (PoolSnapshot p : s.pools().values()) {
      for (Endpoint e : p.endpoints()) {
        live.add(TrafficTotals.key(p.name(), e.id()));
      }
    }
    backends
        .entrySet()
        .removeIf(
            e -> {
              BackendMetrics m = e.getValue();
              if (live.contains(e.getKey())) {
                m.goneSinceNanos = 0;
                return false;
              }
              if (m.goneSinceNanos == 0) {
                m.goneSinceNanos = now;
              }
              return now - m.goneSinceNanos > RETAIN_GONE_NANOS;
            });
    health
        .entrySet()
        .removeIf(
            e -> {
              HealthSeries h = e.getValue();
              if (live.contains(e.getKey())) {
                h.goneSinceNanos = 0;
                return false;
              }
              if (h.goneSinceNanos == 0) {
                h.goneSinceNanos = now;
              }
              return now - h.goneSinceNanos > RETAIN_GONE_NANOS;
            });
  }

  // ------------------------------------------------------------------ the collector

  private MetricSnapshots collect() {
    Snapshot s = controlPlane.current();
    sweep(s, System.nanoTime());
    List<MetricSnapshot> out = new ArrayList<>();
    traffic(out);
    connections(out);
    if (s != null) {
      world(s, out);
    }
    healthMetrics(out);
    out.add(
        InfoSnapshot.builder()
            .name("ballast_node")
            .help("This node: its name (a constant 1).")
            .dataPoint(InfoDataPointSnapshot.builder().labels(Labels.of("node", nodeName)).build())
            .build());
    return new MetricSnapshots(out);
  }

  private void traffic(List<MetricSnapshot> out) {
    CounterSnapshot.Builder requests =
        counter(
            "ballast_requests",
            "Requests finished, by listener, pool, backend and status class (code=\"none\": the"
                + " connection was cut before a status was sent; backend=\"\": no backend was"
                + " chosen).");
    CounterSnapshot.Builder bytesIn =
        counter("ballast_request_bytes", "Request body bytes received from clients.")
            .unit(Unit.BYTES);
    CounterSnapshot.Builder bytesOut =
        counter("ballast_response_bytes", "Response bytes (head and body) sent to clients.")
            .unit(Unit.BYTES);
    CounterSnapshot.Builder retries =
        counter(
            "ballast_retries",
            "Requests moved to another backend, by the backend that failed and why.");
    HistogramSnapshot.Builder firstByte =
        histogram(
            "ballast_time_to_first_byte_seconds",
            "From the request's head to the response's first byte (including connect and"
                + " retries).");
    HistogramSnapshot.Builder total =
        histogram(
            "ballast_request_duration_seconds",
            "From the request's head to the end of the response.");
    Map<String, Distribution> queue = new LinkedHashMap<>();
    forEachCounters(
        c -> {
          Labels l = Labels.of("listener", c.listener, "pool", c.pool, "backend", c.backend);
          for (int k = 0; k < ExchangeCounters.CLASSES.length; k++) {
            long v = c.byClass[k].sum();
            // 2xx, 4xx and 5xx always exist, so rate() sees their first increment.
            if (v > 0 || k == 2 || k == 4 || k == 5) {
              requests.dataPoint(point(v, l.add("code", ExchangeCounters.CLASSES[k])));
            }
          }
          bytesIn.dataPoint(point(c.bytesIn.sum(), l));
          bytesOut.dataPoint(point(c.bytesOut.sum(), l));
          for (int k = 0; k < ExchangeCounters.RETRY_REASONS.length; k++) {
            long v = c.retries[k].sum();
            if (v > 0) {
              retries.dataPoint(point(v, l.add("reason", ExchangeCounters.RETRY_REASONS[k])));
            }
          }
          firstByte.dataPoint(histogramPoint(c.firstByte.snapshot(), l));
          total.dataPoint(histogramPoint(c.total.snapshot(), l));
          if (!c.pool.isEmpty()) {
            c.queueWait.addTo(queue.computeIfAbsent(c.pool, p -> new Distribution()));
          }
        });
    out.add(requests.build());
    out.add(bytesIn.build());
    out.add(bytesOut.build());
    out.add(retries.build());
    out.add(firstByte.build());
    out.add(total.build());

    CounterSnapshot.Builder budget =
        counter(
            "ballast_retry_budget_exhausted",
            "Retries refused because the pool's retry budget was used up.");
    for (ListenerMetrics lm : listenerList) {
      lm.budgetExhausted.forEach(
          (pool, n) ->
              budget.dataPoint(point(n.sum(), Labels.of("listener", lm.name, "pool", pool))));
    }
    out.add(budget.build());

    Snapshot s = controlPlane.current();
    if (s != null) {
      for (String pool : s.pools().keySet()) {
        queue.computeIfAbsent(pool, p -> new Distribution());
      }
    }
    HistogramSnapshot.Builder wait =
        histogram(
            "ballast_queue_wait_seconds",
            "Time requests waited in the pool's queue for a free backend (only those that"
                + " waited).");
    GaugeSnapshot.Builder queueLen =
        gauge("ballast_queue_length", "Requests waiting in the pool's queue now.");
    ToIntFunction<String> q = queueLength;
    queue.forEach(
        (pool, d) -> {
          wait.dataPoint(histogramPoint(d, Labels.of("pool", pool)));
          queueLen.dataPoint(gaugePoint(q.applyAsInt(pool), Labels.of("pool", pool)));
        });
    out.add(wait.build());
    out.add(queueLen.build());

    HistogramSnapshot.Builder connect =
        histogram(
            "ballast_upstream_connect_seconds",
            "Time to open a new upstream connection (reused connections are not counted).");
    for (BackendMetrics b : backends.values()) {
      connect.dataPoint(
          histogramPoint(b.connect.snapshot(), Labels.of("pool", b.pool, "backend", b.id)));
    }
    out.add(connect.build());
  }

  private void connections(List<MetricSnapshot> out) {
    GaugeSnapshot.Builder open =
        gauge("ballast_client_connections", "Client connections open now, per listener.");
    CounterSnapshot.Builder opened =
        counter("ballast_client_connections_opened", "Client connections accepted, per listener.");
    for (ListenerMetrics l : listenerList) {
      Labels labels = Labels.of("listener", l.name);
      open.dataPoint(gaugePoint(l.open(), labels));
      opened.dataPoint(point(l.opened.sum(), labels));
    }
    out.add(open.build());
    out.add(opened.build());
  }

  private void world(Snapshot s, List<MetricSnapshot> out) {
    GaugeSnapshot.Builder inflight =
        gauge(
            "ballast_requests_in_flight",
            "Requests sent to the backend whose response has not completed.");
    GaugeSnapshot.Builder upstream =
        gauge(
            "ballast_upstream_connections",
            "Open upstream connections to the backend: active (carrying a request) or idle"
                + " (pooled).");
    GaugeSnapshot.Builder up =
        gauge(
            "ballast_backend_up",
            "1 when health checks and outlier detection let the backend take traffic.");
    GaugeSnapshot.Builder eligible =
        gauge(
            "ballast_backend_eligible",
            "1 when the balancer may send the backend new requests (active, healthy, weighted).");
    GaugeSnapshot.Builder state =
        gauge(
            "ballast_backend_admin_state",
            "The backend's administrative state: 1 for the current one.");
    GaugeSnapshot.Builder weight =
        gauge("ballast_backend_weight", "The weight the operator set (0..10000).");
    GaugeSnapshot.Builder effective =
        gauge(
            "ballast_backend_effective_weight",
            "The weight balancers use now (after slow start and load reports).");
    InfoSnapshot.Builder info =
        InfoSnapshot.builder()
            .name("ballast_backend")
            .help("Backends: address, VM and host (a constant 1).");
    GaugeSnapshot.Builder poolSize = gauge("ballast_pool_backends", "Backends in the pool.");
    GaugeSnapshot.Builder poolEligible =
        gauge("ballast_pool_eligible_backends", "Backends in the pool that may take new requests.");
    for (PoolSnapshot p : s.pools().values()) {
      Labels pl = Labels.of("pool", p.name());
      poolSize.dataPoint(gaugePoint(p.endpoints().size(), pl));
      poolEligible.dataPoint(gaugePoint(p.eligibleCount(), pl));
      for (Endpoint e : p.endpoints()) {
        Labels l = Labels.of("pool", p.name(), "backend", e.id());
        int inflightNow = e.backend().load().inflight();
        int conns = e.backend().load().connections();
        int active = Math.max(0, Math.min(inflightNow, conns));
        inflight.dataPoint(gaugePoint(Math.max(0, inflightNow), l));
        upstream.dataPoint(gaugePoint(active, l.add("state", "active")));
        upstream.dataPoint(gaugePoint(Math.max(0, conns - active), l.add("state", "idle")));
        up.dataPoint(gaugePoint(e.healthy() ? 1 : 0, l));
        eligible.dataPoint(gaugePoint(e.eligible() ? 1 : 0, l));
        for (AdminState st : AdminState.values()) {
          state.dataPoint(
              gaugePoint(
                  e.state() == st ? 1 : 0, l.add("state", st.name().toLowerCase(Locale.ROOT))));
        }
        weight.dataPoint(gaugePoint(e.configuredWeight(), l));
        effective.dataPoint(gaugePoint(e.effectiveWeight(), l));
        Backend b = e.backend();
        info.dataPoint(
            InfoDataPointSnapshot.builder()
                .labels(
                    l.add("address", b.address().toString())
                        .add("vm", b.vm() == null ? "" : b.vm())
                        .add("host", b.host() == null ? "" : b.host()))
                .build());
      }
    }
    out.add(inflight.build());
    out.add(upstream.build());
    out.add(up.build());
    out.add(eligible.build());
    out.add(state.build());
    out.add(weight.build());
    out.add(effective.build());
    out.add(info.build());
    out.add(poolSize.build());
    out.add(poolEligible.build());
    out.add(
        gauge("ballast_config_generation", "Snapshots published since start (each change adds 1).")
            .dataPoint(gaugePoint(s.generation(), Labels.EMPTY))
            .build());
  }

  private void healthMetrics(List<MetricSnapshot> out) {
    CounterSnapshot.Builder ejections =
        counter(
            "ballast_ejections",
            "Backends taken out of rotation by health checking or outlier detection, by reason.");
    CounterSnapshot.Builder checks =
        counter("ballast_health_checks", "Active health checks finished, by result.");
    HistogramSnapshot.Builder latency =
        histogram(
            "ballast_health_check_duration_seconds", "Active health checks: send to verdict.");
    GaugeSnapshot.Builder state =
        gauge(
            "ballast_backend_health_state",
            "The backend's health state as health checking reports it: 1 for the current one.");
    for (HealthSeries h : health.values()) {
      Labels l = Labels.of("pool", h.pool, "backend", h.backend);
      h.ejections.forEach(
          (reason, n) -> ejections.dataPoint(point(n.sum(), l.add("reason", reason))));
      long ok = h.checksOk.sum();
      long failed = h.checksFailed.sum();
      if (ok + failed > 0) {
        checks.dataPoint(point(ok, l.add("result", "ok")));
        checks.dataPoint(point(failed, l.add("result", "failed")));
        latency.dataPoint(histogramPoint(h.latency.snapshot(), l));
      }
      String st = h.state;
      if (st != null) {
        state.dataPoint(gaugePoint(1, l.add("state", st)));
      }
    }
    out.add(ejections.build());
    out.add(checks.build());
    out.add(latency.build());
    out.add(state.build());
  }

  // ------------------------------------------------------------------ snapshot helpers

  private static CounterSnapshot.Builder counter(String name, String help) {
    return CounterSnapshot.builder().name(name).help(help);
  }

  private static GaugeSnapshot.Builder gauge(String name, String help) {
    return GaugeSnapshot.builder().name(name).help(help);
  }

  private static HistogramSnapshot.Builder histogram(String name, String help) {
    return HistogramSnapshot.builder().name(name).help(help).unit(Unit.SECONDS);
  }

  private static CounterDataPointSnapshot point(double value, Labels labels) {
    return CounterDataPointSnapshot.builder().value(value).labels(labels).build();
  }

  private static GaugeDataPointSnapshot gaugePoint(double value, Labels labels) {
    return GaugeDataPointSnapshot.builder().value(value).labels(labels).build();
  }

  private static HistogramDataPointSnapshot histogramPoint(Distribution d, Labels labels) {
    return HistogramDataPointSnapshot.builder()
        .classicHistogramBuckets(d.toBuckets())
        .sum(d.sumNanos() / 1e9)
        .labels(labels)
        .build();
  }
}
