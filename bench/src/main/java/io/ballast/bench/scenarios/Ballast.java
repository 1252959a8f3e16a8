package io.ballast.bench.scenarios;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Ballast node for the scenario programs: started through {@code bin/ballast run} as its own
 * process (as an operator runs it), with its admin API for changes and its PID file for signals.
 */
final class Ballast implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final Path root;
  final Path config;
  final Path pidFile;
  final int port;
  final int adminPort;
  private final Process process;

  private Ballast(Path root, Path config, Path pidFile, int port, int adminPort, Process process) {
    this.root = root;
    this.config = config;
    this.pidFile = pidFile;
    this.port = port;
    this.adminPort = adminPort;
    this.process = process;
  }

  /** Starts {@code bin/ballast run} with this config and waits until it serves. */
  static Ballast start(Path root, Path dir, String yaml, int port, int adminPort)
      throws IOException, InterruptedException {
    Path config = dir.resolve("ballast.yaml");
    Files.writeString(config, yaml);
    Path pid = dir.resolve("ballast.pid");
    Path log = dir.resolve("ballast.log");
    Process p =
        new ProcessBuilder(
                List.of(
                    root.resolve("bin/ballast").toString(),
                    "run",
                    "--config",
                    config.toString(),
                    "--pid-file",
                    pid.toString(),
                    "--handoff-socket",
                    dir.resolve("handoff.sock").toString()))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    Ballast b = new Ballast(root, config, pid, port, adminPort, p);
    b.awaitPort(port, 60);
    b.awaitPort(adminPort, 60);
    return b;
  }

  void awaitPort(int p, int seconds) throws InterruptedException, IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", p), 200);
        return;
      } catch (IOException e) {
        Thread.sleep(50); // polling a process we started; bounded by the deadline
      }
    }
    throw new IOException("Ballast did not listen on " + p + " within " + seconds + " s");
  }

  /** The PID of the process serving now (it changes with each hitless restart). */
  long pid() throws IOException {
    return Long.parseLong(Files.readString(pidFile).strip());
  }

  /** Sends a signal to the serving process. */
  void signal(String name) throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-" + name, Long.toString(pid())).inheritIO().start().waitFor();
  }

  /** Calls the admin API; returns status and body. */
  Answer admin(String method, String path, String json) throws IOException, InterruptedException {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
            .timeout(Duration.ofSeconds(30));
    if (json != null) {
      r.header("Content-Type", "application/json");
      r.method(method, HttpRequest.BodyPublishers.ofString(json));
    } else {
      r.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<String> resp = HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(resp.statusCode(), resp.body());
  }

  /** An admin API answer. */
  record Answer(int status, String body) {}

  @Override
  public void close() {
    try {
      signal("TERM");
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (IOException e) {
      // not running
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process.destroyForcibly();
  }
}
