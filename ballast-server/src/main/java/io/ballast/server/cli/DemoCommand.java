package io.ballast.server.cli;

import io.ballast.core.balance.BalancerRegistry;
import io.ballast.core.config.BallastConfig;
import io.ballast.core.config.ConfigException;
import io.ballast.core.config.ConfigLoader;
import io.ballast.server.Node;
import io.ballast.server.demo.DemoBackend;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ballast demo}: the embedded default. Starts demo backends inside the process (standing in
 * for VMs on two hosts), a balancer in front of them, and prints what to try.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "Run the embedded demo: backends, balancer, things to try.",
      "",
      "Starts N backends inside this process (standing in for VMs on two hosts) behind a",
      "balancer on 127.0.0.1:PORT and prints curl lines to try. Stop with Ctrl-C."
    })
final class DemoCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--backends",
      defaultValue = "3",
      description = "number of demo backends (default: ${DEFAULT-VALUE})")
  int backends;

  @Option(
      names = "--port",
      defaultValue = "8080",
      description = "balancer port on 127.0.0.1 (default: ${DEFAULT-VALUE})")
  int port;

  @Option(
      names = "--admin-port",
      defaultValue = "9090",
      description = "admin API (and dashboard) port on 127.0.0.1 (default: ${DEFAULT-VALUE})")
  int adminPort;

  @Option(
      names = "--algorithm",
      defaultValue = "weighted-round-robin",
      description = "balancing algorithm (default: ${DEFAULT-VALUE})")
  String algorithm;

  @Option(
      names = "--selftest",
      hidden = true,
      description =
          "start on free ports, send some traffic through the balancer and the admin API, stop;"
              + " the launcher runs this once per build to record its class-data archive")
  boolean selftest;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (selftest) {
      port = freePort();
      adminPort = freePort();
    }
    if (backends < 1 || backends > 200) {
      err.println("--backends must be 1..200");
      return 2;
    }
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("demo-backends", true), NioIoHandler.newFactory());
    List<DemoBackend> started = new ArrayList<>();
    for (int i = 1; i <= backends; i++) {
      String host = i % 2 == 1 ? "hv-a" : "hv-b";
      started.add(
          new DemoBackend("web-" + i, "web-" + i, host, 0, group, NioServerSocketChannel.class));
    }
    BallastConfig config;
    try {
      config = ConfigLoader.parse(yaml(started), "<demo>", BalancerRegistry.defaults());
    } catch (ConfigException e) {
      err.println(e.getMessage());
      return 2;
    }
    Node node;
    try {
      node = Node.start(config);
    } catch (IllegalStateException e) {
      err.println("demo not started: " + e.getMessage());
      err.println("(is something else on 127.0.0.1:" + port + "? try --port)");
      for (DemoBackend b : started) {
        b.close();
      }
      group.shutdownGracefully();
      return 1;
    }
    int p = node.proxy().port("web");
    String base = "http://127.0.0.1:" + p;
    if (selftest) {
      return selftest(node, base, group);
    }
    out.println();
    out.println("Ballast demo is running.");
    out.printf(
        "  balancer  %s/  (pool 'web', algorithm %s, %d backends)%n", base, algorithm, backends);
    for (DemoBackend b : started) {
      out.printf(
          "  backend   %-8s 127.0.0.1:%d  (vm %s on host %s)%n",
          b.id(), b.port(), b.vm(), b.host());
    }
    out.println();
    String admin = "http://127.0.0.1:" + adminPort;
    String ctl = "bin/ballast ctl" + (adminPort == 9090 ? "" : " --admin " + admin);
    out.println("  admin     " + admin + "/api/v1/pools");
    out.println("  dashboard " + admin + "/dashboard/");
    out.println("  metrics   " + admin + "/metrics");
    out.println();
    out.println("Try:");
    String[][] tries = {
      {"curl -s " + base + "/", "answered by one backend"},
      {"for i in $(seq 6); do curl -s " + base + "/; done", "watch the rotation"},
      {"curl -s '" + base + "/work?ms=250'", "a slow request"},
      {ctl + " backends web", "live state of every backend"},
      {ctl + " drain web web-1", "web-1 takes no new requests"},
      {ctl + " enable web web-1", "and back"},
      {ctl + " weight web web-2 300", "web-2 gets 3x the share"},
      {
        "curl -si -H 'Transfer-Encoding: chunked' -H 'Content-Length: 3' " + base + "/",
        "smuggling attempt: 400"
      },
    };
    for (String[] t : tries) {
      out.printf("  %-66s # %s%n", t[0], t[1]);
    }
    out.println();
    out.println("Stop with Ctrl-C.");
    out.flush();
    Signals.onTermination(node);
    Main.keepRunning = true;
    node.awaitStopped();
    return 0;
  }

  private String yaml(List<DemoBackend> started) {
    StringBuilder sb = new StringBuilder();
    sb.append("node: { name: demo, shutdown-grace: 5s }\n");
    sb.append("admin: { listen: 127.0.0.1:").append(adminPort).append(" }\n");
    sb.append("listeners:\n");
    sb.append("  - { name: web, listen: 127.0.0.1:").append(port).append(", pool: web }\n");
    sb.append("pools:\n");
    sb.append("  - name: web\n");
    sb.append("    algorithm: ").append(algorithm).append('\n');
    sb.append("    timeouts: { connect: 1s, response: 70s }\n");
    sb.append("    backends:\n");
    for (DemoBackend b : started) {
      sb.append("      - { id: ")
          .append(b.id())
          .append(", address: 127.0.0.1:")
          .append(b.port())
          .append(", vm: ")
          .append(b.vm())
          .append(", host: ")
          .append(b.host())
          .append(" }\n");
    }
    return sb.toString();
  }

  /** Traffic through every part a node uses at run time, then a clean stop. */
  private int selftest(Node node, String base, EventLoopGroup group) throws Exception {
    String admin = "http://127.0.0.1:" + adminPort;
    int failures = 0;
    try (java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient()) {
      for (String url :
          List.of(
              base + "/",
              base + "/",
              base + "/work?ms=1",
              admin + "/api/v1/status",
              admin + "/api/v1/pools/web/backends",
              admin + "/metrics",
              admin + "/dashboard/")) {
        java.net.http.HttpResponse<String> r =
            client.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                    .timeout(java.time.Duration.ofSeconds(10))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
          spec.commandLine().getErr().println("selftest: " + url + " answered " + r.statusCode());
          failures++;
        }
      }
    } finally {
      node.close();
      group.shutdownGracefully().syncUninterruptibly();
    }
    return failures == 0 ? 0 : 1;
  }

  private static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
