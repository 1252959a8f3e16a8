package io.ballast.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.ballast.admin.AdminServer;
import io.ballast.admin.DataPlaneView;
import io.ballast.admin.ReloadResult;
import io.ballast.admin.RuntimeChanges;
import io.ballast.admin.metrics.HealthMetrics;
import io.ballast.admin.observe.Observability;
import io.ballast.admin.overlay.OverlayStore;
import io.ballast.core.balance.BalancerRegistry;
import io.ballast.core.config.BallastConfig;
import io.ballast.core.config.ConfigError;
import io.ballast.core.config.ConfigLoader;
import io.ballast.core.config.LoggingConfig;
import io.ballast.core.config.RuntimeOverlay;
import io.ballast.core.time.Randoms;
import io.ballast.core.time.Ticker;
import io.ballast.core.world.ControlPlane;
import io.ballast.core.world.PoolSnapshot;
import io.ballast.core.world.Snapshot;
import io.ballast.proxy.ProxyServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Ballast node: the control plane with its serial executor, the data plane, the admin
 * listener and the runtime overlay. {@link #start} either returns a node serving every listener or
 * fails without leaving anything running.
 *
 * <p>What runs is always the config file plus the runtime overlay (changes made through the admin
 * API, kept in {@code <config>.runtime.json}): at start, at every {@link #reload}, after every
 * admin change. A node started without a config file (the demo, embedded use) keeps its overlay in
 * memory and cannot reload.
 */
public final class Node implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Node.class);

  private final Path configFile;
  private final ScheduledExecutorService controlExecutor;
  private final ControlPlane controlPlane;
  private final OverlayStore overlay;
  private final RuntimeChanges changes;
  private final ProxyServer proxy;
  private final AdminServer admin;
  private final Observability observability;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile BallastConfig config;
  private volatile boolean ready;
  private volatile boolean stopping;

  /**
   * How a node starts.
   *
   * @param configFile the config file, or {@code null} (demo, embedded)
   * @param inheritedListeners listening sockets taken over from a previous node, by listener
   * @param deferAdmin don't start the admin listener yet (a takeover starts it once the previous
   *     node released its port, see {@link #startAdminRetrying})
   * @param restart the hitless self-restart behind {@code POST /api/v1/restart}, or {@code null}
   */
  public record Options(
      Path configFile,
      Map<String, List<Integer>> inheritedListeners,
      boolean deferAdmin,
      Supplier<String> restart) {

    /** A plain start from a config file (or none). */
    public static Options of(Path configFile) {
      return new Options(configFile, Map.of(), false, null);
    }
  }

  private final Supplier<String> restartHook;

  private Node(BallastConfig fileConfig, Options options) {
    Path configFile = options.configFile();
    this.restartHook = options.restart();
    this.configFile = configFile == null ? null : configFile.toAbsolutePath();
    this.overlay = openOverlay(this.configFile);
    RuntimeOverlay.Merge merge = overlay.current().merge(fileConfig);
    this.config = merge.config();
    this.controlExecutor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "ballast-control");
              t.setDaemon(true);
              return t;
            });
    this.controlPlane = new ControlPlane(controlExecutor, Ticker.system(), Randoms.threadLocal());
    this.changes = new RuntimeChanges(controlPlane, overlay);
    AdminServer a = null;
    ProxyServer p = null;
    Observability o = null;
    try {
      // Metrics and the dashboard are served by the admin listener, so they run with it; access
      // logs follow each listener's config.
      o =
          new Observability(
              controlPlane, config.node().name(), config.admin().enabled(), this::listenerPort);
      // Built (token read, security checked) before anything binds, so a bad token file fails
      // the start cleanly.
      a = config.admin().enabled() ? o.routes(adminBuilder()).build() : null;
      try {
        controlPlane.applyConfig(config).join();
      } catch (CompletionException e) {
        throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
      }
      if (!overlay.current().isEmpty()) {
        log.info(
            "runtime overlay {}: {} change(s) applied on top of the config file",
            overlay.file() == null ? "(in memory)" : overlay.file(),
            merge.overlay().size());
      }
      keepOnlyWhatApplies(merge);
      p = new ProxyServer(controlPlane, config.node());
      p.observer(o.trafficObserver()); // before start: listeners take their observer when bound
      wireHealthMetrics(o, p);
      p.start(options.inheritedListeners());
      o.started();
      this.proxy = p;
      if (a != null && !options.deferAdmin()) {
        a.start(); // after the proxy: /readyz must not answer before listeners are bound
      }
      this.admin = a;
      this.observability = o;
    } catch (RuntimeException e) {
      if (a != null) {
        a.close();
      }
      if (p != null) {
        p.close();
      }
      if (o != null) {
        o.close();
      }
      changes.close();
      controlExecutor.shutdownNow();
      throw e;
    }
    ready = true;
  }

  /**
   * Starts a node without a config file: runtime changes live in memory only and reload answers
   * that there is no file (the demo, embedded use).
   *
   * @throws IllegalStateException with a one-line reason when a backend can't be resolved, a
   *     listener can't bind, or the admin API can't start
   */
  public static Node start(BallastConfig config) {
    return start(config, Options.of(null));
  }

  /**
   * Starts a node from its config file's contents: the runtime overlay beside the file ({@code
   * <configFile>.runtime.json}) is applied on top before anything runs, and {@link #reload}
   * re-reads the file.
   *
   * @param config the validated contents of {@code configFile}
   * @param configFile the file, or {@code null} for none
   * @throws IllegalStateException with a one-line reason when the overlay file is invalid, a
   *     backend can't be resolved, a listener can't bind, or the admin API can't start
   */
  public static Node start(BallastConfig config, Path configFile) {
    return start(config, Options.of(configFile));
  }

  /**
   * Starts a node with explicit options (hitless takeover, restart hook).
   *
   * @throws IllegalStateException with a one-line reason when the node cannot start
   */
  public static Node start(BallastConfig config, Options options) {
    applyLogging(config.logging());
    Node node = new Node(config, options);
    log.info(
        "ballast node '{}' up: {} listener(s), {} pool(s), {} event loops ({})",
        node.config.node().name(),
        node.config.listeners().size(),
        node.config.pools().size(),
        node.proxy.eventLoops(),
        node.proxy.transportName());
    return node;
  }

  private static OverlayStore openOverlay(Path configFile) {
    if (configFile == null) {
      return OverlayStore.inMemory();
    }
    try {
      return OverlayStore.open(OverlayStore.fileFor(configFile));
    } catch (OverlayStore.ReadException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  private int listenerPort(String listener) {
    ProxyServer p = proxy;
    return p == null ? -1 : p.port(listener);
  }

  private AdminServer.Builder adminBuilder() {
    return withRestartRoute(baseAdminBuilder());
  }

  private AdminServer.Builder withRestartRoute(AdminServer.Builder b) {
    return b.restart(
        () -> {
          if (restartHook == null) {
            throw new IllegalStateException(
                "this node cannot restart itself (it was started without a config file)");
          }
          if (stopping) {
            throw new IllegalStateException("the node is shutting down");
          }
          return restartHook.get();
        });
  }

  private AdminServer.Builder baseAdminBuilder() {
    return AdminServer.builder(config.admin())
        .controlPlane(controlPlane)
        .changes(changes)
        .configFile(configFile)
        .readiness(() -> ready && !stopping)
        .reload(this::reload)
        .dataPlane(
            new DataPlaneView() {
              @Override
              public int port(String listener) {
                return proxy == null ? -1 : proxy.port(listener);
              }

              @Override
              public int clientConnections() {
                return proxy == null ? 0 : proxy.clientConnections();
              }

              @Override
              public int clientConnections(String listener) {
                return proxy == null ? 0 : proxy.clientConnections(listener);
              }
            });
  }

  /** Logs the overlay's changes that no longer apply and drops them from the overlay file. */
  private void keepOnlyWhatApplies(RuntimeOverlay.Merge merge) {
    if (merge.dropped().isEmpty()) {
      return;
    }
    for (String line : merge.dropped()) {
      log.warn("runtime overlay: {}", line);
    }
    try {
      overlay.replace(merge.overlay());
    } catch (OverlayStore.SaveException e) {
      log.warn("runtime overlay: {}", e.getMessage());
    }
  }

  /**
   * Reloads the config file: validates it (on any error the running config stays and every error is
   * returned), re-reads the runtime overlay, merges it on top and applies the result; pools are
   * diffed so unchanged backends keep their state and connections. Runs in order with admin
   * changes, so none is lost. Safe to call from any thread (the admin API, a signal handler).
   */
  public CompletableFuture<ReloadResult> reload() {
    if (configFile == null) {
      return CompletableFuture.completedFuture(
          ReloadResult.unavailable(
              "no config file: this node was started without one (like the demo), so there is"
                  + " nothing to reload"));
    }
    if (stopping) {
      return CompletableFuture.completedFuture(
          ReloadResult.unavailable("the node is shutting down"));
    }
    return changes.serially(this::reloadNow);
  }

  private ReloadResult reloadNow() {
    ConfigLoader.Result r;
    try {
      r = ConfigLoader.validate(configFile, BalancerRegistry.defaults());
    } catch (IOException e) {
      String line = configFile + ": cannot read it: " + e.getMessage();
      log.error("reload: {}", line);
      return ReloadResult.invalid(
          line + "; the running config is unchanged", List.of(line), List.of());
    }
    List<String> warnings = r.warnings().stream().map(ConfigError::toString).toList();
    if (!r.ok()) {
      List<String> errors = r.errors().stream().map(ConfigError::toString).toList();
      for (String e : errors) {
        log.error("reload: {}", e);
      }
      return ReloadResult.invalid(
          errors.size() + " error(s) in " + configFile + "; the running config is unchanged",
          errors,
          warnings);
    }
    RuntimeOverlay current;
    try {
      current = overlay.reread();
    } catch (OverlayStore.ReadException e) {
      log.error("reload: {}", e.getMessage());
      return ReloadResult.invalid(
          "the runtime overlay is invalid; the running config is unchanged",
          List.of(e.getMessage()),
          warnings);
    }
    RuntimeOverlay.Merge merge = current.merge(r.config());
    Snapshot s;
    try {
      s = RuntimeChanges.await(controlPlane.applyConfig(merge.config()));
    } catch (Exception e) {
      log.error("reload: {}", e.getMessage());
      return ReloadResult.invalid(
          "cannot apply "
              + configFile
              + ": "
              + e.getMessage()
              + "; the running config is unchanged",
          List.of(e.getMessage()),
          warnings);
    }
    BallastConfig old = config;
    config = merge.config();
    applyLogging(config.logging());
    keepOnlyWhatApplies(merge);
    if (!old.admin().equals(config.admin())) {
      log.warn("reload: changes to admin: take effect at the next restart");
    }
    if (!old.node().equals(config.node())) {
      log.warn("reload: changes to node: take effect at the next restart");
    }
    int backends = config.pools().stream().mapToInt(p -> p.backends().size()).sum();
    String message =
        String.format(
            Locale.ROOT,
            "reloaded %s: %d listener(s), %d pool(s), %d backend(s)%s",
            configFile,
            config.listeners().size(),
            config.pools().size(),
            backends,
            merge.overlay().isEmpty()
                ? ""
                : " (" + merge.overlay().size() + " runtime change(s) re-applied)");
    log.info("{}", message);
    return ReloadResult.reloaded(message, s.generation(), warnings, merge.dropped());
  }

  /** Applies log levels from the config to Logback. */
  public static void applyLogging(LoggingConfig logging) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    context
        .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
        .setLevel(Level.toLevel(logging.level().toUpperCase(Locale.ROOT), Level.INFO));
    for (Map.Entry<String, String> e : logging.levels().entrySet()) {
      context
          .getLogger(e.getKey())
          .setLevel(Level.toLevel(e.getValue().toUpperCase(Locale.ROOT), Level.INFO));
    }
  }

  /** The config running now: the config file's contents plus the runtime overlay. */
  public BallastConfig config() {
    return config;
  }

  /** The config file, or {@code null} when the node was started without one. */
  public Path configFile() {
    return configFile;
  }

  public ControlPlane controlPlane() {
    return controlPlane;
  }

  public ProxyServer proxy() {
    return proxy;
  }

  /** The admin listener, or {@code null} when {@code admin.enabled} is false. */
  public AdminServer admin() {
    return admin;
  }

  /** Metrics, dashboard and access logs. */
  public Observability observability() {
    return observability;
  }

  /** Reopens access-log files (SIGUSR1, after logrotate moved them). */
  public void reopenLogs() {
    observability.reopenLogs();
  }

  /** The runtime overlay (changes made through the admin API). */
  public OverlayStore overlay() {
    return overlay;
  }

  /** The writer through which runtime changes are applied and recorded. */
  public RuntimeChanges changes() {
    return changes;
  }

  /** Whether the node takes traffic: listeners bound and not shutting down. */
  public boolean ready() {
    return ready && !stopping;
  }

  /** Blocks until the node has stopped. */
  public void awaitStopped() throws InterruptedException {
    stopped.await();
  }

  /**
   * Graceful shutdown: stop accepting, finish in-flight requests within the config's {@code
   * shutdown-grace}, close idle connections, stop. Idempotent.
   *
   * @return true if every in-flight request finished within the grace period
   */
  public boolean shutdown() {
    return shutdown(config.node().shutdownGrace());
  }

  /**
   * Starts the deferred admin listener, retrying the bind while the previous node still holds its
   * port (hitless takeover).
   *
   * @return true once bound; false if it never became free within {@code patience}
   */
  public boolean startAdminRetrying(Duration patience) {
    if (admin == null || admin.isRunning()) {
      return true;
    }
    long deadline = System.nanoTime() + patience.toNanos();
    while (true) {
      try {
        admin.start();
        return true;
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline) {
          log.error("admin API: {}", e.getMessage());
          return false;
        }
        try {
          Thread.sleep(50); // the previous node releases the port within moments of retiring
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
  }

  /**
   * Hands over to a successor that now serves on this node's listening sockets: releases the admin
   * port at once (the successor binds it next), then drains like a graceful shutdown.
   */
  public void retire() {
    if (admin != null) {
      admin.close();
    }
    shutdown();
  }

  /** Graceful shutdown with an explicit grace period. */
  public synchronized boolean shutdown(Duration grace) {
    if (stopping) {
      return true;
    }
    stopping = true; // /readyz answers 503 from now on, while the proxy drains
    log.info(
        "shutting down: finishing in-flight requests (grace {})",
        io.ballast.core.config.Durations.format(grace));
    boolean clean = proxy.shutdown(grace);
    if (admin != null) {
      admin.close();
    }
    observability.close(); // after the proxy: the last requests are logged
    changes.close();
    controlExecutor.shutdown();
    try {
      controlExecutor.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.info("stopped{}", clean ? "" : " (some requests were cut at the grace deadline)");
    stopped.countDown();
    return clean;
  }

  @Override
  public void close() {
    shutdown(Duration.ZERO);
  }

  /**
   * Health events into the metrics: transitions (with their cause as the ejection reason), check
   * results and latencies from the prober, and the length of each pool's wait queue at scrape time.
   */
  private void wireHealthMetrics(Observability o, ProxyServer p) {
    if (o.metrics() == null) {
      return;
    }
    HealthMetrics h = o.health();
    controlPlane.addHealthListener(
        (b, healthy, cause, reason) -> {
          if (!healthy) {
            h.ejected(b.pool(), b.id(), cause);
          }
          h.healthState(b.pool(), b.id(), healthy ? "up" : "down");
        });
    p.checkObserver(
        (b, passed, latencyNanos) -> h.checkCompleted(b.pool(), b.id(), passed, latencyNanos));
    o.metrics()
        .queueLength(
            pool -> {
              PoolSnapshot ps = controlPlane.current().pool(pool);
              return ps == null ? 0 : ps.runtime().queued();
            });
  }
}
