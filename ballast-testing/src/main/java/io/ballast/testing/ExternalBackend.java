package io.ballast.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link TestBackend} in a separate JVM process: the one fixture that can really be killed with
 * SIGKILL (the kernel resets its connections, as when a VM or its process dies).
 */
public final class ExternalBackend implements AutoCloseable {
  private final String id;
  private final Process process;
  private final int port;
  private final OutputStream control;

  private ExternalBackend(String id, Process process, int port) {
    this.id = id;
    this.process = process;
    this.port = port;
    this.control = process.getOutputStream();
  }

  /** Starts a backend process on a free port and waits until it listens. */
  public static ExternalBackend start(String id) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                List.of(
                    java,
                    "-Xmx64m",
                    "-XX:TieredStopAtLevel=1",
                    "-cp",
                    System.getProperty("java.class.path"),
                    TestBackendMain.class.getName(),
                    id))
            .redirectErrorStream(true)
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null) {
      if (line.startsWith("LISTENING ")) {
        int port = Integer.parseInt(line.substring("LISTENING ".length()).trim());
        // Keep draining its output so it never blocks on a full pipe.
        Thread drain =
            new Thread(
                () -> {
                  try {
                    while (out.readLine() != null) {
                      // discard
                    }
                  } catch (IOException ignored) {
                    // the process is gone
                  }
                },
                "backend-" + id + "-output");
        drain.setDaemon(true);
        drain.start();
        return new ExternalBackend(id, p, port);
      }
    }
    p.destroyForcibly();
    throw new IOException("backend process " + id + " exited before listening");
  }

  public String id() {
    return id;
  }

  public int port() {
    return port;
  }

  /** Switches the backend's behaviour. */
  public void mode(TestBackend.Mode mode) throws IOException {
    control.write(("mode " + mode.name() + "\n").getBytes(StandardCharsets.UTF_8));
    control.flush();
  }

  /** SIGKILL: the process dies at once, its connections are reset by the kernel. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    kill();
  }
}
