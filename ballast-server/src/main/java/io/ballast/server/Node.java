package io.ballast.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.ballast.core.config.BallastConfig;
import io.ballast.core.config.LoggingConfig;
import io.ballast.core.time.Randoms;
import io.ballast.core.time.Ticker;
import io.ballast.core.world.ControlPlane;
import io.ballast.proxy.ProxyServer;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Ballast node: the control plane with its serial executor, the data plane, and (as later
 * parts land) the admin listener and health checkers. {@link #start} either returns a node serving
 * every listener or fails without leaving anything running.
 */
public final class Node implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Node.class);

  private final BallastConfig config;
  private final ScheduledExecutorService controlExecutor;
  private final ControlPlane controlPlane;
  private final ProxyServer proxy;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean stopping;

  private Node(BallastConfig config) {
    this.config = config;
    this.controlExecutor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "ballast-control");
              t.setDaemon(true);
              return t;
            });
    this.controlPlane = new ControlPlane(controlExecutor, Ticker.system(), Randoms.threadLocal());
    try {
      controlPlane.applyConfig(config).join();
    } catch (CompletionException e) {
      controlExecutor.shutdownNow();
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    }
    ProxyServer p = new ProxyServer(controlPlane, config.node());
    try {
      p.start();
    } catch (RuntimeException e) {
      p.close();
      controlExecutor.shutdownNow();
      throw e;
    }
    this.proxy = p;
  }

  /**
   * Starts a node.
   *
   * @throws IllegalStateException with a one-line reason when a backend can't be resolved or a
   *     listener can't bind
   */
  public static Node start(BallastConfig config) {
    applyLogging(config.logging());
    Node node = new Node(config);
    log.info(
        "ballast node '{}' up: {} listener(s), {} pool(s), {} event loops ({})",
        config.node().name(),
        config.listeners().size(),
        config.pools().size(),
        node.proxy.eventLoops(),
        node.proxy.transportName());
    return node;
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

  public BallastConfig config() {
    return config;
  }

  public ControlPlane controlPlane() {
    return controlPlane;
  }

  public ProxyServer proxy() {
    return proxy;
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

  /** Graceful shutdown with an explicit grace period. */
  public synchronized boolean shutdown(Duration grace) {
    if (stopping) {
      return true;
    }
    stopping = true;
    log.info(
        "shutting down: finishing in-flight requests (grace {})",
        io.ballast.core.config.Durations.format(grace));
    boolean clean = proxy.shutdown(grace);
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
}
