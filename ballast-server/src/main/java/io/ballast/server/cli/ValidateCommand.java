package io.ballast.server.cli;

import io.ballast.core.balance.BalancerRegistry;
import io.ballast.core.config.BallastConfig;
import io.ballast.core.config.ConfigError;
import io.ballast.core.config.ConfigLoader;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ballast validate FILE}: checks a config and explains every mistake. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Check a config file and explain every mistake.",
      "",
      "Prints every error with its file, line and field path.",
      "Exit status: 0 valid, 1 invalid, 2 unreadable."
    })
final class ValidateCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "the config file (YAML)")
  Path file;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ConfigLoader.Result result;
    try {
      if (!Files.exists(file)) {
        throw new NoSuchFileException(file.toString());
      }
      result = ConfigLoader.validate(file, BalancerRegistry.defaults());
    } catch (NoSuchFileException e) {
      err.println(file + ": no such file");
      return 2;
    } catch (java.io.IOException e) {
      err.println(file + ": cannot read: " + e.getMessage());
      return 2;
    }
    for (ConfigError w : result.warnings()) {
      err.println("warning: " + w);
    }
    if (!result.ok()) {
      for (ConfigError e : result.errors()) {
        err.println(e);
      }
      int n = result.errors().size();
      err.println(n + (n == 1 ? " error" : " errors") + " in " + file);
      return 1;
    }
    BallastConfig c = result.config();
    int backends = c.pools().stream().mapToInt(p -> p.backends().size()).sum();
    out.printf(
        "%s: OK (%d listener%s, %d pool%s, %d backend%s)%n",
        file,
        c.listeners().size(),
        c.listeners().size() == 1 ? "" : "s",
        c.pools().size(),
        c.pools().size() == 1 ? "" : "s",
        backends,
        backends == 1 ? "" : "s");
    return 0;
  }
}
