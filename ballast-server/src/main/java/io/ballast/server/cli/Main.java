package io.ballast.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ballast}: the one entry point. */
@Command(
    name = "ballast",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "A load balancer for virtualized and bare-metal server fleets.",
    subcommands = {
      DemoCommand.class,
      RunCommand.class,
      ValidateCommand.class,
      CtlCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Runs the CLI and exits with its status. */
  public static void main(String[] args) {
    int code = commandLine().execute(args);
    if (code != 0 || !keepRunning) {
      System.exit(code);
    }
  }

  /** Set by commands that leave a node running after {@code execute} returns. */
  static volatile boolean keepRunning;

  /** The configured command line (also used by tests). */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    return cl;
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Reports the version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {
        "ballast " + (v == null ? "0.1.0-SNAPSHOT" : v),
        "java "
            + System.getProperty("java.version")
            + " ("
            + System.getProperty("java.vm.name")
            + ")"
      };
    }
  }
}
