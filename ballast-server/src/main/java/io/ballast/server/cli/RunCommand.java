package io.ballast.server.cli;

import io.ballast.core.balance.BalancerRegistry;
import io.ballast.core.config.BallastConfig;
import io.ballast.core.config.ConfigError;
import io.ballast.core.config.ConfigLoader;
import io.ballast.server.Node;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ballast run --config FILE}: runs a node until SIGTERM or SIGINT. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run a node with a config file.",
      "",
      "Stops gracefully on SIGTERM/SIGINT: stops accepting, finishes in-flight requests",
      "within node.shutdown-grace, exits 0. SIGUSR1 reopens access-log files (logrotate)."
    })
final class RunCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = {"-c", "--config"},
      required = true,
      paramLabel = "FILE",
      description = "the config file (YAML)")
  Path config;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
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
    Node node;
    try {
      node = Node.start(c, config);
    } catch (IllegalStateException e) {
      err.println("not starting: " + e.getMessage());
      return 1;
    }
    Signals.onTermination(node);
    Signals.handle("USR1", node::reopenLogs); // logrotate: reopen access-log files
    node.awaitStopped();
    return 0;
  }
}
