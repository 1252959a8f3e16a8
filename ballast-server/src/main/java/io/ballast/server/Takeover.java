package io.ballast.server;

import io.ballast.proxy.handoff.ListenerHandoff;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hitless restart of the node itself: every node serves a handoff socket; a successor started with
 * {@code --takeover} adopts the listening sockets, confirms it serves, and the old node drains and
 * exits. {@link #spawnSuccessor} is how a node restarts itself (SIGUSR2, {@code POST
 * /api/v1/restart}, {@code systemctl reload}), picking up a new jar, JVM or config.
 */
public final class Takeover {
  private static final Logger log = LoggerFactory.getLogger(Takeover.class);

  private Takeover() {}

  /**
   * The default handoff socket for a config file: one per config, in the temp directory, named by a
   * 64-bit hash of the config's absolute path (CRC32C and String.hashCode side by side). Not a
   * MessageDigest: the first one initialises the JDK's security providers, 70 ms of a start-up.
   */
  public static Path defaultSocket(Path configFile) {
    String key = configFile == null ? "demo" : configFile.toAbsolutePath().normalize().toString();
    CRC32C crc = new CRC32C();
    crc.update(key.getBytes(StandardCharsets.UTF_8));
    long hash = crc.getValue() << 32 | (key.hashCode() & 0xffffffffL);
    return Path.of(
        System.getProperty("java.io.tmpdir"),
        "ballast-" + HexFormat.of().toHexDigits(hash) + ".sock");
  }

  /**
   * Serves handoffs for a running node at {@code socket}; empty when the platform cannot (no epoll)
   * or the socket cannot be created.
   */
  public static Optional<ListenerHandoff.Server> serve(Node node, Path socket) {
    if (!ListenerHandoff.supported()) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          ListenerHandoff.serve(
              socket, ListenerHandoff.donor(() -> node.proxy().listeningChannels(), node::retire)));
    } catch (IOException | RuntimeException e) {
      log.warn("hitless restart unavailable: cannot serve {}: {}", socket, e.toString());
      return Optional.empty();
    }
  }

  /**
   * Starts a successor process that takes this node over: the same launcher and config with {@code
   * --takeover}. This node keeps serving until the successor confirms; if the successor fails (a
   * bad config, a crash) nothing changes here.
   *
   * @return a one-line description for the operator
   */
  public static String spawnSuccessor(Path configFile, Path socket, Path pidFile) {
    List<String> command = new ArrayList<>();
    String launcher = System.getenv("BALLAST_LAUNCHER");
    if (launcher != null && !launcher.isBlank()) {
      command.add(launcher);
    } else {
      ProcessHandle.Info info = ProcessHandle.current().info();
      command.add(info.command().orElse("java"));
      String[] args = info.arguments().orElse(new String[0]);
      // Keep the JVM's own options and the jar; the command line after it is rebuilt below.
      for (String a : args) {
        command.add(a);
        if (a.endsWith(".jar")) {
          break;
        }
      }
    }
    command.add("run");
    command.add("--config");
    command.add(configFile.toString());
    command.add("--takeover");
    command.add("--handoff-socket");
    command.add(socket.toString());
    if (pidFile != null) {
      command.add("--pid-file");
      command.add(pidFile.toString());
    }
    try {
      Process p = new ProcessBuilder(command).inheritIO().start();
      log.info(
          "hitless restart: started successor pid {} ({})", p.pid(), String.join(" ", command));
      return "successor pid "
          + p.pid()
          + " is starting; it takes over the listening sockets and this node drains";
    } catch (IOException e) {
      log.error("hitless restart: cannot start a successor: {}", e.toString());
      throw new IllegalStateException("cannot start a successor: " + e.getMessage(), e);
    }
  }

  /** Tells systemd (Type=notify, NotifyAccess=all) this process is the service and ready. */
  public static void notifyReady() {
    if (System.getenv("NOTIFY_SOCKET") == null) {
      return;
    }
    long pid = ProcessHandle.current().pid();
    try {
      Process p =
          new ProcessBuilder("systemd-notify", "--pid=" + pid, "READY=1", "MAINPID=" + pid)
              .inheritIO()
              .start();
      p.waitFor();
    } catch (IOException e) {
      log.warn("cannot notify systemd (systemd-notify missing?): {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Writes this process's PID (after it is ready), for supervisors other than systemd. */
  public static void writePidFile(Path pidFile) {
    if (pidFile == null) {
      return;
    }
    try {
      Path tmp = pidFile.resolveSibling(pidFile.getFileName() + ".tmp");
      Files.writeString(tmp, ProcessHandle.current().pid() + "\n");
      Files.move(
          tmp,
          pidFile,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      log.warn("cannot write pid file {}: {}", pidFile, e.toString());
    }
  }
}
