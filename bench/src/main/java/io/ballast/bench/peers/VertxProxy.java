package io.ballast.bench.peers;

import io.ballast.bench.load.Args;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.OriginRequestProvider;
import io.vertx.httpproxy.ProxyOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The Java peer of the side-by-side harness: Vert.x's reverse proxy ({@code vertx-http-proxy}), as
 * users of Java stacks would set it up: one event loop, native transport, keep-alive on both sides,
 * the backends chosen round robin through the proxy's origin selector, no cache, no logging.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.ballast.bench.peers.VertxProxy --port 18083 \
 *     --backend 127.0.0.1:19001 --backend 127.0.0.1:19002
 * </pre>
 */
public final class VertxProxy {
  static final String USAGE =
      """
      usage: VertxProxy --port P --backend HOST:PORT [--backend HOST:PORT ...]
                        [--event-loops 1] [--max-pool 1024] [--host 127.0.0.1]
      """;

  private VertxProxy() {}

  /** Starts the proxy and serves until killed. */
  public static void main(String[] argv) throws Exception {
    Args a;
    List<SocketAddress> origins = new ArrayList<>();
    try {
      a = Args.parse(argv, Set.of());
      for (String b : a.all("backend")) {
        int colon = b.lastIndexOf(':');
        origins.add(
            SocketAddress.inetSocketAddress(
                Integer.parseInt(b.substring(colon + 1)), b.substring(0, colon)));
      }
      if (origins.isEmpty() || a.str("port", null) == null) {
        throw new IllegalArgumentException("--port and at least one --backend are required");
      }
    } catch (IllegalArgumentException e) {
      Args.die(USAGE, e.getMessage());
      return;
    }
    Vertx vertx =
        Vertx.vertx(
            new VertxOptions()
                .setEventLoopPoolSize(a.integer("event-loops", 1))
                .setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1)
                .setPreferNativeTransport(true));
    HttpClient client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setKeepAlive(true)
                .setKeepAliveTimeout(60)
                .setTcpNoDelay(true)
                .setConnectTimeout(1000),
            new PoolOptions().setHttp1MaxSize(a.integer("max-pool", 1024)));
    SocketAddress[] pool = origins.toArray(SocketAddress[]::new);
    int[] next = {0};
    HttpProxy proxy =
        HttpProxy.reverseProxy(new ProxyOptions(), client)
            .origin(
                OriginRequestProvider.selector(
                    ctx -> {
                      // Round robin; the selector runs on the proxy's single event loop.
                      SocketAddress o = pool[next[0]];
                      next[0] = next[0] + 1 == pool.length ? 0 : next[0] + 1;
                      return Future.succeededFuture(o);
                    }));
    HttpServer server =
        vertx
            .createHttpServer(
                new HttpServerOptions()
                    .setHost(a.str("host", "127.0.0.1"))
                    .setPort(a.integer("port", 18083))
                    .setTcpNoDelay(true)
                    .setAcceptBacklog(4096))
            .requestHandler(proxy);
    server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    System.out.printf(
        "vert.x http-proxy on port %d -> %s (native transport: %s)%n",
        server.actualPort(), origins, vertx.isNativeTransportEnabled());
    System.out.flush();
    Thread.currentThread().join();
  }
}
