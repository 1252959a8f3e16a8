package io.ballast.proxy;

import io.ballast.core.config.BallastConfig;
import io.ballast.core.time.Randoms;
import io.ballast.core.time.Ticker;
import io.ballast.core.world.ControlPlane;
import io.ballast.core.world.Snapshot;
import io.ballast.proxy.observe.TrafficObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** A running control plane + data plane for real-socket tests. */
final class ProxyFixture implements AutoCloseable {
  final ScheduledExecutorService control =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "test-control");
            t.setDaemon(true);
            return t;
          });
  final ControlPlane controlPlane =
      new ControlPlane(control, Ticker.system(), Randoms.threadLocal());
  final ProxyServer server;
  final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  ProxyFixture(BallastConfig config) {
    this(config, TrafficObserver.NONE);
  }

  ProxyFixture(BallastConfig config, TrafficObserver observer) {
    controlPlane.applyConfig(config).join();
    server = new ProxyServer(controlPlane, config.node());
    server.observer(observer);
    server.start();
  }

  int port() {
    return server.port("web");
  }

  int port(String listener) {
    return server.port(listener);
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port() + path);
  }

  Snapshot apply(BallastConfig config) {
    return controlPlane.applyConfig(config).join();
  }

  HttpResponse<String> get(String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    server.shutdown(Duration.ofSeconds(2));
    control.shutdownNow();
  }
}
