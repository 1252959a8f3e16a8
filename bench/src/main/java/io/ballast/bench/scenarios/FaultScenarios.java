package io.ballast.bench.scenarios;

import io.ballast.testing.ExternalBackend;
import io.ballast.testing.LoadLoop;
import io.ballast.testing.TestBackend;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The fault-tolerance scenarios of the health issue, run for longer than the tests and counted: a
 * real Ballast process ({@code bin/ballast run}) in front of three backend processes, 64 client
 * connections of GETs in a closed loop, and one fault per scenario. Prints a Markdown table:
 * requests, failures, how fast the fault was detected.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar io.ballast.bench.scenarios.FaultScenarios
 * [--seconds 30] [--connections 64]} (or {@code bench/e2e/fault-scenarios}).
 */
public final class FaultScenarios {
  private FaultScenarios() {}

  /** Runs every scenario. */
  public static void main(String[] args) throws Exception {
    int seconds = intArg(args, "--seconds", 30);
    int connections = intArg(args, "--connections", 64);
    Path root = Path.of(System.getProperty("ballast.root", ".")).toAbsolutePath();
    List<String> rows = new ArrayList<>();
    for (String scenario : List.of("sigkill", "503", "black-hole", "brownout", "host-down")) {
      rows.add(run(root, scenario, seconds, connections));
    }
    System.out.println();
    System.out.println(
        "| scenario | client requests | failed | served by the faulty backend(s) after the fault |"
            + " detected after |");
    System.out.println("|---|---|---|---|---|");
    rows.forEach(System.out::println);
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "%d client connections, closed loop, %d s per scenario after the fault; 3 backend"
            + " processes; Ballast via bin/ballast run.%n",
        connections,
        seconds);
  }

  static int intArg(String[] args, String name, int def) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return def;
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static String run(Path root, String scenario, int seconds, int connections)
      throws Exception {
    Path dir = Files.createTempDirectory("ballast-fault-" + scenario);
    List<ExternalBackend> backends = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      backends.add(ExternalBackend.start("b" + i));
    }
    // Warm each backend's JVM directly first: a cold one can miss the 500 ms response timeout on
    // its first requests, get ejected for 30 s, and then (max-ejected) shield the faulty one.
    for (ExternalBackend e : backends) {
      try (LoadLoop warm = LoadLoop.start(e.port(), 16, "/", 60)) {
        waitFor(() -> warm.ok() > 20_000, 60);
      }
    }
    int port = freePort();
    int admin = freePort();
    String yaml =
        "node: { name: faults, shutdown-grace: 5s }\n"
            + "admin: { listen: 127.0.0.1:"
            + admin
            + " }\n"
            + "listeners: [ { name: web, listen: 127.0.0.1:"
            + port
            + ", pool: web } ]\n"
            + "pools:\n"
            + "  - name: web\n"
            + "    algorithm: least-request\n"
            + "    timeouts: { connect: 1s, response: 500ms }\n"
            + "    health: { active: { type: http, path: /healthz, interval: 1s, timeout: 500ms } }\n"
            + "    backends:\n"
            + "      - { id: b1, address: 127.0.0.1:"
            + backends.get(0).port()
            + ", host: hv-a }\n"
            + "      - { id: b2, address: 127.0.0.1:"
            + backends.get(1).port()
            + ", host: hv-a }\n"
            + "      - { id: b3, address: 127.0.0.1:"
            + backends.get(2).port()
            + ", host: hv-b }\n";
    try (Ballast b = Ballast.start(root, dir, yaml, port, admin);
        LoadLoop load = LoadLoop.start(port, connections, "/", seconds + 60)) {
      waitFor(() -> load.ok() > 5_000, 30);
      // Start from a healthy pool, or the scenario measures something else.
      waitFor(() -> unhealthyCount(b, List.of("b1", "b2", "b3")) == 0, 40);
      long okBefore = load.ok();
      long failedBefore = load.failed();
      long start = System.nanoTime();
      List<String> faulty = List.of("b2");
      switch (scenario) {
        case "sigkill" -> backends.get(1).kill();
        case "503" -> backends.get(1).mode(TestBackend.Mode.UNAVAILABLE);
        case "black-hole" -> backends.get(1).mode(TestBackend.Mode.BLACK_HOLE);
        case "brownout" -> {
          for (ExternalBackend e : backends) {
            e.mode(TestBackend.Mode.UNAVAILABLE);
          }
          faulty = List.of();
        }
        case "host-down" -> {
          b.admin("PATCH", "/api/v1/hosts/hv-a", "{\"state\":\"down\",\"reason\":\"bench\"}");
          faulty = List.of("b1", "b2");
        }
        default -> throw new IllegalArgumentException(scenario);
      }
      long detected = -1;
      long servedAtFault = 0;
      for (String f : faulty) {
        servedAtFault += load.servedBy(f);
      }
      long end = start + TimeUnit.SECONDS.toNanos(scenario.equals("brownout") ? 10 : seconds);
      while (System.nanoTime() < end) {
        if (detected < 0 && !faulty.isEmpty() && unhealthy(b, faulty)) {
          detected = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        }
        Thread.sleep(20); // sampling the admin API while the load runs; bounded by end
      }
      String extra = "";
      if (scenario.equals("brownout")) {
        for (ExternalBackend e : backends) {
          e.mode(TestBackend.Mode.NORMAL);
        }
        long recovered = System.nanoTime();
        long okAt = load.ok();
        long failedAt = load.failed();
        waitFor(() -> load.ok() > okAt + 1_000, 20);
        extra =
            String.format(
                Locale.ROOT,
                " (during the 10 s brownout: %d answered 503 by every backend; back after %d ms)",
                load.failed() - failedAt + (failedAt - failedBefore),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - recovered));
      }
      long servedAfter = 0;
      for (String f : faulty) {
        servedAfter += load.servedBy(f);
      }
      load.stop();
      long requests = load.ok() - okBefore + load.failed() - failedBefore;
      return String.format(
          Locale.ROOT,
          "| %s | %d | %d%s | %s | %s |",
          scenario,
          requests,
          load.failed() - failedBefore,
          extra,
          faulty.isEmpty() ? "-" : Long.toString(servedAfter - servedAtFault),
          detected < 0 ? "-" : detected + " ms");
    } finally {
      for (ExternalBackend e : backends) {
        e.close();
      }
    }
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  /** How many of {@code ids} are out of rotation now (one admin API call). */
  private static int unhealthyCount(Ballast b, List<String> ids) throws Exception {
    com.fasterxml.jackson.databind.JsonNode j =
        JSON.readTree(b.admin("GET", "/api/v1/pools/web/backends", null).body());
    int down = 0;
    for (com.fasterxml.jackson.databind.JsonNode e : j.path("backends")) {
      if (ids.contains(e.path("id").asText()) && !e.path("healthy").asBoolean(true)) {
        down++;
      }
    }
    return down;
  }

  /** Whether every one of {@code ids} is out of rotation now. */
  private static boolean unhealthy(Ballast b, List<String> ids) throws Exception {
    return unhealthyCount(b, ids) == ids.size();
  }

  interface Check {
    boolean ok() throws Exception;
  }

  static void waitFor(Check c, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!c.ok()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("condition not met within " + seconds + " s");
      }
      Thread.sleep(20); // polling; bounded by the deadline
    }
  }
}
