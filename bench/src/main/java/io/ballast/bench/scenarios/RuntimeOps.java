package io.ballast.bench.scenarios;

import io.ballast.testing.ExternalBackend;
import io.ballast.testing.LoadLoop;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The runtime operations of the runtime-control issue, each repeated under load and counted: a real
 * Ballast process ({@code bin/ballast run}) in front of backend processes, 64 keep-alive client
 * connections of GETs; add a backend, drain then remove one, change weights, reload a config that
 * adds a pool and changes an algorithm, restart the node hitlessly (SIGUSR2). Prints failed
 * requests and reset connections per operation.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar io.ballast.bench.scenarios.RuntimeOps
 * [--times 20] [--connections 64]} (or {@code bench/e2e/runtime-ops}).
 */
public final class RuntimeOps {
  private RuntimeOps() {}

  /** Runs every operation {@code --times} times. */
  public static void main(String[] args) throws Exception {
    int times = FaultScenarios.intArg(args, "--times", 20);
    int connections = FaultScenarios.intArg(args, "--connections", 64);
    Path root = Path.of(System.getProperty("ballast.root", ".")).toAbsolutePath();
    Path dir = Files.createTempDirectory("ballast-ops");
    List<ExternalBackend> backends = new ArrayList<>();
    List<String> rows = new ArrayList<>();
    try {
      for (int i = 1; i <= 3; i++) {
        backends.add(ExternalBackend.start("b" + i));
      }
      int port = FaultScenarios.freePort();
      int admin = FaultScenarios.freePort();
      try (Ballast b =
          Ballast.start(
              root, dir, config(port, admin, backends, "round-robin", false), port, admin)) {
        rows.add(
            op(
                b,
                port,
                connections,
                times,
                "add a backend",
                i -> {
                  ExternalBackend e = ExternalBackend.start("n" + i);
                  backends.add(e);
                  check(
                      b.admin(
                          "POST",
                          "/api/v1/pools/web/backends",
                          "{\"id\":\"n" + i + "\",\"address\":\"127.0.0.1:" + e.port() + "\"}"),
                      201);
                }));
        rows.add(
            op(
                b,
                port,
                connections,
                times,
                "drain, then remove a backend",
                i -> {
                  check(
                      b.admin(
                          "DELETE",
                          "/api/v1/pools/web/backends/n" + i + "?drain=true&wait=30s",
                          null),
                      200);
                }));
        rows.add(
            op(
                b,
                port,
                connections,
                times,
                "change a weight",
                i -> {
                  check(
                      b.admin(
                          "PATCH",
                          "/api/v1/pools/web/backends/b2",
                          "{\"weight\":" + (i % 2 == 0 ? 300 : 50) + "}"),
                      200);
                }));
        rows.add(
            op(
                b,
                port,
                connections,
                times,
                "reload: add a pool, change the algorithm",
                i -> {
                  boolean even = i % 2 == 0;
                  Files.writeString(
                      b.config,
                      config(port, admin, backends, even ? "least-request" : "round-robin", even));
                  check(b.admin("POST", "/api/v1/config/reload", null), 200);
                }));
        rows.add(
            op(
                b,
                port,
                connections,
                Math.min(times, 10),
                "hitless restart (SIGUSR2)",
                i -> {
                  long before = b.pid();
                  b.signal("USR2");
                  FaultScenarios.waitFor(() -> b.pid() != before, 60);
                  b.awaitPort(admin, 60);
                }));
      }
    } finally {
      for (ExternalBackend e : backends) {
        e.close();
      }
    }
    System.out.println();
    System.out.println("| operation | times | client requests | failed requests or resets |");
    System.out.println("|---|---|---|---|");
    rows.forEach(System.out::println);
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "%d keep-alive client connections, closed loop; Ballast via bin/ballast run.%n",
        connections);
  }

  interface Step {
    void run(int i) throws Exception;
  }

  private static String op(Ballast b, int port, int connections, int times, String name, Step step)
      throws Exception {
    try (LoadLoop load = LoadLoop.start(port, connections, "/", 600)) {
      FaultScenarios.waitFor(() -> load.ok() > 2_000, 30);
      for (int i = 0; i < times; i++) {
        step.run(i);
        long at = load.ok();
        FaultScenarios.waitFor(() -> load.ok() > at + 500, 60);
      }
      load.stop();
      return String.format(
          Locale.ROOT,
          "| %s | %d | %d | %d%s |",
          name,
          times,
          load.ok() + load.failed(),
          load.failed(),
          load.failed() == 0 ? "" : " " + load.failures());
    }
  }

  private static void check(Ballast.Answer a, int status) {
    if (a.status() != status) {
      throw new IllegalStateException("admin API answered " + a.status() + ": " + a.body());
    }
  }

  private static String config(
      int port, int admin, List<ExternalBackend> backends, String algorithm, boolean extra) {
    return io.ballast.testing.TestConfigs.runtimeOpsYaml(
        "node: { name: ops, shutdown-grace: 10s }",
        port,
        admin,
        backends.stream().map(ExternalBackend::port).toList(),
        algorithm,
        extra);
  }
}
