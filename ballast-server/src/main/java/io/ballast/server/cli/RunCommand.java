package io.ballast.server.cli;

import io.ballast.core.balance.BalancerRegistry;
import io.ballast.core.config.BallastConfig;
import io.ballast.core.config.ConfigError;
import io.ballast.core.config.ConfigLoader;
import io.ballast.proxy.handoff.ListenerHandoff;
import io.ballast.server.Node;
import io.ballast.server.Takeover;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ballast run --config FILE}: runs a node until SIGTERM or SIGINT. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "Run a node with a config file.",
      "",
      "Signals: SIGTERM/SIGINT stop gracefully (stop accepting, finish in-flight requests",
      "within node.shutdown-grace, exit 0); SIGHUP reloads the config file; SIGUSR2 restarts",
      "hitlessly (a successor process takes the listening sockets over, this one drains);",
      "SIGUSR1 reopens access-log files (logrotate). With --takeover this process is that successor."
    })
final class RunCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = {"-c", "--config"},
      required = true,
      paramLabel = "FILE",
      description = "the config file (YAML)")
  Path config;

  @Option(
      names = "--takeover",
      description =
          "take the listening sockets over from the node running with the same handoff socket,"
              + " then let it drain and exit (hitless restart / upgrade)")
  boolean takeover;

  @Option(
      names = "--handoff-socket",
      paramLabel = "PATH",
      description = "Unix socket for hitless restarts (default: derived from the config path)")
  Path handoffSocket;

  @Option(
      names = "--pid-file",
      paramLabel = "FILE",
      description = "write this process's PID here once it serves")
  Path pidFile;

  /** Where messages go: picocli's error writer, or stderr when parsed by {@link #parsePlain}. */
  private PrintWriter err;

  /**
   * Parses the arguments after {@code run} without picocli, when they are the plain shapes a
   * launcher, a systemd unit or a hitless restart passes ({@code -c FILE}, {@code --config FILE} or
   * {@code --config=FILE}, {@code --takeover}, {@code --handoff-socket PATH}, {@code --pid-file
   * FILE}, each at most once); anything else (help, a typo, a repeated or missing option) returns
   * null, and picocli parses and answers as always. Why: picocli's start-up on one core is about
   * 0.35 s even for one option, a quarter of a node's time to its first request. RunCommandTest
   * checks that both parsers agree.
   */
  static RunCommand parsePlain(String[] args) {
    RunCommand r = new RunCommand();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String name = a;
      String value = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        name = a.substring(0, eq);
        value = a.substring(eq + 1);
      }
      if (name.equals("--takeover")) {
        if (value != null || r.takeover) {
          return null;
        }
        r.takeover = true;
        continue;
      }
      if (value == null) {
        if (i + 1 >= args.length || args[i + 1].startsWith("-")) {
          return null;
        }
        value = args[++i];
      }
      if (value.isEmpty()) {
        return null;
      }
      switch (name) {
        case "-c", "--config" -> {
          if (r.config != null) {
            return null;
          }
          r.config = Path.of(value);
        }
        case "--handoff-socket" -> {
          if (r.handoffSocket != null) {
            return null;
          }
          r.handoffSocket = Path.of(value);
        }
        case "--pid-file" -> {
          if (r.pidFile != null) {
            return null;
          }
          r.pidFile = Path.of(value);
        }
        default -> {
          return null;
        }
      }
    }
    if (r.config == null) {
      return null;
    }
    r.err = new PrintWriter(System.err, true);
    return r;
  }

  @Override
  public Integer call() throws Exception {
    if (err == null) {
      err = spec.commandLine().getErr();
    }
    if (!Files.isReadable(config)) {
      err.println(config + ": no such file or not readable");
      return 2;
    }
    ConfigLoader.Result result = ConfigLoader.validate(config, BalancerRegistry.defaults());
    for (ConfigError w : result.warnings()) {
      err.println("warning: " + w);
    }
    if (!result.ok()) {
      for (ConfigError e : result.errors()) {
        err.println(e);
      }
      err.println("not starting: " + result.errors().size() + " error(s) in " + config);
      return 1;
    }
    BallastConfig c = result.config();
    Path socket = handoffSocket != null ? handoffSocket : Takeover.defaultSocket(config);
    ListenerHandoff.Taken taken = null;
    if (takeover) {
      try {
        taken = ListenerHandoff.take(socket, 10_000);
      } catch (IOException e) {
        err.println("not taking over: " + e.getMessage());
        return 1;
      }
    }
    Path configPath = config.toAbsolutePath();
    Path pid = pidFile == null ? null : pidFile.toAbsolutePath();
    Node node;
    try {
      node =
          Node.start(
              c,
              new Node.Options(
                  config,
                  taken == null ? Map.of() : taken.fds(),
                  taken != null,
                  () -> Takeover.spawnSuccessor(configPath, socket, pid)));
    } catch (IllegalStateException e) {
      err.println("not starting: " + e.getMessage());
      if (taken != null) {
        err.println("the running node keeps serving");
      }
      return 1;
    }
    if (taken != null) {
      // We serve on the sockets now; the old node releases its admin port and drains.
      if (!taken.confirmServing(10_000)) {
        err.println("warning: the previous node did not acknowledge the takeover");
      }
      node.startAdminRetrying(Duration.ofSeconds(10));
    }
    Optional<ListenerHandoff.Server> handoff = Takeover.serve(node, socket);
    Signals.onTermination(node);
    Signals.handle("HUP", () -> node.reload());
    if (Signals.userSignal2Free()) {
      Signals.handle("USR2", () -> Takeover.spawnSuccessor(configPath, socket, pid));
    } else {
      // The JVM suspends threads with SIGUSR2 (JFR sampling, for one): a handler here would
      // restart the node at every sample. bin/ballast moves the JVM's signal elsewhere.
      org.slf4j.LoggerFactory.getLogger(RunCommand.class)
          .warn(
              "SIGUSR2 is the JVM's thread-suspend signal in this process (start through bin/ballast,"
                  + " or set _JAVA_SR_SIGNUM=39): hitless restart only through POST /api/v1/restart");
    }
    Signals.handle("USR1", node::reopenLogs); // logrotate: reopen access-log files
    Takeover.writePidFile(pid);
    Takeover.notifyReady();
    node.awaitStopped();
    handoff.ifPresent(ListenerHandoff.Server::close);
    return 0;
  }
}
